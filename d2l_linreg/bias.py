"""The bias term: absorbed into the weights as a constant feature, or kept apart in its own group.

``X w + b`` equals ``[X 1] [w; b]``: appending a column of ones lets the bias live in the weight
vector. Frameworks keep it separate (``nn.Linear.bias``), which lets an optimizer treat it
differently — e.g. weight decay (an L2 penalty) on the weights only, so that the bias, which
merely sets the level of the predictions, is not pulled towards 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError

__all__ = [
    "add_constant_feature",
    "split_bias",
    "weight_decay_groups",
    "weight_decay_solution",
]


def add_constant_feature(X: Any) -> torch.Tensor:
    """Append a column of ones: ``(n, d) -> (n, d + 1)``, so ``[X 1] [w; b] = X w + b``.

    Example:
        >>> add_constant_feature(torch.tensor([[2.0], [3.0]]))
        tensor([[2., 1.],
                [3., 1.]])
    """
    X = _checks.finite("X", _checks.as_tensor("X", X))
    if X.dim() != 2:
        raise InputValueError(
            f"X must have shape (n, d) (got shape {tuple(X.shape)}); reshape it with X.reshape(n, -1)"
        )
    return torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device)], dim=1)


def split_bias(w_aug: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Split the weights of the constant-feature model ``(d + 1, 1)`` into ``w`` (d, 1) and ``b`` (1,).

    Example:
        >>> split_bias(torch.tensor([[2.0], [-3.4], [4.2]]))
        (tensor([[ 2.0000],
                [-3.4000]]), tensor([4.2000]))
    """
    w_aug = _checks.finite("w_aug", _checks.as_tensor("w_aug", w_aug))
    w_aug = _checks.vector("w_aug", w_aug).reshape(-1, 1)
    if len(w_aug) < 2:
        raise InputValueError(
            f"w_aug must hold at least one weight and the bias (got {len(w_aug)} entries); "
            f"pass the (d + 1, 1) weights of the constant-feature model"
        )
    return w_aug[:-1], w_aug[-1]


def weight_decay_groups(
    params: nn.Module | Iterable[torch.Tensor], weight_decay: float
) -> list[dict[str, Any]]:
    """Parameter groups for ``torch.optim``: weight decay on matrices, none on biases.

    The rule (as in nanoGPT): tensors with 2 or more dimensions (``nn.Linear.weight``, the ``w``
    of shape (d, 1)) are decayed; tensors with fewer (biases, shape (1,)) are not.

    Args:
        params: a module (its ``parameters()``) or an iterable of tensors, e.g. ``model.params``.
        weight_decay: the L2 coefficient λ for the weights.

    Returns:
        ``[{"params": weights, "weight_decay": λ}, {"params": biases, "weight_decay": 0.0}]``.

    Example:
        >>> groups = weight_decay_groups(nn.Linear(3, 1), weight_decay=0.1)
        >>> [[tuple(p.shape) for p in g["params"]] for g in groups]
        [[(1, 3)], [(1,)]]
        >>> [g["weight_decay"] for g in groups]
        [0.1, 0.0]
    """
    weight_decay = _checks.non_negative_float("weight_decay", weight_decay, 0.01)
    if isinstance(params, torch.Tensor) or not isinstance(params, (nn.Module, Iterable)):
        raise InputTypeError(
            f"params must be a module or a list of tensors (got {type(params).__name__}); "
            f"pass e.g. model or model.params"
        )
    tensors = list(params.parameters() if isinstance(params, nn.Module) else params)
    for i, p in enumerate(tensors):
        _checks.float_tensor(f"params[{i}]", p)
    decay = [p for p in tensors if p.dim() >= 2]
    no_decay = [p for p in tensors if p.dim() < 2]
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def weight_decay_solution(
    X: Any, y: Any, weight_decay: float, *, decay_bias: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """Closed-form minimizer of ``mean ½ (X w + b - y)² + (λ/2) (‖w‖² [+ b²])``, in float64.

    This is where gradient descent with ``torch.optim.SGD(..., weight_decay=λ)`` on the mean
    squared loss ends up: ``decay_bias=True`` when every parameter is decayed, ``False`` with
    :func:`weight_decay_groups`. It solves ``(AᵀA / n + λ D) θ = Aᵀ y / n`` with ``A = [X 1]``,
    ``D = diag(1, ..., 1, decay_bias)``.

    Returns:
        ``(w, b)`` of shapes (d, 1) and (1,).

    Example:
        >>> X, y = torch.tensor([[-1.0], [1.0]]), torch.tensor([[3.0], [5.0]])  # y = x + 4
        >>> w, b = weight_decay_solution(X, y, 1.0)  # the bias is not decayed: it stays 4
        >>> round(w.item(), 3), round(b.item(), 3)
        (0.5, 4.0)
        >>> w, b = weight_decay_solution(X, y, 1.0, decay_bias=True)  # decayed: b shrinks too
        >>> round(w.item(), 3), round(b.item(), 3)
        (0.5, 2.0)
    """
    X, y = _checks.design_and_target(X, y)
    weight_decay = _checks.non_negative_float("weight_decay", weight_decay, 0.01)
    if not isinstance(decay_bias, bool):
        raise InputTypeError(f"decay_bias must be True or False (got {decay_bias!r})")
    A = add_constant_feature(X.double())  # (n, d + 1)
    D = torch.ones(A.shape[1], dtype=torch.float64)
    D[-1] = float(decay_bias)
    lhs = A.T @ A / len(A) + weight_decay * torch.diag(D)  # (d + 1, d + 1)
    theta, info = torch.linalg.solve_ex(lhs, A.T @ y.double() / len(A))  # (d + 1, 1)
    if int(info) != 0 or not bool(torch.isfinite(theta).all()):
        raise InputValueError(
            f"weight_decay_solution has no unique solution for this X with weight_decay="
            f"{weight_decay} (the columns of [X 1] are linearly dependent); use weight_decay > 0 "
            f"with decay_bias=True, or drop the dependent columns"
        )
    return split_bias(theta)
