"""d2l.generalization: sweeps, learning curves, K-fold cross-validation, the figure."""

from __future__ import annotations

import math

import pytest
import torch

import d2l_linreg as d2l
from d2l_linreg.errors import InputTypeError, InputValueError

G = d2l.generalization


def _poly(degree_coeffs: list[float], x: torch.Tensor) -> torch.Tensor:
    return sum(c * x**k for k, c in enumerate(degree_coeffs))


def test_polynomial_data_is_the_cubic_plus_noise_and_seeded() -> None:
    x, y = G.polynomial_data(500, noise=0.0, seed=0)
    assert x.shape == y.shape == (500, 1) and x.dtype == torch.float64
    assert float(x.min()) >= -1 and float(x.max()) <= 1
    assert torch.allclose(y, _poly(list(G.TRUE_COEFFICIENTS), x), atol=1e-12)
    x1, y1 = G.polynomial_data(500, noise=0.1, seed=0)
    assert torch.equal(x1, x)  # x first, then the noise
    assert abs(float((y1 - y).std()) - 0.1) < 0.01
    assert all(
        torch.equal(a, b) for a, b in zip((x1, y1), G.polynomial_data(500, seed=0), strict=True)
    )


def test_degree_sweep_matches_an_independent_least_squares_fit() -> None:
    train, val = G.polynomial_data(25, seed=0), G.polynomial_data(50, seed=1)
    sweep = G.degree_sweep(train, val, [0, 2, 5])
    assert sweep.values == (0, 2, 5) and sweep.name == "degree"
    for k, tr, va in zip(sweep.values, sweep.train_rmse, sweep.val_rmse, strict=True):
        A = torch.stack([train[0].flatten() ** j for j in range(k + 1)], 1)
        theta = torch.linalg.lstsq(A, train[1], driver="gelsd").solution
        Av = torch.stack([val[0].flatten() ** j for j in range(k + 1)], 1)
        assert math.isclose(tr, float(((A @ theta - train[1]) ** 2).mean().sqrt()), rel_tol=1e-9)
        assert math.isclose(va, float(((Av @ theta - val[1]) ** 2).mean().sqrt()), rel_tol=1e-9)


def test_degree_sweep_shows_under_and_overfitting() -> None:
    train, val = G.polynomial_data(20, seed=0), G.polynomial_data(200, seed=1)
    sweep = G.degree_sweep(train, val, range(16))
    assert all(
        b <= a * (1 + 1e-9) for a, b in zip(sweep.train_rmse, sweep.train_rmse[1:], strict=False)
    )
    assert sweep.best == 3 and sweep.val_rmse[15] > 10 * sweep.val_rmse[3]
    # an exact fit: degree n - 1 interpolates the n training points
    exact = G.degree_sweep(G.polynomial_data(6, seed=2), val, [5])
    assert exact.train_rmse[0] < 1e-9


def test_weight_decay_sweep_uses_the_closed_form_and_shrinks_with_lambda() -> None:
    X, y = d2l.synthetic_data([2.0, -3.4, 1.0], 4.2, 40, noise=0.5, seed=0)
    train, val = (X[:30], y[:30]), (X[30:], y[30:])
    sweep = G.weight_decay_sweep(train, val, [1e-3, 1.0, 100.0])
    for lam, tr in zip(sweep.values, sweep.train_rmse, strict=True):
        w, b = d2l.weight_decay_solution(*train, lam)
        assert math.isclose(tr, d2l.rmse(X[:30].double() @ w + b, y[:30]), rel_tol=1e-12)
    assert sweep.train_rmse[0] < sweep.train_rmse[1] < sweep.train_rmse[2]
    poly = G.weight_decay_sweep(
        G.polynomial_data(20, seed=0), G.polynomial_data(200, seed=1), [1e-8, 1e-3], degree=15
    )
    assert poly.best == 1e-3 and poly.val_rmse[0] > 100 * poly.val_rmse[1]


def test_learning_curve_gap_closes_with_more_data() -> None:
    curve = G.learning_curve(3, [10, 400], num_val=500, num_draws=10, seed=0)
    gap = [va - tr for tr, va in zip(curve.train_rmse, curve.val_rmse, strict=True)]
    assert gap[1] < gap[0] / 5 and curve.values == (10, 400)
    under = G.learning_curve(1, [10, 400], num_val=500, num_draws=10, seed=0)
    assert min(under.val_rmse) > 4 * 0.1  # a line stays far above the noise


def test_kfold_splits_partition_the_examples() -> None:
    X = torch.arange(22.0).reshape(11, 2)
    y = torch.arange(11.0)
    splits = G.kfold_splits(X, y, 3, seed=0)
    assert len(splits) == 3
    val_targets = sorted(v for _, (_, yv) in splits for v in yv.flatten().tolist())
    assert val_targets == y.tolist()
    for (Xt, yt), (Xv, yv) in splits:
        assert len(Xt) + len(Xv) == 11 and len(Xv) in (3, 4)
        assert set(yt.flatten().tolist()).isdisjoint(yv.flatten().tolist())
        assert torch.equal(Xt[:, 0] / 2, yt.flatten())  # rows stay together


def test_cross_validate_averages_the_folds() -> None:
    data = G.polynomial_data(30, seed=2)
    cv = G.cross_validate(data, [1, 3, 6], k=5, seed=0)
    folds = G.kfold_splits(*data, 5, seed=0)
    by_fold = [G.degree_sweep(tr, va, [1, 3, 6]) for tr, va in folds]
    for i in range(3):
        assert math.isclose(cv.val_rmse[i], sum(s.val_rmse[i] for s in by_fold) / 5, rel_tol=1e-12)
    assert cv.best == 3
    lam = G.cross_validate(data, [1e-6, 1.0], k=3, hyperparameter="weight_decay", degree=5, seed=0)
    assert lam.name == "weight decay λ" and len(lam.val_rmse) == 2


def test_seeded_results_are_deterministic() -> None:
    def run() -> tuple[object, ...]:
        data = G.polynomial_data(30, seed=4)
        return (
            G.cross_validate(data, range(6), k=5, seed=1),
            G.learning_curve(2, [10, 20], num_val=50, num_draws=3, seed=1),
            [t.tolist() for _, (t, _) in G.kfold_splits(*data, 4, seed=1)],
        )

    assert run() == run()


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: G.polynomial_data(0), InputValueError, ["num_examples", "positive"]),
        (lambda: G.polynomial_data(5, noise=-1.0), InputValueError, ["noise", ">= 0"]),
        (lambda: G.degree_sweep("x", G.polynomial_data(5), [1]), InputTypeError, ["train", "pair"]),
        (
            lambda: G.degree_sweep(G.polynomial_data(5), (torch.ones(3, 2), torch.ones(3)), [1]),
            InputValueError,
            ["val", "one feature", "(3, 2)"],
        ),
        (
            lambda: G.degree_sweep(G.polynomial_data(5), G.polynomial_data(5), [5]),
            InputValueError,
            ["degrees", "0..4", "got 5", "more data"],
        ),
        (
            lambda: G.degree_sweep(G.polynomial_data(5), G.polynomial_data(5), 3),
            InputTypeError,
            ["degrees", "list of integers", "range(10)"],
        ),
        (
            lambda: G.degree_sweep(G.polynomial_data(5), G.polynomial_data(5), [1.5]),
            InputTypeError,
            ["degrees", "integers", "1.5"],
        ),
        (
            lambda: G.weight_decay_sweep(G.polynomial_data(5), G.polynomial_data(5), [0.0]),
            InputValueError,
            ["weight_decays", "positive", "0.0"],
        ),
        (
            lambda: G.weight_decay_sweep(G.polynomial_data(5), G.polynomial_data(5), "1e-3"),
            InputTypeError,
            ["weight_decays", "list of numbers"],
        ),
        (lambda: G.kfold_splits(torch.ones(4, 1), torch.ones(4), 5), InputValueError, ["k", "4"]),
        (lambda: G.kfold_splits(torch.ones(4, 1), torch.ones(3), 2), InputValueError, ["rows"]),
        (
            lambda: G.cross_validate(G.polynomial_data(10), [1], hyperparameter="lambda"),
            InputValueError,
            ["hyperparameter", "'degree'", "'weight_decay'"],
        ),
        (
            lambda: G.learning_curve(3, [4, 10]),
            InputValueError,
            ["sizes", "degree + 1 = 4", "got 4"],
        ),
        (lambda: G.learning_curve(3, []), InputTypeError, ["sizes", "non-empty"]),
        (
            lambda: G.plot_sweeps(G.Sweep("degree", (1,), (1.0,), (1.0,)), labels=["a", "b"]),
            InputValueError,
            ["labels", "one string per sweep"],
        ),
        (lambda: G.plot_sweeps([1, 2]), InputTypeError, ["sweeps", "Sweep"]),
    ],
)
def test_bad_input_names_the_argument_and_the_fix(call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_plot_sweeps_draws_train_and_validation_per_sweep() -> None:
    a = G.Sweep("training examples n", (10, 100), (0.05, 0.09), (0.3, 0.11))
    b = G.Sweep("training examples n", (10, 100), (0.4, 0.5), (0.6, 0.52))
    fig = G.plot_sweeps(a, b, labels=["degree 3", "degree 1"], log_x=True, floor=0.1)
    (ax,) = fig.axes
    assert len(ax.lines) == 5  # 2 curves per sweep and the noise level
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == [
        "degree 3: training",
        "degree 3: validation",
    ]
    assert fig._repr_png_()[:4] == b"\x89PNG"
