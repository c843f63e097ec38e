"""Checks of tensor arguments (kind, place, shape, values) and the converters, one contract each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from d2l_linreg._checks.arguments import REAL_DTYPES, _describe
from d2l_linreg.errors import InputTypeError, InputValueError

# --- Tensors: kind (dtype), place (device), values ----------------------------------------


def float_tensor(name: str, t: Any) -> torch.Tensor:
    """``t`` if it is a float32/float64 tensor with values (attribute checks only: cheap)."""
    if not isinstance(t, torch.Tensor):
        raise InputTypeError(
            f"{name} must be a torch.Tensor (got {_describe(t)}); convert it with torch.tensor(...)"
        )
    if t.dtype not in REAL_DTYPES:
        what = "complex" if t.is_complex() else "boolean" if t.dtype == torch.bool else "integer"
        what = "half-precision" if t.is_floating_point() else what
        raise InputTypeError(
            f"{name} must be a floating-point tensor (got dtype {t.dtype}); use {name}.double() "
            f"or {name}.float() (real float32 or float64 only: {what} tensors are refused)"
        )
    if t.is_meta:
        raise InputValueError(
            f"{name} is a 'meta' tensor, which has a shape but no values; create it on 'cpu'"
        )
    return t


def model_inputs(X: Any, w: Any, b: Any) -> None:
    """``X`` (n, d), ``w`` (d, 1), ``b`` with one entry, one dtype: the linear model's inputs."""
    try:  # the per-step fast path: one expression over attributes; any doubt -> the checks below
        if (
            X.dtype in REAL_DTYPES
            and X.dtype == w.dtype == b.dtype
            and X.dim() == 2
            and w.shape == (X.shape[1], 1)
            and b.shape in ((1,), ())
            and not (X.is_meta or w.is_meta or b.is_meta)
        ):
            return
    except AttributeError:
        pass
    float_tensor("X", X), float_tensor("w", w), float_tensor("b", b)
    if X.dim() != 2:
        raise InputValueError(
            f"X must have shape (n, d) (got {tuple(X.shape)}); use X.reshape(len(X), -1)"
        )
    if w.shape != (X.shape[1], 1):
        raise InputValueError(
            f"w must have shape (d, 1) = ({X.shape[1]}, 1) for X of shape {tuple(X.shape)} "
            f"(got {tuple(w.shape)}); use w.reshape(-1, 1)"
        )
    if b.numel() != 1 or b.dim() > 1:
        raise InputValueError(
            f"b must have shape (1,) (got {tuple(b.shape)}), else it broadcasts over the rows; "
            f"pass one bias, e.g. torch.zeros(1)"
        )
    if not X.dtype == w.dtype == b.dtype:
        raise InputTypeError(
            f"X, w and b must have one dtype (got {X.dtype}, {w.dtype}, {b.dtype}); "
            f"convert them, e.g. X.to(w.dtype)"
        )


def loss_inputs(y_hat: Any, y: Any) -> torch.Tensor:
    """``y`` reshaped to ``y_hat``'s shape, (n, 1) or (n,), after checking kind and length."""
    try:  # the per-step fast path
        if (
            y.shape == y_hat.shape
            and y_hat.dtype in REAL_DTYPES
            and y.dtype in REAL_DTYPES
            and (y.dim() < 2 or (y.dim() == 2 and y.shape[1] == 1))
            and not (y.is_meta or y_hat.is_meta)
        ):
            return y
    except AttributeError:
        pass
    float_tensor("y_hat", y_hat), float_tensor("y", y)
    if y.shape == y_hat.shape and y.dim() <= 2 and (y.dim() < 2 or y.shape[1] == 1):
        return y
    if y.numel() != y_hat.numel():
        raise InputValueError(
            f"y must have one target per prediction (got {y.numel()} targets for "
            f"{y_hat.numel()} predictions in y_hat); pass y of shape {tuple(y_hat.shape)}"
        )
    column = (y.dim() == 1 or (y.dim() == 2 and y.shape[1] == 1)) and y_hat.dim() <= 2
    if not column or (y_hat.dim() == 2 and y_hat.shape[1] != 1):
        raise InputValueError(
            f"y_hat and y must be one column each, one target per prediction (got shapes "
            f"{tuple(y_hat.shape)} and {tuple(y.shape)}); pass y of shape {(y_hat.shape[0], 1)}"
        )
    return y.reshape(y_hat.shape)


def as_tensor(name: str, value: Any, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Tensors (float32/float64), numpy arrays and (nested) sequences of real numbers, as a tensor.

    Arrays and sequences become float32 (or ``dtype``); text, complex and boolean values, integer
    tensors and meta tensors are refused.
    """
    if isinstance(value, torch.Tensor):
        return float_tensor(name, value) if dtype is None else float_tensor(name, value).to(dtype)
    if isinstance(value, (str, bytes)) or not (
        hasattr(value, "__array__") or isinstance(value, (Sequence, int, float))
    ):
        raise InputTypeError(
            f"{name} must be a tensor, array or sequence of numbers (got {_describe(value)}); "
            f"pass e.g. torch.tensor([...])"
        )
    try:  # an array keeps its dtype for the kind check; numbers are read exactly (float64)
        t = torch.as_tensor(value, dtype=None if hasattr(value, "__array__") else torch.float64)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InputTypeError(
            f"{name} must be a tensor, array or sequence of numbers (got {_describe(value)}); "
            f"convert text and missing values to numbers first"
        ) from exc
    if t.is_complex() or t.dtype == torch.bool:
        raise InputTypeError(
            f"{name} must contain real numbers (got {t.dtype} values); convert them to floats"
        )
    return t.to(dtype if dtype is not None else torch.float32)


def finite(name: str, t: torch.Tensor) -> torch.Tensor:
    """Raise if ``t`` holds NaN or infinity (complex tensors are refused first)."""
    if t.is_complex():
        float_tensor(name, t)
    # One fast pass first: a NaN or infinity anywhere makes the sum non-finite (a finite sum can
    # overflow only for values near the float maximum, which the exact check below then clears).
    if (
        t.is_floating_point()
        and not bool(torch.isfinite(t.sum()))
        and not bool(torch.isfinite(t).all())
    ):
        bad = int((~torch.isfinite(t)).sum())
        raise InputValueError(
            f"{name} must contain only finite numbers (got {bad} NaN or infinite value(s)); "
            f"drop or impute those entries first"
        )
    return t


def fits(name: str, t: torch.Tensor, cause: str) -> torch.Tensor:
    """Raise if a result computed from finite settings overflowed its dtype."""
    if not bool(torch.isfinite(t).all()):
        raise InputValueError(
            f"{name} overflows {t.dtype} (largest finite value {torch.finfo(t.dtype).max:.3g}); "
            f"{cause}"
        )
    return t


# --- Converters: one contract each ---------------------------------------------------------


def vector(name: str, t: torch.Tensor) -> torch.Tensor:
    """Return ``t`` of shape (n,) or (n, 1) as (n,); raise for any other shape."""
    t = t.reshape(-1) if t.dim() == 2 and t.shape[1] == 1 else t
    if t.dim() != 1:
        raise InputValueError(
            f"{name} must have shape (n,) or (n, 1) (got shape {tuple(t.shape)}); "
            f"pass one column, e.g. X[:, 0]"
        )
    return t


def design_and_target(X: Any, y: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """``X`` (n, d) and ``y`` (n, 1) or (n,), n >= 1, finite; as (n, d), (n, 1) in X's dtype."""
    X = as_tensor("X", X)
    X = X.reshape(-1, 1) if X.dim() == 1 else X
    if X.dim() != 2:
        raise InputValueError(
            f"X must have shape (n, d) (got shape {tuple(X.shape)}); use X.reshape(len(X), -1)"
        )
    y = as_tensor("y", y, X.dtype)
    y = y.reshape(-1, 1) if y.dim() == 1 else y
    if y.dim() != 2 or y.shape[1] != 1:
        raise InputValueError(
            f"y must have shape (n, 1) or (n,) (got shape {tuple(y.shape)}); use y.reshape(-1, 1)"
        )
    if X.shape[0] != y.shape[0]:
        raise InputValueError(
            f"X and y must have the same number of rows (got {X.shape[0]} and {y.shape[0]}); "
            f"pass one target per example"
        )
    if X.shape[0] == 0:
        raise InputValueError("X and y must hold at least one example (got 0 rows); pass data")
    return finite("X", X), finite("y", y)


def real_tensor(name: str, value: Any, dtype: torch.dtype) -> torch.Tensor:
    """Any shape of real numbers (not checked for finiteness), detached, as ``dtype``."""
    return as_tensor(name, value, dtype).detach()  # converted input is data, not a graph


def float_vector(name: str, value: Any, n: int | None = None) -> torch.Tensor:
    """Real numbers of shape (n,) or (n, 1), finite, as float64 (n,); ``n`` fixes the length."""
    t = vector(name, as_tensor(name, value))
    if len(t) == 0:
        raise InputValueError(f"{name} must hold at least one value (got none); pass some data")
    if n is not None and len(t) != n:
        raise InputValueError(
            f"{name} must have one entry per prediction (got {len(t)}, expected {n}); "
            f"pass values for the same examples as y_hat"
        )
    return finite(name, t).double()


def group_labels(value: Any, n: int) -> torch.Tensor:
    """Integer labels, one per example, (n,) or (n, 1), at least 2 labels of at least 2 examples,
    renumbered 0..k-1 as (n,)."""
    g = value if isinstance(value, torch.Tensor) else as_tensor("groups", value, torch.float64)
    if isinstance(value, torch.Tensor) and (g.is_floating_point() or g.is_complex() or g.is_meta):
        raise InputTypeError(
            f"groups must hold integer labels (got dtype {g.dtype}); use groups.long()"
        )
    if g.is_floating_point() and not bool((g == g.round()).all()):
        raise InputTypeError("groups must hold integer labels (got fractions); use whole numbers")
    g = vector("groups", g.long() if g.dtype != torch.bool else g)
    if g.dtype == torch.bool:
        raise InputTypeError("groups must hold integer labels (got dtype torch.bool); use .long()")
    if len(g) != n:
        raise InputValueError(
            f"groups must have shape (n,) with n = {n} (got shape {tuple(g.shape)}); "
            f"pass one label per example"
        )
    labels, counts = torch.unique(g, return_counts=True)
    if len(labels) < 2 or int(counts.min()) < 2:
        raise InputValueError(
            f"groups must hold at least 2 labels with at least 2 examples each (got counts "
            f"{dict(zip(labels.tolist(), counts.tolist(), strict=True))}); merge small groups"
        )
    return torch.unique(g, return_inverse=True)[1]  # labels 0..k-1


def number_column(name: str, value: Any, example: str) -> torch.Tensor:
    """A non-empty 1-D sequence of finite numbers, as float64 (n, 1); a bare number is refused."""
    if isinstance(value, (int, float)):
        raise InputTypeError(
            f"{name} must be a sequence of numbers, one per example (got {_describe(value)}); "
            f"use e.g. {name}={example}"
        )
    t = as_tensor(name, value, torch.float64)
    if t.dim() != 1 or t.numel() == 0:
        raise InputValueError(
            f"{name} must be a non-empty 1-D sequence, one number per example (got shape "
            f"{tuple(t.shape)}); use e.g. {name}={example}"
        )
    return finite(name, t.detach()).reshape(-1, 1)  # (n,) -> (n, 1)
