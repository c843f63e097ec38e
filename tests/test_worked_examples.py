"""Tests of d2l_linreg.worked_examples against hand derivations, autograd and lstsq."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from d2l_linreg.worked_examples import fmt, normal_equation_no_bias, sgd_update

SEEDS = range(5)


def _random_problem(seed: int) -> tuple[torch.Tensor, torch.Tensor, float, float, float]:
    g = torch.Generator().manual_seed(seed)
    n = int(torch.randint(1, 9, (1,), generator=g))
    x = torch.randn(n, generator=g, dtype=torch.float64) * 3
    y = torch.randn(n, generator=g, dtype=torch.float64) * 3
    w, b = torch.randn(2, generator=g, dtype=torch.float64).tolist()
    lr = float(torch.rand(1, generator=g, dtype=torch.float64)) + 0.01
    return x, y, w, b, lr


# ---- worked example 1: one SGD update -------------------------------------------------------


def test_sgd_update_default_problem_matches_hand_derivation() -> None:
    # By hand: y_hat = 0*x + 0 = (0, 0); r = y_hat - y = (-3, -5);
    # grad_w = (1*(-3) + 2*(-5)) / 2 = -13/2; grad_b = (-3 - 5) / 2 = -4;
    # w = 0 - 0.1*(-6.5) = 0.65; b = 0 - 0.1*(-4) = 0.4;
    # loss before = ((-3)^2 + (-5)^2) / 2 / 2 = 34/4; after: y_hat = (1.05, 1.7),
    # r = (-1.95, -3.3), loss = (3.8025 + 10.89) / 4 = 3.673125.
    s = sgd_update()
    assert (s.x, s.y, s.w, s.b, s.lr) == ((1.0, 2.0), (3.0, 5.0), 0.0, 0.0, 0.1)
    assert s.y_hat == (0.0, 0.0)
    assert s.r == (-3.0, -5.0)
    assert s.grad_w == -6.5
    assert s.grad_b == -4.0
    assert s.loss_before == 8.5
    # 0.1 is not exact in binary: products with it are off by an ulp or so.
    assert s.w_new == pytest.approx(0.65, abs=1e-15)
    assert s.b_new == pytest.approx(0.4, abs=1e-15)
    assert s.loss_after == pytest.approx(3.673125, abs=1e-14)
    # Both parameters grow because the model under-predicts both targets.
    assert s.w_new > s.w and s.b_new > s.b


def test_sgd_update_report_shows_each_step() -> None:
    lines = sgd_update().report().splitlines()
    assert lines[0] == "Worked example 1: one SGD update by hand"
    text = "\n".join(lines)
    for expected in [
        "x = (1, 2), y = (3, 5)",
        "w = 0, b = 0, learning rate lr = 0.1",
        "y_hat = w*x + b = (0, 0)",
        "r = y_hat - y = (-3, -5)",
        "grad_w = mean(x*r) = (1*(-3) + 2*(-5)) / 2 = -6.5",
        "grad_b = mean(r) = ((-3) + (-5)) / 2 = -4",
        "w <- 0 - 0.1*(-6.5) = 0.65",
        "b <- 0 - 0.1*(-4) = 0.4",
        "loss: 8.5 before, 3.673125 after",
    ]:
        assert expected in text


@pytest.mark.parametrize("seed", SEEDS)
def test_sgd_update_matches_autograd_on_random_problems(seed: int) -> None:
    x, y, w0, b0, lr = _random_problem(seed)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    loss = (0.5 * (w * x + b - y) ** 2).mean()
    loss.backward()
    s = sgd_update(x, y, w0, b0, lr)
    # float64 with a handful of terms: agreement to a few ulps of the magnitudes involved.
    tol = 1e-12
    assert s.grad_w == pytest.approx(float(w.grad), rel=tol, abs=tol)
    assert s.grad_b == pytest.approx(float(b.grad), rel=tol, abs=tol)
    assert s.loss_before == pytest.approx(loss.item(), rel=tol)
    w1, b1 = w0 - lr * float(w.grad), b0 - lr * float(b.grad)
    assert s.w_new == pytest.approx(w1, rel=tol, abs=tol)
    assert s.b_new == pytest.approx(b1, rel=tol, abs=tol)
    loss_after = float((0.5 * (w1 * x + b1 - y) ** 2).mean())
    assert s.loss_after == pytest.approx(loss_after, rel=tol, abs=tol)
    np.testing.assert_allclose(s.r, (w0 * x + b0 - y).numpy(), rtol=tol, atol=tol)
    assert len(s.y_hat) == len(s.r) == len(x)


@pytest.mark.parametrize("seed", SEEDS)
def test_sgd_update_report_prints_the_results_of_any_problem(seed: int) -> None:
    s = sgd_update(*_random_problem(seed))
    text = s.report()
    for value in (s.grad_w, s.grad_b, s.w_new, s.b_new, s.loss_before, s.loss_after):
        assert fmt(value) in text


def test_sgd_update_accepts_lists_arrays_and_tensors_alike() -> None:
    a = sgd_update([1, 2], [3, 5], 0, 0, 0.1)
    b = sgd_update(np.array([1.0, 2.0]), torch.tensor([3.0, 5.0]), 0.0, 0.0, 0.1)
    assert a == b == sgd_update()


def test_results_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        sgd_update().w_new = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        normal_equation_no_bias().w = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lr": 0.0}, ValueError, r"lr must be a positive number \(got 0.0\); use e.g. lr=0.1"),
        ({"lr": -1}, ValueError, r"lr must be a positive number \(got -1\)"),
        ({"lr": "0.1"}, TypeError, r"lr must be a positive number \(got '0.1' that is a str\)"),
        ({"w": float("nan")}, ValueError, r"w must be a finite number \(got nan\)"),
        ({"b": None}, TypeError, r"b must be a number \(got None that is a NoneType\)"),
        ({"x": (1.0, 2.0, 3.0)}, ValueError, r"x and y must have the same length \(got 3 and 2\)"),
        ({"x": ()}, ValueError, r"x must be a non-empty 1-D sequence.*\(got shape \(0,\)\)"),
        ({"x": [[1.0], [2.0]]}, ValueError, r"x must be a non-empty 1-D.*\(got shape \(2, 1\)\)"),
        ({"x": 1.0}, TypeError, r"x must be a sequence of numbers.*\(got 1.0 that is a float\)"),
        ({"y": "35"}, TypeError, r"y must be a tensor, array or sequence of numbers"),
        ({"y": (3.0, float("inf"))}, ValueError, r"y must contain only finite numbers"),
    ],
)
def test_sgd_update_rejects_bad_input(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        sgd_update(**kwargs)


# ---- worked example 2: the normal equation without bias ------------------------------------


def test_normal_equation_default_problem_matches_hand_derivation() -> None:
    # By hand: X^T X = 1^2 + 2^2 = 5; X^T y = 1*2 + 2*3 = 8; w = 8/5 = 1.6;
    # y_hat = (1.6, 3.2); r = y_hat - y = (-0.4, 0.2); X^T r = 1*(-0.4) + 2*0.2 = 0.
    s = normal_equation_no_bias()
    assert (s.x, s.y) == ((1.0, 2.0), (2.0, 3.0))
    assert s.XtX == 5.0
    assert s.Xty == 8.0
    assert s.w == 1.6  # 8/5 is correctly rounded by the solve
    # 1.6 - 2 and 3.2 - 3 are not exact in binary: a few ulps of 3.
    np.testing.assert_allclose(s.y_hat, (1.6, 3.2), rtol=0, atol=1e-15)
    np.testing.assert_allclose(s.r, (-0.4, 0.2), rtol=0, atol=1e-15)
    assert abs(s.Xtr) < 1e-15  # the cancellation leaves rounding error only
    # The residuals are not both zero: no line through the origin passes through both points.
    assert all(abs(r) > 0.1 for r in s.r)


def test_normal_equation_report_shows_each_step() -> None:
    text = normal_equation_no_bias().report()
    for expected in [
        "x = (1, 2), y = (2, 3)",
        "X^T X = sum(x^2) = 1^2 + 2^2 = 5",
        "X^T y = sum(x*y) = 1*2 + 2*3 = 8",
        "w = 8 / 5 = 1.6",
        "y_hat = w*x = (1.6, 3.2)",
        "r = y_hat - y = (-0.4, 0.2)",
        "X^T r = 1*(-0.4) + 2*0.2 = 0",
    ]:
        assert expected in text


@pytest.mark.parametrize("seed", SEEDS)
def test_normal_equation_matches_lstsq_on_random_problems(seed: int) -> None:
    x, y, *_ = _random_problem(seed)
    s = normal_equation_no_bias(x, y)
    X = x.reshape(-1, 1)  # (n, 1)
    w_lstsq = float(torch.linalg.lstsq(X, y.reshape(-1, 1)).solution)
    # Both solve the same well-conditioned 1x1 problem in float64.
    assert s.w == pytest.approx(w_lstsq, rel=1e-12)
    assert s.XtX == pytest.approx(float(x @ x), rel=1e-14)
    assert s.Xty == pytest.approx(float(x @ y), rel=1e-14)
    np.testing.assert_allclose(s.y_hat, (s.w * x).numpy(), rtol=1e-14, atol=1e-14)
    # Orthogonality up to rounding, relative to the sizes of the terms that cancel.
    scale = float(x.abs() @ (s.w * x - y).abs())
    assert abs(s.Xtr) <= 1e-13 * max(scale, 1.0)
    assert fmt(s.w) in s.report()


def test_normal_equation_of_one_example_interpolates() -> None:
    s = normal_equation_no_bias([2.0], [5.0])
    assert s.w == 2.5 and s.r == (0.0,) and s.Xtr == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"x": (0.0, 0.0)},
            ValueError,
            r"x must contain a nonzero value.*X\^T X = sum\(x\^2\) is 0",
        ),
        ({"y": (2.0,)}, ValueError, r"x and y must have the same length \(got 2 and 1\)"),
        ({"x": None}, TypeError, r"x must be a tensor, array or sequence of numbers"),
        ({"y": (float("nan"), 1.0)}, ValueError, r"y must contain only finite numbers"),
        (
            {"x": (1e200, 1.0)},
            ValueError,
            r"x is too large: X\^T X = sum\(x\^2\) overflows float64",
        ),
    ],
)
def test_normal_equation_rejects_bad_input(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        normal_equation_no_bias(**kwargs)
