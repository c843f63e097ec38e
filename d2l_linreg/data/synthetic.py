"""Synthetic data with known parameters: the site's running example ``y = X w + b + noise``."""

from __future__ import annotations

from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError

Batch = tuple[torch.Tensor, torch.Tensor]


def synthetic_data(
    w: Any, b: float, num_examples: int, noise: float = 0.01, *, seed: int | None = None
) -> Batch:
    """Draw ``y = X w + b + noise * eps`` with ``X`` and ``eps`` standard normal.

    With ``seed=0`` the draws equal ``torch.manual_seed(0); X = torch.randn(n, d); eps = torch.randn(n, 1)``,
    the order the reference program of the source text uses.

    Args:
        w: true weights, shape (d,) or (d, 1).
        b: true bias.
        num_examples: n, the number of examples.
        noise: standard deviation of the Gaussian noise (>= 0).
        seed: seed of a private generator (the global RNG is untouched); None uses the global RNG.

    Returns:
        ``(X, y)``: float32 tensors of shapes (n, d) and (n, 1).

    Example:
        >>> X, y = synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
        >>> X.shape, y.shape
        (torch.Size([1000, 2]), torch.Size([1000, 1]))
        >>> X, y = synthetic_data([2.0, -3.4], 4.2, 1000, noise=0.0, seed=0)
        >>> round(float((y - X @ torch.tensor([[2.0], [-3.4]]) - 4.2).abs().max()), 5)
        0.0
    """
    w = _checks.finite("w", _checks.as_tensor("w", w, torch.float64))
    w = _checks.vector("w", w if w.dim() else w.reshape(1)).reshape(-1, 1)  # (d, 1)
    if len(w) == 0:
        raise InputValueError("w must hold at least one weight (got none); use e.g. w=[2.0, -3.4]")
    b = _checks.finite_float("b", b, 4.2)
    limit = max(1, 2**28 // w.shape[0])  # X takes at most 1 GiB
    _checks.work_size("num_examples", num_examples, 1000, limit=limit, cost="X of 1 GiB")
    noise = _checks.non_negative_float("noise", noise, 0.01)
    gen = _checks.seed_generator(seed)
    w32 = _checks.fits("w", w.float(), "use weights of a usual size, e.g. w=[2.0, -3.4]")
    X = torch.randn(num_examples, w.shape[0], generator=gen)  # (n, d)
    eps = torch.randn(num_examples, 1, generator=gen)  # (n, 1)
    y = X @ w32 + b + noise * eps  # (n, d) @ (d, 1) -> (n, 1)
    _checks.fits("y", y, "use smaller w, b or noise (float32 holds about 7 digits up to 3e38)")
    if float(y.abs().max()) ** 2 > torch.finfo(torch.float32).max:  # the loss would be inf
        raise InputValueError(
            f"w, b and noise give targets up to {float(y.abs().max()):.3g}, whose squared loss "
            f"overflows float32 (above 1.8e19); use smaller values, e.g. w=[2.0, -3.4], b=4.2"
        )
    return X, y
