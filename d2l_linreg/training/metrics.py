"""Metrics reported in the units of the target."""

from __future__ import annotations

import math

import torch


def rmse(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Root mean squared error ``sqrt(mean((y_hat - y)²))`` in the units of ``y``.

    Example:
        >>> rmse(torch.tensor([[1.0], [3.0]]), torch.tensor([[2.0], [2.0]]))
        1.0
    """
    r = y_hat.reshape(-1).double() - y.reshape(-1).double()  # (n,)
    return math.sqrt(float((r**2).mean()))
