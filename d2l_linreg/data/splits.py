"""Random splits of ``(X, y)`` into training, validation (and test) parts."""

from __future__ import annotations

from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError

Batch = tuple[torch.Tensor, torch.Tensor]


def train_val_split(
    X: Any, y: Any, val_fraction: float = 0.2, *, seed: int | None = None
) -> tuple[Batch, Batch]:
    """Split examples at random into a training and a validation part.

    Returns:
        ``((X_train, y_train), (X_val, y_val))`` with ``round(n * val_fraction)`` validation rows.

    Example:
        >>> X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10.0)
        >>> (Xt, yt), (Xv, yv) = train_val_split(X, y, 0.3, seed=0)
        >>> Xt.shape, Xv.shape, yv.shape
        (torch.Size([7, 2]), torch.Size([3, 2]), torch.Size([3, 1]))
    """
    X, y = _checks.design_and_target(X, y)
    _checks.finite_float("val_fraction", val_fraction, 0.2)
    n = X.shape[0]
    n_val = round(n * val_fraction)
    if not 0 < n_val < n:
        raise InputValueError(
            f"val_fraction must leave at least one example on each side (got {val_fraction} of "
            f"{n} examples = {n_val} validation rows); use e.g. val_fraction=0.2 with more data"
        )
    order = torch.randperm(n, generator=_checks.seed_generator(seed))
    val, tr = order[:n_val], order[n_val:]
    return (X[tr], y[tr]), (X[val], y[val])


def three_way_split(
    X: Any,
    y: Any,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    *,
    seed: int | None = None,
) -> tuple[Batch, Batch, Batch]:
    """Split at random into training, validation and test parts.

    Returns:
        ``((X_train, y_train), (X_val, y_val), (X_test, y_test))`` with ``round(n * test_fraction)``
        test rows and ``round(n * val_fraction)`` validation rows.

    Raises:
        ValueError: a fraction outside (0, 1), or fractions that leave a part empty.

    Example:
        >>> X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10.0)
        >>> tr, val, te = three_way_split(X, y, 0.2, 0.3, seed=0)
        >>> len(tr[0]), len(val[0]), len(te[0])
        (5, 2, 3)
    """
    X, y = _checks.design_and_target(X, y)
    n = X.shape[0]
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        _checks.positive_float(name, value, 0.2)
        if value >= 1:
            raise InputValueError(f"{name} must be in (0, 1) (got {value}); use e.g. {name}=0.2")
    n_val, n_test = round(n * val_fraction), round(n * test_fraction)
    if min(n_val, n_test, n - n_val - n_test) < 1:
        raise InputValueError(
            f"val_fraction={val_fraction} and test_fraction={test_fraction} of {n} examples leave "
            f"a part empty ({n - n_val - n_test} train, {n_val} val, {n_test} test rows); "
            f"use smaller fractions or more data"
        )
    order = torch.randperm(n, generator=_checks.seed_generator(seed))
    test, val, tr = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    return (X[tr], y[tr]), (X[val], y[val]), (X[test], y[test])
