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


# --- Converters: one contract each ---------------------------------------------------------


def real_tensor(name: str, value: Any, dtype: torch.dtype) -> torch.Tensor:
    """Any tensor, array or nested list of real numbers, detached and converted to ``dtype``.

    Any shape; not checked for finiteness. Text, complex numbers and what ``torch.as_tensor``
    cannot read raise ``ValueError``.
    """
    try:
        t = value if isinstance(value, torch.Tensor) else torch.as_tensor(value, dtype=dtype)
    except (TypeError, ValueError, RuntimeError):
        t = None
    if t is None or t.is_complex() or isinstance(value, (str, bytes)):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ValueError(
            f"{name} must be a tensor, array or list of numbers (got {shown} that is a "
            f"{type(value).__name__}); convert text and missing values to numbers first"
        )
    return t.detach().to(dtype)  # a converted input is data, not part of an autograd graph


def float_vector(name: str, value: Any, n: int | None = None) -> torch.Tensor:
    """A floating-point tensor of shape (n,) or (n, 1), finite, as float64 (n,).

    Integer tensors raise ``TypeError`` (no silent conversion); with ``n`` given, the length must
    be ``n`` (one entry per prediction).
    """
    t = as_tensor(name, value)
    if not t.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point tensor (got dtype {t.dtype}); use {name}.double()"
        )
    t = vector(name, t)
    if n is not None and len(t) != n:
        raise ValueError(
            f"{name} must have one entry per prediction (got {len(t)}, expected {n}); "
            f"pass values for the same examples as y_hat"
        )
    return finite(name, t).double()


def group_labels(value: Any, n: int) -> torch.Tensor:
    """Integer labels, one per example, shape (n,) or (n, 1), renumbered 0..k-1 as (n,).

    At least 2 labels with at least 2 examples each.
    """
    g = as_tensor("groups", value, None if isinstance(value, torch.Tensor) else torch.int64)
    if g.is_floating_point() or g.is_complex() or g.dtype == torch.bool:
        raise TypeError(f"groups must hold integer labels (got dtype {g.dtype}); use groups.long()")
    g = g.reshape(-1) if g.dim() == 2 and g.shape[1] == 1 else g
    if g.dim() != 1 or len(g) != n:
        raise ValueError(
            f"groups must have shape (n,) with n = {n} (got shape {tuple(g.shape)}); "
            f"pass one label per example"
        )
    labels, counts = torch.unique(g, return_counts=True)
    if len(labels) < 2 or int(counts.min()) < 2:
        raise ValueError(
            f"groups must hold at least 2 labels with at least 2 examples each (got counts "
            f"{dict(zip(labels.tolist(), counts.tolist(), strict=True))}); merge small groups"
        )
    return torch.unique(g, return_inverse=True)[1]  # labels 0..k-1


def number_column(name: str, value: Any, example: str) -> torch.Tensor:
    """A one-feature input: a non-empty 1-D sequence of finite numbers, as float64 (n, 1).

    A bare number raises ``TypeError``; ``example`` is shown in the fix (``x=(1.0, 2.0)``).
    """
    if isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a sequence of numbers, one per example (got {value!r} that is a "
            f"{type(value).__name__}); use e.g. {name}={example}"
        )
    t = as_tensor(name, value, torch.float64)
    if t.dim() != 1 or t.numel() == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence, one number per example (got shape "
            f"{tuple(t.shape)}); use e.g. {name}={example}"
        )
    return finite(name, t.detach().to(torch.float64)).reshape(-1, 1)  # (n,) -> (n, 1)
