"""Unscaled features: the learning rate is capped by the largest curvature, so the flat
direction takes about ``κ`` steps (:func:`unscaled_problem`, :func:`max_stable_lr`,
:func:`scaling_run`, :func:`steps_to_tolerance`).

The bugs in the training loop are in :mod:`d2l_linreg.pitfalls.loop_bugs`; validation leakage
and the normal equation at scale in :mod:`d2l_linreg.pitfalls.data_and_solver`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError
from d2l_linreg.models.scratch import squared_loss
from d2l_linreg.training.callbacks import ParameterPath
from d2l_linreg.training.loop import History, train

Batch = tuple[torch.Tensor, torch.Tensor]


def unscaled_problem(
    num_examples: int = 1000,
    *,
    scales: tuple[float, ...] = (1.0, 10.0),
    noise: float = 0.01,
    seed: int = 0,
) -> Batch:
    """Features on different scales: ``x_j = scales[j] z_j`` with ``z ~ N(0, I)``; no bias.

    The target is the running example in the standard units, ``y = 2 z_0 - 3.4 z_1 + noise eps``,
    so in the units of ``x`` the true weights are ``w*_j = (2, -3.4)_j / scales[j]``.

    Returns:
        ``(X, y)``: float32, shapes (n, 2) and (n, 1).

    Example:
        >>> X, y = unscaled_problem(1000, noise=0.0, seed=0)
        >>> [round(v, 2) for v in X.std(dim=0).tolist()]
        [1.0, 10.42]
        >>> torch.allclose(y, X @ torch.tensor([[2.0], [-0.34]]), atol=1e-5)
        True
    """
    _checks.work_size("num_examples", num_examples, 1000, limit=2**27, cost="X of 1 GiB")
    numbers = isinstance(scales, (tuple, list)) and all(
        isinstance(s, (int, float)) and not isinstance(s, bool) for s in scales
    )
    if not numbers or len(scales) != 2 or not all(0 < s < math.inf for s in scales):
        raise (InputValueError if numbers else InputTypeError)(
            f"scales must be two positive numbers (got {scales!r}); use e.g. scales=(1.0, 10.0)"
        )
    noise = _checks.non_negative_float("noise", noise, 0.01)
    gen = _checks.seed_generator(seed)
    Z = torch.randn(num_examples, 2, generator=gen)  # (n, 2)
    y = Z @ torch.tensor([[2.0], [-3.4]]) + noise * torch.randn(num_examples, 1, generator=gen)
    X = _checks.fits("X", Z * torch.tensor(scales), "use scales of a usual size, e.g. (1.0, 10.0)")
    return X, _checks.fits("y", y, "use a smaller noise, e.g. noise=0.01")


def max_stable_lr(X: Any) -> float:
    """``2 / λ_max(XᵀX / n)``: above it, gradient descent on the mean ½ squared loss diverges.

    ``XᵀX / n`` is the Hessian of the loss in ``w`` (no bias). Computed in float64.

    Example:
        >>> max_stable_lr(torch.tensor([[1.0, 0.0], [0.0, 3.0]]))   # λ_max = 9 / 2
        0.4444444444444444
    """
    X = _checks.finite("X", _checks.as_tensor("X", X, torch.float64))
    if X.dim() != 2 or X.shape[0] == 0:
        raise InputValueError(
            f"X must have shape (n, d) with n >= 1 (got {tuple(X.shape)}); pass the features"
        )
    H = X.T @ X / X.shape[0]  # (d, n) @ (n, d) -> (d, d)
    return 2.0 / float(torch.linalg.eigvalsh(H)[-1])


def loss_along_path(X: Any, y: Any, path: Any) -> torch.Tensor:
    """Mean ½ squared loss of ``X w`` for every row ``w`` of ``path`` (k, d), in float64.

    Example:
        >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [2.0]])
        >>> loss_along_path(X, y, torch.tensor([[0.0], [1.0]])).tolist()
        [1.25, 0.0]
    """
    X, y = (t.double() for t in _checks.design_and_target(X, y))
    W = _checks.finite("path", _checks.as_tensor("path", path, torch.float64))  # (k, d)
    if W.dim() != 2 or W.shape[1] != X.shape[1] or W.shape[0] == 0:
        raise InputValueError(
            f"path must have shape (k, d) = (k, {X.shape[1]}), k >= 1, one row per iterate "
            f"(got {tuple(W.shape)}); stack the weights, e.g. ParameterPath(model).tensor()"
        )
    losses: torch.Tensor = ((X @ W.T - y) ** 2).mean(dim=0) / 2  # (n, d) @ (d, k) -> (n, k) -> (k,)
    return losses


def steps_to_tolerance(X: Any, y: Any, path: Any, tol: float = 1e-3) -> int | None:
    """The first step ``t`` at which ``(L(w_t) - L*) / (L(w_0) - L*) < tol``, or None.

    ``L*`` is the least-squares minimum (no bias), so the criterion is the fraction of the
    initial excess loss still left.

    Example:
        >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [2.0]])
        >>> steps_to_tolerance(X, y, torch.tensor([[0.0], [0.5], [0.9], [1.0]]), tol=1e-3)
        3
    """
    _checks.positive_float("tol", tol, 1e-3)
    X, y = (t.double() for t in _checks.design_and_target(X, y))
    w_star = torch.linalg.lstsq(X, y).solution  # (d, 1)
    L_star = float(((X @ w_star - y) ** 2).mean() / 2)
    L = loss_along_path(X, y, path)
    excess = (L - L_star) / (L[0] - L_star)
    hits = (excess < tol).nonzero()
    return int(hits[0]) if len(hits) else None


@dataclass
class ScalingRun:
    """A run of SGD from ``w = 0`` on a bias-free linear model: history and weight path (k, d)."""

    history: History
    path: torch.Tensor
    lr: float


def scaling_run(
    X: Any, y: Any, lr: float, *, batch_size: int = 32, num_epochs: int = 30, seed: int = 0
) -> ScalingRun:
    """Train ``nn.Linear(d, 1, bias=False)`` from zero weights with :func:`train` and SGD(``lr``).

    Example:
        >>> X, y = unscaled_problem(200, seed=0)
        >>> run = scaling_run(X, y, lr=0.5 * max_stable_lr(X), num_epochs=2)
        >>> run.path.shape             # 2 epochs of 7 steps, plus the start
        torch.Size([15, 2])
    """
    X, y = (t.float() for t in _checks.design_and_target(X, y))  # the model is float32
    lr = _checks.positive_float("lr", lr, 0.01, maximum=_checks.FLOAT32_MAX)
    model = nn.Linear(X.shape[1], 1, bias=False)
    with torch.no_grad():
        model.weight.zero_()
    path = ParameterPath(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = train(
        model,
        squared_loss,
        optimizer,
        (X, y),
        num_epochs=num_epochs,
        batch_size=batch_size,
        seed=seed,
        callbacks=[path],
    )
    return ScalingRun(history, path.tensor(), lr)
