"""The analytic gradients of the squared loss, without autograd.

For one example, ``r = w^T x + b - y`` and ``l = ½ r²``, so ``∂l/∂w = x r`` and ``∂l/∂b = r``.
For a minibatch ``B`` with the mean loss, ``grad_w = X_B^T r / |B|`` and ``grad_b = mean(r)``.

:class:`LinearRegressionManual` plugs these formulas into autograd as a custom ``Function``, so
the same :func:`d2l_linreg.train` loop can run a model whose gradients are the page's formulas.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError
from d2l_linreg.models.scratch import LinearRegressionScratch


def example_gradients(
    x: Any, y: float, w: torch.Tensor, b: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of ``½ (w^T x + b - y)²`` for one example: ``(x r, r)``.

    Args:
        x: features, shape (d,). y: the target. w: (d, 1). b: (1,).

    Returns:
        ``(grad_w, grad_b)`` of shapes (d, 1) and (1,).

    Example:
        >>> example_gradients(torch.tensor([2.0]), 5.0, torch.zeros(1, 1), torch.zeros(1))
        (tensor([[-10.]]), tensor([-5.]))
    """
    x = _checks.as_tensor("x", x, _checks.float_tensor("w", w).dtype)
    y = _checks.finite_float("y", y, 5.0)
    if x.dim() > 1 or x.numel() != w.shape[0]:
        raise InputValueError(
            f"x must have shape (d,) with d = {w.shape[0]} like w (got {tuple(x.shape)}); "
            f"pass one example's features"
        )
    _checks.model_inputs(x.reshape(1, -1), w, b)
    for name, t in (("x", x), ("w", w), ("b", b)):
        _checks.finite(name, t)
    x = x.reshape(-1, 1)  # (d, 1)
    r = (x.T @ w + b - y).reshape(1)  # (1, d) @ (d, 1) -> (1, 1) -> (1,)
    _checks.fits("the gradient", x * r, "the residual is too large for this dtype; rescale y")
    return x * r, r


def minibatch_gradients(
    X: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of the mean minibatch loss: ``grad_w = X^T r / |B|``, ``grad_b = mean(r)``.

    Args:
        X: (B, d) minibatch features. y: (B, 1) or (B,) targets. w: (d, 1). b: (1,).

    Returns:
        ``(grad_w, grad_b)`` of shapes (d, 1) and (1,).

    Example:
        >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[3.0], [5.0]])
        >>> minibatch_gradients(X, y, torch.zeros(1, 1), torch.zeros(1))
        (tensor([[-6.5000]]), tensor([-4.]))
    """
    X, y = _checks.design_and_target(X, y)
    _checks.model_inputs(X, w, b)
    r = X @ w + b - y  # (B, d) @ (d, 1) -> (B, 1)
    if not math.isfinite(float(r.sum())):  # X and y are finite: w or b is not, or r overflows
        _checks.finite("w", w), _checks.finite("b", b)
        _checks.fits("the residual X w + b - y", r, "w or b is far too large for this data")
    return X.T @ r / X.shape[0], r.mean(dim=0)  # (d, B) @ (B, 1) -> (d, 1); (1,)


class _ManualLinear(torch.autograd.Function):
    """``y_hat = X w + b`` whose backward is written by hand: ``∂/∂w = X^T g``, ``∂/∂b = Σ g``."""

    @staticmethod
    def forward(ctx: Any, X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(X)
        return X @ w + b

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[None, torch.Tensor, torch.Tensor]:
        (X,) = ctx.saved_tensors
        return None, X.T @ g, g.sum(dim=0)  # (d, B) @ (B, 1) -> (d, 1); (1,)


class _ManualHalfSquaredError(torch.autograd.Function):
    """Mean ``½ (y_hat - y)²`` whose backward is written by hand: ``∂/∂y_hat = r / |B|``."""

    @staticmethod
    def forward(ctx: Any, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        r = y_hat - y.reshape(y_hat.shape)
        ctx.save_for_backward(r)
        return (r**2).mean() / 2

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[torch.Tensor, None]:
        (r,) = ctx.saved_tensors
        return g * r / r.shape[0], None


def manual_squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean ``½ (y_hat - y)²`` over the batch, with the hand-written gradient ``r / |B|``.

    Chained with :class:`LinearRegressionManual`, backpropagation yields exactly
    ``grad_w = X^T r / |B|`` and ``grad_b = mean(r)`` — the formulas of :func:`minibatch_gradients`.
    """
    return _ManualHalfSquaredError.apply(y_hat, _checks.loss_inputs(y_hat, y))


class LinearRegressionManual(LinearRegressionScratch):
    """:class:`LinearRegressionScratch` whose backward pass is the hand-derived formula (no autograd
    differentiation of ``X @ w + b``); train it with :func:`manual_squared_loss`.

    Example:
        >>> model = LinearRegressionManual(1, sigma=0.0)
        >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[3.0], [5.0]])
        >>> manual_squared_loss(model(X), y).backward()
        >>> model.w.grad, model.b.grad
        (tensor([[-6.5000]]), tensor([-4.]))
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return _ManualLinear.apply(X, self.w, self.b)
