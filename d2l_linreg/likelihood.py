"""Squared loss as a noise assumption: the Gaussian negative log-likelihood and its minimizer.

With ``y = X w + b + ε`` and ``ε ~ N(0, σ²)``, the negative log-likelihood of one example is

    -log p(y | x) = ½ log(2π σ²) + (y - ŷ)² / (2 σ²),

so for any fixed ``σ`` it is the squared loss ``½ (ŷ - y)²`` scaled by ``1/σ²`` plus a constant:
the same ``(w, b)`` minimize both, and setting ``∂/∂σ = 0`` gives ``σ² = mean((ŷ - y)²)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError

__all__ = [
    "GaussianFit",
    "fit_gaussian_mle",
    "gaussian_nll",
    "sigma2_mle",
]


def gaussian_nll(y_hat: torch.Tensor, y: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """Per-example Gaussian negative log-likelihood ``½ log(2π) + log σ + (ŷ - y)² / (2σ²)``.

    ``log σ`` (not ``σ``) is the parameter so that gradient descent cannot make ``σ`` negative.

    Args:
        y_hat: predictions (n, 1). y: targets (n, 1) or (n,). log_sigma: a scalar or (1,)
            tensor, or one value per example (the shape of ``y_hat``).

    Returns:
        Shape (n, 1), like :func:`d2l_linreg.squared_loss`; average it for the mean NLL.

    Example:
        >>> nll = gaussian_nll(torch.tensor([[1.0], [3.0]]), torch.tensor([1.0, 1.0]), torch.zeros(1))
        >>> [round(v, 4) for v in nll.flatten().tolist()]     # ½ log 2π = 0.9189; + 2²/2
        [0.9189, 2.9189]
    """
    r = y_hat - _checks.loss_inputs(y_hat, y)  # shapes and dtypes only
    one = _checks.float_tensor("log_sigma", log_sigma).numel() == 1 and log_sigma.dim() <= 1
    if not (one or log_sigma.shape == y_hat.shape):
        raise InputValueError(
            f"log_sigma must be one value, shape (1,), or one per example, shape "
            f"{tuple(y_hat.shape)} like y_hat (got {tuple(log_sigma.shape)}), else it broadcasts "
            f"to a matrix; pass e.g. torch.zeros(1)"
        )
    return 0.5 * math.log(2 * math.pi) + log_sigma + r**2 / (2 * torch.exp(2 * log_sigma))


def sigma2_mle(y_hat: Any, y: Any) -> float:
    """The maximum-likelihood noise variance: the mean squared residual (divides by n, not n - 1).

    Example:
        >>> sigma2_mle(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0.0, 2.0, 5.0]))   # (1 + 0 + 4) / 3
        1.6666666666666667
    """
    y_hat = _checks.float_vector("y_hat", y_hat)
    y = _checks.float_vector("y", y, len(y_hat))  # (n,) float64 each, finite, same length
    return float(((y_hat - y) ** 2).mean())


@dataclass(frozen=True)
class GaussianFit:
    """Result of :func:`fit_gaussian_mle`: ``w`` (d, 1), ``b`` (1,), ``sigma``, final mean NLL,
    and ``sigma_path``, the value of ``σ`` before each step (how the noise estimate evolved)."""

    w: torch.Tensor
    b: torch.Tensor
    sigma: float
    nll: float
    sigma_path: list[float]


def fit_gaussian_mle(
    X: Any, y: Any, *, lr: float = 0.1, num_steps: int = 500, tol: float = 1e-6
) -> GaussianFit:
    """Maximize the Gaussian likelihood over ``(w, b, log σ)`` by full-batch gradient descent.

    Runs in float64, starting from ``w = 0``, ``b = 0`` and ``σ² = mean(y²)`` (the maximum-
    likelihood ``σ`` of that start), with autograd on the mean :func:`gaussian_nll`.
    The NLL's curvature in ``(w, b)`` is ``λ_max / σ²``, with ``λ_max`` the largest eigenvalue of
    ``[X 1]ᵀ [X 1] / n``; once ``σ`` has shrunk so far that ``lr`` exceeds ``2 σ² / λ_max``, one
    step throws ``(w, b)`` far off, ``σ`` jumps by orders of magnitude to match the residuals, and
    the now tiny effective step leaves the weights stranded away from the fit — so a small noise
    level needs a small ``lr``, and then many steps while ``σ`` is still large.

    Args:
        X: features (n, d). y: targets (n, 1). lr: step size. num_steps: number of steps.
        tol: the largest gradient entry allowed at the end.

    Returns:
        A :class:`GaussianFit`.

    Raises:
        ValueError: bad input; the iterates diverged; or they did not converge (a gradient
            entry above ``tol`` after ``num_steps``) — never a silently wrong fit.

    Example:
        >>> X = torch.tensor([[0.0], [1.0], [2.0], [3.0]])
        >>> fit = fit_gaussian_mle(X, torch.tensor([1.0, 2.0, 4.0, 5.0]), lr=0.02, num_steps=4000)
        >>> [round(v, 4) for v in (fit.w.item(), fit.b.item(), fit.sigma**2)]   # lstsq: 1.4, 0.9
        [1.4, 0.9, 0.05]
    """
    X, y = _checks.design_and_target(X, y)
    lr = _checks.positive_float("lr", lr, 0.1)
    _checks.work_size("num_steps", num_steps, 500, limit=10**7, cost="hours of float64 steps")
    tol = _checks.positive_float("tol", tol, 1e-6)
    X, y = X.double(), y.double()
    w = torch.zeros(X.shape[1], 1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    log_sigma = (0.5 * (y**2).mean().clamp_min(1e-12).log()).reshape(1).requires_grad_()
    params, path = (w, b, log_sigma), []
    for step in range(num_steps + 1):
        nll = gaussian_nll(X @ w + b, y, log_sigma).mean()  # (n, d) @ (d, 1) -> (n, 1)
        grads = torch.autograd.grad(nll, params)
        if step == num_steps or not bool(torch.isfinite(nll)):
            break
        path.append(float(log_sigma.detach().exp()))
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p -= lr * g
    if not bool(torch.isfinite(nll)):
        raise InputValueError(
            f"gradient descent diverged with lr={lr}; use a smaller lr, e.g. lr={lr / 10}"
        )
    largest = max(float(g.abs().max()) for g in grads)
    if largest > tol:
        raise InputValueError(
            f"gradient descent did not converge in {num_steps} steps with lr={lr} (largest "
            f"gradient {largest:.1e} > tol={tol}); the NLL's curvature grows as 1/σ², so a small "
            f"noise level needs a smaller lr and more steps, or fit the squared loss and take "
            f"σ² = mean squared residual"
        )
    sigma = float(log_sigma.detach().exp())
    return GaussianFit(w.detach(), b.detach(), sigma, float(nll.detach()), path)
