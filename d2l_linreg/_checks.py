"""Input checks shared by the public functions.

Every message names the argument, what was expected, what was received, and the fix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch


def _describe(value: Any) -> str:
    return f"{value!r} that is a {type(value).__name__}"


def positive_int(name: str, value: Any, example: int) -> int:
    """Return ``value`` if it is a positive integer, else raise a ValueError/TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name} must be a positive integer (got {_describe(value)}); use e.g. {name}={example}"
        )
    if value <= 0:
        raise ValueError(
            f"{name} must be a positive integer (got {value}); use e.g. {name}={example}"
        )
    return value


def positive_float(name: str, value: Any, example: float) -> float:
    """Return ``value`` as a float if it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a positive number (got {_describe(value)}); use e.g. {name}={example}"
        )
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be a positive number (got {value}); use e.g. {name}={example}"
        )
    return float(value)


def finite_float(name: str, value: Any, example: float) -> float:
    """Return ``value`` as a float if it is a finite real number."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a number (got {_describe(value)}); use e.g. {name}={example}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number (got {value}); use e.g. {name}={example}")
    return float(value)


def non_negative_float(name: str, value: Any, example: float) -> float:
    """Return ``value`` as a float if it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a number >= 0 (got {_describe(value)}); use e.g. {name}={example}"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a number >= 0 (got {value}); use e.g. {name}={example}")
    return float(value)


def as_tensor(name: str, value: Any, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Convert tensors, numpy arrays and (nested) sequences of numbers to a tensor."""
    if isinstance(value, torch.Tensor):
        return value if dtype is None else value.to(dtype)
    if isinstance(value, (str, bytes)) or not (
        hasattr(value, "__array__") or isinstance(value, (Sequence, int, float))
    ):
        raise TypeError(
            f"{name} must be a tensor, array or sequence of numbers (got {_describe(value)}); "
            f"pass e.g. torch.tensor([...])"
        )
    try:
        return torch.as_tensor(value, dtype=dtype if dtype is not None else torch.float32)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(
            f"{name} must contain only numbers (got {value!r}); convert it with float(...) first"
        ) from exc


def finite(name: str, t: torch.Tensor) -> torch.Tensor:
    """Raise if ``t`` holds NaN or infinity."""
    # One fast pass first: a NaN or infinity anywhere makes the sum non-finite (a finite sum can
    # overflow only for values near the float maximum, which the exact check below then clears).
    if (
        t.is_floating_point()
        and not bool(torch.isfinite(t.sum()))
        and not bool(torch.isfinite(t).all())
    ):
        bad = int((~torch.isfinite(t)).sum())
        raise ValueError(
            f"{name} must contain only finite numbers (got {bad} NaN or infinite value(s)); "
            f"drop or impute those entries first"
        )
    return t


def vector(name: str, t: torch.Tensor) -> torch.Tensor:
    """Return ``t`` of shape (n,) or (n, 1) as (n,); raise for any other shape."""
    if t.dim() == 2 and t.shape[1] == 1:
        t = t.reshape(-1)
    if t.dim() != 1:
        raise ValueError(
            f"{name} must have shape (n,) or (n, 1) (got shape {tuple(t.shape)}); "
            f"pass one column, e.g. X[:, 0]"
        )
    return t


def design_and_target(X: Any, y: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Check a feature matrix ``X`` (n, d) and a target ``y`` (n, 1) or (n,) of equal length.

    Returns ``X`` as (n, d) and ``y`` as (n, 1), both with the dtype of ``X``.
    """
    X = as_tensor("X", X)
    if X.dim() == 1:
        X = X.reshape(-1, 1)
    if X.dim() != 2:
        raise ValueError(
            f"X must have shape (n, d) (got shape {tuple(X.shape)}); reshape it with X.reshape(n, -1)"
        )
    y = as_tensor("y", y, X.dtype if X.is_floating_point() else None)
    if y.dim() == 1:
        y = y.reshape(-1, 1)
    if y.dim() != 2 or y.shape[1] != 1:
        raise ValueError(
            f"y must have shape (n, 1) or (n,) (got shape {tuple(y.shape)}); use y.reshape(-1, 1)"
        )
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y must have the same number of rows (got {X.shape[0]} and {y.shape[0]}); "
            f"pass one target per example"
        )
    if X.shape[0] == 0:
        raise ValueError("X and y must hold at least one example (got 0 rows); pass some data")
    return finite("X", X), finite("y", y)


def seed_generator(seed: int | None) -> torch.Generator | None:
    """A CPU generator seeded with ``seed``, or None (use the global RNG) when seed is None."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer or None (got {_describe(seed)}); use e.g. seed=0")
    return torch.Generator().manual_seed(seed)
