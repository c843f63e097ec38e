"""Equivalence of the implementations the pages compare.

* Manual gradients, autograd from scratch and concise (``nn.MSELoss`` at ``mse_equivalent_lr``)
  produce the same parameters after every step, from the same start and minibatch order.
* The manual gradient formulas equal autograd's, per example and per minibatch.
* The closed form agrees with SGD on the synthetic problem and with scikit-learn.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from sklearn.linear_model import LinearRegression
from torch import nn

import d2l_linreg as d2l

Batch = tuple[torch.Tensor, torch.Tensor]

# Float32 rounding: the three paths compute the same update with operations in a different order
# (each rounds at a relative ~6e-8); over ~160 steps on parameters of size ~4 the gaps stay near
# 1e-6, while one wrong factor in a gradient shows up at the first step as a gap of ~0.1.
STEP_TOL = 1e-5
LR = 0.06  # for the ½-loss; nn.MSELoss takes the same steps at mse_equivalent_lr(LR) = 0.03
PROBLEMS = {2: ([2.0, -3.4], 4.2), 5: ([1.5, -2.0, 0.7, 3.1, -0.4], -1.3)}


class _Replay:
    """Yields the k-th list of minibatches the k-th time it is iterated (one list per epoch)."""

    def __init__(self, epochs: list[list[Batch]]) -> None:
        self.epochs, self.count = epochs, 0

    def __iter__(self) -> Iterator[Batch]:
        self.count += 1
        return iter(self.epochs[self.count - 1])


def _problem(d: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, list[list[Batch]]]:
    true_w, true_b = PROBLEMS[d]
    X, y = d2l.synthetic_data(true_w, true_b, 1000, noise=0.01, seed=seed)
    epochs = [list(d2l.data_iter(32, X, y, seed=100 * seed + e)) for e in range(5)]
    return X, y, epochs


def _start(d: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed + 1)
    return 0.01 * torch.randn(d, 1, generator=gen), torch.zeros(1)  # (d, 1), (1,)


def _train_path(path: str, d: int, seed: int, lr: float) -> torch.Tensor:
    """Train one path through d2l.train; returns the (steps, d + 1) parameter trajectory."""
    _, _, epochs = _problem(d, seed)
    w0, b0 = _start(d, seed)
    if path == "concise":
        model, loss_fn, optimizer = d2l.concise_setup(d, lr=lr)
        params = [model.weight, model.bias]
    else:
        model_class = (
            d2l.LinearRegressionManual if path == "manual" else d2l.LinearRegressionScratch
        )
        model = model_class(d)
        loss_fn = d2l.manual_squared_loss if path == "manual" else d2l.squared_loss
        params = model.params
        optimizer = d2l.SGDScratch(params, lr)
    with torch.no_grad():
        params[0].copy_(w0.reshape(params[0].shape))
        params[1].copy_(b0)
    record = d2l.ParameterPath(model)  # rows (w_1, ..., w_d, b): the start, then every step
    d2l.train(
        model, loss_fn, optimizer, _Replay(epochs), num_epochs=len(epochs), callbacks=[record]
    )
    return record.tensor()[1:]


def _gap(a: torch.Tensor, b: torch.Tensor) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return float((a - b).abs().max())


@pytest.mark.parametrize(("d", "seed"), [(2, 0), (2, 1), (2, 2), (5, 0)])
def test_manual_autograd_and_concise_agree_after_every_step(d: int, seed: int) -> None:
    scratch = _train_path("scratch", d, seed, LR)
    manual = _train_path("manual", d, seed, LR)
    concise = _train_path("concise", d, seed, d2l.mse_equivalent_lr(LR))
    assert scratch.shape == (160, d + 1)  # ceil(1000 / 32) = 32 steps per epoch, 5 epochs
    assert _gap(manual, scratch) <= STEP_TOL
    assert _gap(concise, scratch) <= STEP_TOL
    assert _gap(scratch[0], torch.cat([t.reshape(-1) for t in _start(d, seed)])) > 0.01  # it moved


def test_written_out_loops_take_the_same_steps_as_train() -> None:
    """The pages' explicit loops: mean loss + SGDScratch (the main path, bit for bit), summed loss +
    d2l.sgd (the older convention, on the loss-averaging page), and the formulas without autograd."""
    _, _, epochs = _problem(2, 0)
    w0, b0 = _start(2, 0)
    reference = _train_path("scratch", 2, 0, LR)
    w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    w_s, b_s = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    optimizer = d2l.SGDScratch([w, b], LR)
    w_m, b_m = w0.clone(), b0.clone()
    mean_loop, summed_loop, formula_loop = [], [], []
    for batches in epochs:
        for X_B, y_B in batches:
            optimizer.zero_grad()
            d2l.squared_loss(d2l.linreg(X_B, w, b), y_B).mean().backward()
            optimizer.step()
            mean_loop.append(torch.cat([w.detach().reshape(-1), b.detach()]))
            d2l.squared_loss(d2l.linreg(X_B, w_s, b_s), y_B).sum().backward()
            d2l.sgd([w_s, b_s], LR, len(y_B))
            summed_loop.append(torch.cat([w_s.detach().reshape(-1), b_s.detach()]))
            grad_w, grad_b = d2l.minibatch_gradients(X_B, y_B, w_m, b_m)
            w_m, b_m = w_m - LR * grad_w, b_m - LR * grad_b
            formula_loop.append(torch.cat([w_m.reshape(-1), b_m]))
    assert torch.equal(torch.stack(mean_loop), reference)  # the same operations as d2l.train
    assert _gap(torch.stack(summed_loop), reference) <= STEP_TOL
    assert _gap(torch.stack(formula_loop), reference) <= STEP_TOL


def test_mse_loss_at_the_same_lr_takes_steps_twice_as_large() -> None:
    mse_same_lr = _train_path("concise", 2, 0, LR)
    half_lr = _train_path("scratch", 2, 0, LR)
    half_double_lr = _train_path("scratch", 2, 0, 2 * LR)
    assert _gap(mse_same_lr, half_double_lr) <= STEP_TOL
    assert _gap(mse_same_lr[0], half_lr[0]) > 0.01  # already the first step differs
    # the first step, measured from the shared start, is exactly twice as long
    start = torch.cat([t.reshape(-1) for t in _start(2, 0)])
    ratio = (mse_same_lr[0] - start) / (half_lr[0] - start)
    torch.testing.assert_close(ratio, torch.full_like(ratio, 2.0), rtol=1e-5, atol=0)


def _random_problem(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    n = int(torch.randint(1, 65, (1,), generator=gen))
    d = int(torch.randint(1, 9, (1,), generator=gen))
    X = torch.randn(n, d, generator=gen, dtype=torch.float64)
    y = 3 * torch.randn(n, 1, generator=gen, dtype=torch.float64)
    w = torch.randn(d, 1, generator=gen, dtype=torch.float64)
    b = torch.randn(1, generator=gen, dtype=torch.float64)
    return X, y, w, b


def _autograd(
    X: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor
) -> list[torch.Tensor]:
    w, b = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    return list(torch.autograd.grad(d2l.squared_loss(d2l.linreg(X, w, b), y).mean(), [w, b]))


# float64, the same sums in a different order: agreement to ~1e-15 relative; 1e-10 is ample.
F64 = {"rtol": 1e-10, "atol": 1e-12}


@pytest.mark.parametrize("seed", range(8))
def test_manual_gradients_equal_autograd_for_random_shapes(seed: int) -> None:
    X, y, w, b = _random_problem(seed)
    auto_w, auto_b = _autograd(X, y, w, b)
    # minibatch: grad_w = X^T r / |B|, grad_b = mean(r)
    grad_w, grad_b = d2l.minibatch_gradients(X, y, w, b)
    assert grad_w.shape == w.shape and grad_b.shape == b.shape
    torch.testing.assert_close(grad_w, auto_w, **F64)
    torch.testing.assert_close(grad_b, auto_b, **F64)
    # per example: (x r, r), each equal to autograd on that one example
    for i in range(min(len(X), 4)):
        ex_w, ex_b = d2l.example_gradients(X[i], float(y[i]), w, b)
        one_w, one_b = _autograd(X[i : i + 1], y[i : i + 1], w, b)
        torch.testing.assert_close(ex_w, one_w, **F64)
        torch.testing.assert_close(ex_b, one_b, **F64)
    # the manual model's hand-written backward gives the same gradients
    model = d2l.LinearRegressionManual(X.shape[1]).double()
    with torch.no_grad():
        model.w.copy_(w)
        model.b.copy_(b)
    d2l.manual_squared_loss(model(X), y).backward()
    torch.testing.assert_close(model.w.grad, auto_w, **F64)
    torch.testing.assert_close(model.b.grad, auto_b, **F64)


def _sgd_params(d: int, seed: int) -> torch.Tensor:
    """(w_1, ..., w_d, b) after the reference settings: MSELoss, lr 0.03, batch 32, 5 epochs."""
    true_w, true_b = PROBLEMS[d]
    X, y = d2l.synthetic_data(true_w, true_b, 1000, noise=0.01, seed=seed)
    net, loss_fn, optimizer = d2l.concise_setup(d, lr=0.03, seed=seed)
    d2l.train(net, loss_fn, optimizer, (X, y), num_epochs=5, batch_size=32, seed=seed)
    return torch.cat([net.weight.detach().reshape(-1), net.bias.detach()]).double()


@pytest.mark.parametrize(("d", "seed"), [(2, 0), (2, 1), (2, 2), (5, 0)])
def test_closed_form_agrees_with_sgd(d: int, seed: int) -> None:
    true_w, true_b = PROBLEMS[d]
    X, y = d2l.synthetic_data(true_w, true_b, 1000, noise=0.01, seed=seed)
    fit = d2l.fit_least_squares(X, y)
    closed = torch.cat([fit.w.reshape(-1), fit.w.new_tensor([fit.b])])
    # SGD with a constant step keeps fluctuating around the minimizer, by about
    # sqrt(lr * sigma^2 / batch) ~ 3e-4 here; 1e-3 leaves a margin above that.
    assert _gap(_sgd_params(d, seed), closed) <= 1e-3


@pytest.mark.parametrize("method", ["auto", "normal"])
@pytest.mark.parametrize(("d", "seed"), [(2, 0), (2, 3), (5, 1)])
def test_closed_form_agrees_with_scikit_learn_in_float64(d: int, seed: int, method: str) -> None:
    true_w, true_b = PROBLEMS[d]
    X, y = d2l.synthetic_data(true_w, true_b, 1000, noise=0.01, seed=seed)
    X64, y64 = X.double(), y.double()
    fit = d2l.fit_least_squares(X64, y64, method=method)
    sk = LinearRegression().fit(X64.numpy(), y64.numpy())
    # float64 on a well-conditioned problem (cond ~ 1): both solvers are accurate to ~1e-14
    torch.testing.assert_close(
        fit.w.reshape(-1), torch.from_numpy(sk.coef_).reshape(-1), rtol=0, atol=1e-8
    )
    assert abs(fit.b - float(sk.intercept_[0])) <= 1e-8


def test_concise_weight_layout_matches_scratch() -> None:
    """nn.Linear stores w as (1, d); the scratch model as (d, 1): same numbers, transposed."""
    net, _, _ = d2l.concise_setup(3, seed=7)
    model = d2l.LinearRegressionScratch(3, seed=7)
    assert net.weight.shape == (1, 3) and model.w.shape == (3, 1)
    torch.testing.assert_close(net.weight.detach().T, model.w.detach(), rtol=0, atol=0)
    X = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(net(X), model(X), rtol=1e-6, atol=1e-7)  # float32 matmul order
    assert isinstance(net, nn.Linear)
