"""The two worked examples of the site, as general functions that return every number.

* :func:`sgd_update` — one minibatch SGD step for the one-feature model ``y_hat = w x + b``
  with the loss ½ (y_hat - y)² averaged over the minibatch.
* :func:`normal_equation_no_bias` — the exact least-squares fit of ``y_hat = w x`` (no bias)
  through the normal equation ``(X^T X) w = X^T y``.

The defaults are the problems of the worked-example pages. Any inputs of the same kind give the
right numbers: the results are computed in float64 with the package's own formulas (``linreg``,
``squared_loss``, ``minibatch_gradients``, ``fit_least_squares(method="normal")``), and
``report()`` prints them step by step, rounded to at most 10 decimals so that 0.65 reads 0.65
(the fields keep the unrounded values).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg._checks import finite_float, number_column, positive_float
from d2l_linreg.closed_form import fit_least_squares
from d2l_linreg.errors import InputValueError
from d2l_linreg.models.gradients import minibatch_gradients
from d2l_linreg.models.scratch import linreg, squared_loss

__all__ = ["NormalEquationResult", "SGDUpdateResult", "normal_equation_no_bias", "sgd_update"]

Vector = tuple[float, ...]


def fmt(value: float) -> str:
    """Format a number as the reports print it: rounded to 10 decimals, no trailing zeros.

    >>> fmt(0.1 * 6.5), fmt(-0.3999999999999999), fmt(4.4e-16), fmt(3.0)
    ('0.65', '-0.4', '0', '3')
    """
    rounded = round(value, 10) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:.10g}"


def _vec(values: Vector) -> str:
    return "(" + ", ".join(fmt(v) for v in values) + ")"


def _term(value: float) -> str:
    """A number as a factor in a printed product: negative numbers get parentheses."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def _pair(x: Any, y: Any, x_example: str, y_example: str) -> tuple[torch.Tensor, torch.Tensor]:
    X, Y = number_column("x", x, x_example), number_column("y", y, y_example)
    if X.shape[0] != Y.shape[0]:
        raise InputValueError(
            f"x and y must have the same length (got {X.shape[0]} and {Y.shape[0]}); "
            f"give one target y per input x"
        )
    return X, Y


def _tuple(t: torch.Tensor) -> Vector:
    return tuple(float(v) for v in t.reshape(-1))


@dataclass(frozen=True)
class SGDUpdateResult:
    """Every number of one SGD step on ``y_hat = w x + b`` (see :func:`sgd_update`)."""

    x: Vector
    y: Vector
    w: float
    b: float
    lr: float
    y_hat: Vector  # w x + b, one per example
    r: Vector  # y_hat - y
    grad_w: float  # mean of x r
    grad_b: float  # mean of r
    w_new: float  # w - lr grad_w
    b_new: float  # b - lr grad_b
    loss_before: float  # mean of ½ r²
    loss_after: float  # the same loss at (w_new, b_new)

    def report(self) -> str:
        """The update step by step, as ``python -m d2l_linreg worked-examples`` prints it."""
        n = len(self.x)
        xr = " + ".join(f"{_term(a)}*{_term(c)}" for a, c in zip(self.x, self.r, strict=True))
        rs = " + ".join(_term(c) for c in self.r)
        return "\n".join(
            [
                "Worked example 1: one SGD update by hand",
                "  model: y_hat = w*x + b, loss 1/2*(y_hat - y)^2 averaged over the minibatch",
                f"  data: x = {_vec(self.x)}, y = {_vec(self.y)}",
                f"  start: w = {fmt(self.w)}, b = {fmt(self.b)}, learning rate lr = {fmt(self.lr)}",
                f"  1. predictions  y_hat = w*x + b = {_vec(self.y_hat)}",
                f"  2. residuals    r = y_hat - y = {_vec(self.r)}",
                f"  3. weight grad  grad_w = mean(x*r) = ({xr}) / {n} = {fmt(self.grad_w)}",
                f"  4. bias grad    grad_b = mean(r) = ({rs}) / {n} = {fmt(self.grad_b)}",
                f"  5. update       w <- {fmt(self.w)} - {fmt(self.lr)}*{_term(self.grad_w)}"
                f" = {fmt(self.w_new)}",
                f"                  b <- {fmt(self.b)} - {fmt(self.lr)}*{_term(self.grad_b)}"
                f" = {fmt(self.b_new)}",
                f"  loss: {fmt(self.loss_before)} before, {fmt(self.loss_after)} after",
            ]
        )


@dataclass(frozen=True)
class NormalEquationResult:
    """Every number of the no-bias normal equation (see :func:`normal_equation_no_bias`)."""

    x: Vector
    y: Vector
    XtX: float  # X^T X = sum of x²
    Xty: float  # X^T y = sum of x y
    w: float  # Xty / XtX
    y_hat: Vector  # w x
    r: Vector  # y_hat - y
    Xtr: float  # X^T r, zero up to rounding: the residual is orthogonal to x

    def report(self) -> str:
        """The solution step by step, as ``python -m d2l_linreg worked-examples`` prints it."""
        squares = " + ".join(f"{_term(a)}^2" for a in self.x)
        xy = " + ".join(f"{_term(a)}*{_term(c)}" for a, c in zip(self.x, self.y, strict=True))
        xr = " + ".join(f"{_term(a)}*{_term(c)}" for a, c in zip(self.x, self.r, strict=True))
        return "\n".join(
            [
                "Worked example 2: the normal equation for a line through the origin",
                "  model: y_hat = w*x (no bias), fitted exactly by least squares",
                f"  data: x = {_vec(self.x)}, y = {_vec(self.y)}",
                f"  1. X^T X = sum(x^2) = {squares} = {fmt(self.XtX)}",
                f"  2. X^T y = sum(x*y) = {xy} = {fmt(self.Xty)}",
                f"  3. solve (X^T X) w = X^T y:  w = {fmt(self.Xty)} / {fmt(self.XtX)}"
                f" = {fmt(self.w)}",
                f"  4. predictions  y_hat = w*x = {_vec(self.y_hat)}",
                f"     residuals    r = y_hat - y = {_vec(self.r)}",
                f"  5. check        X^T r = {xr} = {fmt(self.Xtr)}"
                " (the residual is orthogonal to x)",
            ]
        )


def sgd_update(
    x: Sequence[float] | torch.Tensor = (1.0, 2.0),
    y: Sequence[float] | torch.Tensor = (3.0, 5.0),
    w: float = 0.0,
    b: float = 0.0,
    lr: float = 0.1,
) -> SGDUpdateResult:
    """One minibatch SGD step for ``y_hat = w x + b`` with the loss ½ (y_hat - y)², averaged.

    Args:
        x: the inputs of the minibatch, one number per example, length n.
        y: the targets, length n.
        w: the weight before the step.
        b: the bias before the step.
        lr: the learning rate, > 0.

    Returns:
        An :class:`SGDUpdateResult` with the vectors (length n) ``y_hat`` and ``r = y_hat - y``,
        the gradients ``grad_w = mean(x r)`` and ``grad_b = mean(r)``, the updated ``w_new`` and
        ``b_new``, and the mean loss before and after the step (all float64).

    Raises:
        TypeError: if an input is not a number or a sequence of numbers.
        ValueError: if x or y is empty, not 1-D, not finite, or of different lengths, or if
            lr is not a positive number.

    Example (the page problem: both targets are under-predicted, so both parameters grow):

    >>> step = sgd_update()
    >>> step.grad_w, step.grad_b, fmt(step.w_new), fmt(step.b_new)
    (-6.5, -4.0, '0.65', '0.4')
    >>> fmt(step.loss_before), fmt(step.loss_after)
    ('8.5', '3.673125')
    """
    X, Y = _pair(x, y, "(1.0, 2.0)", "(3.0, 5.0)")  # (n, 1) each
    w_t = torch.tensor([[finite_float("w", w, 0.0)]], dtype=torch.float64)  # (1, 1)
    b_t = torch.tensor([finite_float("b", b, 0.0)], dtype=torch.float64)  # (1,)
    lr = positive_float("lr", lr, 0.1)
    y_hat = linreg(X, w_t, b_t)  # (n, 1) @ (1, 1) + (1,) -> (n, 1)
    grad_w, grad_b = minibatch_gradients(X, Y, w_t, b_t)  # (1, 1), (1,)
    w_new, b_new = w_t - lr * grad_w, b_t - lr * grad_b
    for t in (w_new, b_new, squared_loss(y_hat, Y), squared_loss(linreg(X, w_new, b_new), Y)):
        _checks.fits("the step", t, "x, y, w, b or lr is too large; rescale the problem")
    return SGDUpdateResult(
        x=_tuple(X),
        y=_tuple(Y),
        w=float(w_t),
        b=float(b_t),
        lr=lr,
        y_hat=_tuple(y_hat),
        r=_tuple(y_hat - Y),
        grad_w=float(grad_w),
        grad_b=float(grad_b),
        w_new=float(w_new),
        b_new=float(b_new),
        loss_before=float(squared_loss(y_hat, Y).mean()),
        loss_after=float(squared_loss(linreg(X, w_new, b_new), Y).mean()),
    )


def normal_equation_no_bias(
    x: Sequence[float] | torch.Tensor = (1.0, 2.0),
    y: Sequence[float] | torch.Tensor = (2.0, 3.0),
) -> NormalEquationResult:
    """The least-squares weight of ``y_hat = w x`` (no bias) from ``(X^T X) w = X^T y``.

    Args:
        x: the inputs, one number per example, length n; at least one must be nonzero.
        y: the targets, length n.

    Returns:
        A :class:`NormalEquationResult` with ``XtX = sum(x²)``, ``Xty = sum(x y)``, the weight
        ``w = Xty / XtX``, the vectors (length n) ``y_hat = w x`` and ``r = y_hat - y``, and
        ``Xtr = X^T r``, which is zero up to rounding (all float64).

    Raises:
        TypeError: if an input is not a sequence of numbers.
        ValueError: if x or y is empty, not 1-D, not finite, or of different lengths, if every
            x is zero (then X^T X = 0 has no inverse), or if X^T X overflows float64.

    Example (the page problem: no line through the origin passes through (1, 2) and (2, 3)):

    >>> sol = normal_equation_no_bias()
    >>> sol.XtX, sol.Xty, fmt(sol.w)
    (5.0, 8.0, '1.6')
    >>> [fmt(v) for v in sol.r], fmt(sol.Xtr)
    (['-0.4', '0.2'], '0')
    """
    X, Y = _pair(x, y, "(1.0, 2.0)", "(2.0, 3.0)")  # (n, 1) each
    XtX = X.T @ X  # (1, n) @ (n, 1) -> (1, 1)
    if not math.isfinite(float(XtX)):
        raise InputValueError(
            f"x is too large: X^T X = sum(x^2) overflows float64 (got max |x| = "
            f"{float(X.abs().max()):.3g}); rescale x, e.g. divide it by its largest value"
        )
    if float(XtX) == 0.0:
        raise InputValueError(
            f"x must contain a nonzero value: with x = {_vec(_tuple(X))} the matrix X^T X = "
            f"sum(x^2) is 0 and has no inverse; give at least one example with x != 0"
        )
    Xty = X.T @ Y  # (1, n) @ (n, 1) -> (1, 1)
    # The package's textbook solver: w = (X^T X)^-1 X^T y (exact enough for one feature).
    fit = fit_least_squares(X, Y, fit_intercept=False, method="normal")
    w = fit.w.reshape(1, 1)  # (d,) -> (d, 1)
    y_hat = linreg(X, w, torch.zeros(1, dtype=torch.float64))  # (n, 1)
    r = y_hat - Y  # (n, 1)
    return NormalEquationResult(
        x=_tuple(X),
        y=_tuple(Y),
        XtX=float(XtX),
        Xty=float(Xty),
        w=float(w),
        y_hat=_tuple(y_hat),
        r=_tuple(r),
        Xtr=float(X.T @ r),
    )
