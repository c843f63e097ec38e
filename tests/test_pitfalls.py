"""The pitfall demonstrations: each symptom appears, over several seeds, and the helpers are exact."""

import warnings

import pytest
import torch
from torch import nn

import d2l_linreg as d2l
from d2l_linreg import pitfalls

SEEDS = range(4)


def _running_example(seed=0, n=1000, noise=0.01):
    return d2l.synthetic_data([2.0, -3.4], 4.2, n, noise, seed=seed)


# --- shuffling --------------------------------------------------------------------------------


def test_sort_by_target_is_a_stable_sort_of_rows():
    X = torch.arange(10.0).reshape(5, 2)
    y = torch.tensor([3.0, 1.0, 3.0, 0.0, 2.0])
    Xs, ys = pitfalls.sort_by_target(X, y)
    assert ys.flatten().tolist() == [0.0, 1.0, 2.0, 3.0, 3.0]
    assert Xs[:, 0].tolist() == [6.0, 2.0, 8.0, 0.0, 4.0]  # rows move with their targets


@pytest.mark.parametrize("seed", SEEDS)
def test_unshuffled_sorted_data_drags_the_bias_and_hurts_validation(seed):
    bad = pitfalls.shuffling_run(False, seed=seed)
    good = pitfalls.shuffling_run(True, seed=seed)
    # measured over seeds 0-5: bias error 0.73-0.89 vs |.| <= 0.11; val ratio 1.45-1.74;
    # swing ratio >= 2.0
    assert bad.bias_error > 0.5 and abs(good.bias_error) < 0.2
    assert bad.val_loss > 1.3 * good.val_loss
    assert bad.bias_swing > 1.8 * good.bias_swing
    assert bad.path.shape == (5 * 25 + 1, 3) and bad.steps_per_epoch == 25


def test_shuffling_run_is_the_notebook_code():
    X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 1000, noise=1.0, seed=2)
    (X_tr, y_tr), val = d2l.train_val_split(X, y, 0.2, seed=2)
    X_s, y_s = pitfalls.sort_by_target(X_tr, y_tr)
    model = d2l.linear_model(2, seed=2)
    path = d2l.ParameterPath(model)
    loader = d2l.InMemoryLoader(X_s, y_s, batch_size=32, shuffle=False, seed=2)
    history = d2l.train(
        model,
        d2l.squared_loss,
        torch.optim.SGD(model.parameters(), lr=0.3),
        loader,
        num_epochs=2,
        val_data=val,
        callbacks=[path],
    )
    run = pitfalls.shuffling_run(False, num_epochs=2, seed=2)
    assert run.history.val_loss == history.val_loss and torch.equal(run.path, path.tensor())


def test_parameter_path_works_for_the_scratch_model():
    X, y = _running_example(n=64)
    model = d2l.LinearRegressionScratch(2, seed=0)
    path = d2l.ParameterPath(model)
    d2l.train(
        model,
        d2l.squared_loss,
        d2l.SGDScratch(model.params, 0.1),
        (X, y),
        num_epochs=1,
        callbacks=[path],
    )
    P = path.tensor()
    assert P.shape == (3, 3)  # start + 2 steps, (w1, w2, b)
    assert torch.equal(P[-1], torch.cat([model.w.detach().reshape(-1), model.b.detach()]))


# --- averaging the loss -----------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [7, 32])
def test_summed_and_twice_averaged_losses_scale_the_gradient_by_the_batch_size(batch_size):
    X, y = _running_example(n=batch_size)
    grads = {}
    for name, loss_fn in [
        ("mean", d2l.squared_loss),
        ("sum", d2l.pitfalls.summed_squared_loss),
        ("twice", d2l.pitfalls.twice_averaged_squared_loss),
    ]:
        model = d2l.linear_model(2, seed=1)
        loss = loss_fn(model(X), y)
        (loss if loss.dim() == 0 else loss.mean()).backward()
        grads[name] = torch.cat([model.weight.grad.reshape(-1), model.bias.grad])
    # float32: the factor is exact up to rounding of the reductions
    torch.testing.assert_close(grads["sum"], batch_size * grads["mean"], rtol=1e-5, atol=0)
    torch.testing.assert_close(grads["twice"] * batch_size, grads["mean"], rtol=1e-5, atol=0)


@pytest.mark.parametrize("seed", range(3))
def test_loss_scaling_bugs_diverge_or_crawl(seed):
    X, y = _running_example(seed)
    results = {}
    for loss_fn in (
        d2l.squared_loss,
        d2l.pitfalls.summed_squared_loss,
        d2l.pitfalls.twice_averaged_squared_loss,
    ):
        model = d2l.linear_model(2, seed=seed)
        h = d2l.train(
            model,
            loss_fn,
            torch.optim.SGD(model.parameters(), lr=0.1),
            (X, y),
            num_epochs=5,
            seed=seed,
        )
        results[loss_fn] = (h, d2l.evaluate(model, d2l.squared_loss, (X, y)))
    h_mean, loss_mean = results[d2l.squared_loss]
    h_sum, _ = results[d2l.pitfalls.summed_squared_loss]
    h_twice, loss_twice = results[d2l.pitfalls.twice_averaged_squared_loss]
    assert not h_mean.diverged and loss_mean < 1e-4  # the noise floor is 5e-5
    assert h_sum.diverged and len(h_sum.step_loss) < 160
    assert not h_twice.diverged and loss_twice > 1e4 * loss_mean  # measured: 5.1-5.5 vs ~5e-5


def test_effective_lr():
    assert pitfalls.effective_lr(0.1, 32, "sum") == pytest.approx(3.2)
    assert pitfalls.effective_lr(0.1, 32, "mean_twice") == pytest.approx(0.1 / 32)
    with pytest.raises(
        ValueError, match=r"reduction must be one of \('mean', 'sum', 'mean_twice'\) \(got 'max'\)"
    ):
        pitfalls.effective_lr(0.1, 32, "max")
    with pytest.raises(ValueError, match=r"batch_size must be a positive integer \(got 0\)"):
        pitfalls.effective_lr(0.1, 0, "sum")


# --- zero_grad --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_model",
    [lambda: d2l.linear_model(2, seed=0), lambda: d2l.LinearRegressionScratch(2, seed=0)],
)
def test_accumulated_gradient_is_exactly_the_running_sum(make_model):
    X, y = _running_example(n=160)
    batches = [(X[i : i + 32], y[i : i + 32]) for i in range(0, 160, 32)]
    model = make_model()
    singles = []
    for X_B, y_B in batches:
        for p in model.parameters():
            p.grad = None
        d2l.squared_loss(model(X_B), y_B).mean().backward()
        singles.append([p.grad.clone() for p in model.parameters()])
    accumulated = pitfalls.accumulated_gradients(model, d2l.squared_loss, batches)
    for k, snapshot in enumerate(accumulated):
        for i, grad in enumerate(snapshot):
            running = singles[0][i]
            for j in range(1, k + 1):
                running = running + singles[j][i]
            assert torch.equal(grad, running)  # same float additions in the same order


def test_skip_zero_grad_in_train_is_momentum_one_and_never_settles():
    X, y = _running_example()
    finals = []
    for make_opt in (
        lambda ps: torch.optim.SGD(ps, lr=0.03),
        lambda ps: d2l.pitfalls.SkipZeroGrad(torch.optim.SGD(ps, lr=0.03)),
        lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=1.0),
    ):
        model = d2l.linear_model(2, seed=0)
        h = d2l.train(
            model, d2l.squared_loss, make_opt(model.parameters()), (X, y), num_epochs=5, seed=0
        )
        finals.append((h, model))
    (h_ok, _), (h_bug, m_bug), (_, m_mom) = finals
    assert min(h_bug.train_loss) > 1000 * h_ok.train_loss[-1]  # measured: ~8 vs 0.003
    assert torch.equal(m_bug.weight, m_mom.weight) and torch.equal(m_bug.bias, m_mom.bias)


# --- validation leakage -----------------------------------------------------------------------


def test_subset_search_losses_match_a_direct_fit():
    problem = pitfalls.leakage_problem(seed=3)
    search = pitfalls.subset_search(problem, 20, subset_size=4, seed=3)
    for i in (0, 7, 19):
        cols = search.subsets[i]
        fit = d2l.fit_least_squares(problem.train[0][:, cols], problem.train[1])
        for part, losses in ((problem.val, search.val_loss), (problem.test, search.test_loss)):
            r = part[0][:, cols] @ fit.w.reshape(-1, 1) + fit.b - part[1]
            # float64 Gram-matrix evaluation vs direct residuals: agreement to ~1e-12
            assert float(losses[i]) == pytest.approx(float((r**2).mean() / 2), rel=1e-9)


def test_best_of_many_configurations_is_optimistic_on_every_seed():
    gaps = {1: [], 1000: []}
    for seed in range(5):
        search = pitfalls.subset_search(pitfalls.leakage_problem(seed=seed), 1000, seed=seed)
        for K in gaps:
            _, val_loss, test_loss = search.best_after(K)
            gaps[K].append(test_loss - val_loss)
    assert all(g > 0 for g in gaps[1000])  # measured over seeds 0-9: min +0.045
    assert sum(gaps[1000]) / 5 > 0.1  # measured: +0.21 over 10 seeds
    assert abs(sum(gaps[1]) / 5) < sum(gaps[1000]) / 5  # a single choice is far less biased


def test_leakage_inputs_are_checked():
    problem = pitfalls.leakage_problem(num_features=3, seed=0)
    with pytest.raises(ValueError, match=r"subset_size must be at most the 3 features \(got 5\)"):
        pitfalls.subset_search(problem, 10)
    with pytest.raises(ValueError, match=r"num_features must be at least 2 \(got 1\)"):
        pitfalls.leakage_problem(num_features=1)
    with pytest.raises(ValueError, match=r"k must be a positive integer \(got 0\)"):
        pitfalls.subset_search(problem, 10, subset_size=2).best_after(0)


# --- the normal equation at scale -------------------------------------------------------------


def test_operation_counts():
    n, d = 5000, 40
    cost = pitfalls.normal_equation_cost(n, d)
    assert cost["gram"] == n * d * d and cost["total"] == n * d * d + n * d + d**3 // 6 + d * d
    assert pitfalls.sgd_epoch_cost(n, d, batch_size=50) == 2 * n * d + d * 100
    ratio = cost["total"] / pitfalls.sgd_epoch_cost(n, d)
    assert ratio == pytest.approx(d / 2, rel=0.05)  # forming X^T X ~ d/2 epochs
    assert pitfalls.gram_bytes(10**4, torch.float64) == 8 * 10**8


def test_collinear_features_square_the_condition_number_and_break_float32():
    kappas = []
    for eps in (1e-1, 1e-2, 1e-3):
        X = pitfalls.collinear_features(1000, eps, seed=0)
        kappas.append(d2l.condition_number(X))
        G = X.T @ X
        assert torch.linalg.cond(G).item() == pytest.approx(
            torch.linalg.cond(X).item() ** 2, rel=1e-6
        )
    assert kappas[1] / kappas[0] == pytest.approx(10, rel=0.05)  # kappa ~ 1 / eps
    assert kappas[2] / kappas[1] == pytest.approx(10, rel=0.05)
    X = pitfalls.collinear_features(1000, 1e-3, seed=0)
    y = X.sum(dim=1, keepdim=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", d2l.closed_form.IllConditionedWarning)
        w32 = d2l.fit_least_squares(X, y, method="normal", dtype=torch.float32).w.double()
    w64 = d2l.fit_least_squares(X, y).w
    assert torch.allclose(w64, torch.ones(2, dtype=torch.float64), atol=1e-8)  # noise-free: exact
    assert float((w32 - w64).norm() / w64.norm()) > 0.1


# --- unscaled features ------------------------------------------------------------------------


def test_unscaled_problem_has_the_stated_true_weights():
    X, y = pitfalls.unscaled_problem(500, scales=(2.0, 5.0), noise=0.0, seed=1)
    w = torch.linalg.lstsq(X.double(), y.double()).solution.reshape(-1)
    torch.testing.assert_close(
        w, torch.tensor([1.0, -0.68], dtype=torch.float64), rtol=0, atol=1e-5
    )
    with pytest.raises(
        ValueError, match=r"scales must be two positive numbers \(got \(1.0, -1.0\)\)"
    ):
        pitfalls.unscaled_problem(scales=(1.0, -1.0))


@pytest.mark.parametrize("factor, diverges", [(0.95, False), (1.05, True)])
def test_max_stable_lr_is_the_gradient_descent_limit(factor, diverges):
    X, y = pitfalls.unscaled_problem(200, seed=0)
    lr = factor * d2l.pitfalls.max_stable_lr(X)
    run = pitfalls.scaling_run(X, y, lr, batch_size=200, num_epochs=2000)  # full batch
    if diverges:  # the steep direction grows by |1 - 2.1| = 1.1 per step
        assert run.history.diverged
    else:  # the flat direction shrinks by 1 - 1.9 / kappa per step; the floor is ½ 0.01²
        assert float(pitfalls.loss_along_path(X, y, run.path[-1:])) < 1e-4


@pytest.mark.parametrize("seed", range(3))
def test_standardized_features_need_far_fewer_steps(seed):
    X, y = pitfalls.unscaled_problem(1000, seed=seed)
    X_scaled = X / X.std(dim=0)
    steps = []
    for Z in (X, X_scaled):
        run = pitfalls.scaling_run(
            Z, y, 0.75 * d2l.pitfalls.max_stable_lr(Z), num_epochs=12, seed=seed
        )
        steps.append(d2l.pitfalls.steps_to_tolerance(Z, y, run.path))
    # measured: 201 vs 5 (seed 0); the raw run needs ~1.85 kappa steps, kappa ~ 100
    assert steps[0] > 20 * steps[1]


def test_steps_to_tolerance_none_when_never_reached():
    X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [2.0]])
    assert d2l.pitfalls.steps_to_tolerance(X, y, torch.tensor([[0.0], [0.5]])) is None


def test_scaling_run_is_the_notebook_code():
    X, y = pitfalls.unscaled_problem(300, seed=0)
    lr = 0.75 * d2l.pitfalls.max_stable_lr(X)
    model = nn.Linear(2, 1, bias=False)
    nn.init.zeros_(model.weight)
    path = d2l.ParameterPath(model)
    d2l.train(
        model,
        d2l.squared_loss,
        torch.optim.SGD(model.parameters(), lr=lr),
        (X, y),
        num_epochs=3,
        batch_size=32,
        seed=0,
        callbacks=[path],
    )
    assert torch.equal(pitfalls.scaling_run(X, y, lr, num_epochs=3).path, path.tensor())
