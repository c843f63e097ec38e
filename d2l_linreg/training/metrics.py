"""Metrics reported in the units of the target."""

from __future__ import annotations

import math
from typing import Any

from d2l_linreg import _checks


def rmse(y_hat: Any, y: Any) -> float:
    """Root mean squared error ``sqrt(mean((y_hat - y)²))`` in the units of ``y``.

    ``y_hat`` and ``y``: real numbers of shape (n,) or (n, 1), finite, of one length n >= 1.

    Example:
        >>> import torch
        >>> rmse(torch.tensor([[1.0], [3.0]]), torch.tensor([[2.0], [2.0]]))
        1.0
    """
    y_hat = _checks.float_vector("y_hat", y_hat)
    r = y_hat - _checks.float_vector("y", y, len(y_hat))  # (n,), float64
    return math.sqrt(float((r**2).mean()))
