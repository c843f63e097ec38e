"""How far a minibatch gradient strays from the full gradient, and what a bigger batch costs.

For the mean loss over a minibatch ``B`` drawn without replacement from ``n`` examples, the
minibatch gradient ``g_B`` is an unbiased estimate of the full gradient ``g``, and

    E ‖g_B - g‖² = (tr Σ / |B|) · (n - |B|) / (n - 1),

where ``Σ`` is the covariance of the per-example gradients ``(x_i r_i, r_i)``. The spread thus
falls as ``1 / √|B|`` (up to the finite-population factor, ≈ 1 when ``|B| ≪ n``), while the
work per update grows as ``|B|``.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError
from d2l_linreg.models.gradients import minibatch_gradients

__all__ = [
    "GradientNoise",
    "gradient_noise",
]


@dataclass(frozen=True)
class GradientNoise:
    """One row per batch size: measured and predicted spread, mean cosine, time per update."""

    batch_sizes: list[int]
    rel_error: list[float]  # RMS over draws of ‖g_B - g‖ / ‖g‖
    predicted_rel_error: list[float]  # √(E‖g_B - g‖²) / ‖g‖ from the formula above
    cosine: list[float]  # mean over draws of cos(g_B, g)
    seconds_per_update: list[float]  # median time of one minibatch gradient (machine-dependent)
    num_examples: int
    num_draws: int

    def slope(self) -> float:
        """Least-squares slope of log(rel_error) against log(batch size); ≈ -0.5 for 1/√|B|."""
        x = torch.tensor(self.batch_sizes, dtype=torch.float64).log()
        v = torch.tensor(self.rel_error, dtype=torch.float64).log()
        xc = x - x.mean()
        return float((xc * (v - v.mean())).sum() / (xc**2).sum())

    def __str__(self) -> str:
        lines = [f"{'|B|':>6} {'updates/epoch':>13} {'rel. error':>10} {'theory':>8} {'cosine':>7}"]
        for i, B in enumerate(self.batch_sizes):
            lines.append(
                f"{B:>6} {self.num_examples // B:>13} {self.rel_error[i]:>10.3f} "
                f"{self.predicted_rel_error[i]:>8.3f} {self.cosine[i]:>7.3f}"
            )
        return "\n".join(lines)


def _flat(grad_w: torch.Tensor, grad_b: torch.Tensor) -> torch.Tensor:
    return torch.cat([grad_w.reshape(-1), grad_b.reshape(-1)]).double()  # (d + 1,)


def _batch_indices(n: int, B: int, num_draws: int, gen: torch.Generator | None) -> torch.Tensor:
    """``num_draws`` batches of size ``B``, each without replacement: chunks of fresh permutations."""
    per_perm = n // B
    perms = [
        torch.randperm(n, generator=gen)[: per_perm * B] for _ in range(-(-num_draws // per_perm))
    ]
    return torch.cat(perms).reshape(-1, B)[:num_draws]  # (num_draws, B)


def _check_sizes(batch_sizes: Sequence[int], n: int) -> list[int]:
    if isinstance(batch_sizes, (str, bytes)) or not isinstance(batch_sizes, Sequence):
        raise InputTypeError(
            f"batch_sizes must be a list of integers (got {type(batch_sizes).__name__}); "
            f"use e.g. batch_sizes=[1, 4, 16, 64]"
        )
    sizes = list(batch_sizes)
    for B in sizes:
        _checks.positive_int("batch_sizes entries", B, 32)
        if B > n:
            raise InputValueError(
                f"batch_sizes entries must be at most n = {n} (got {B}); drop the larger sizes"
            )
    if not sizes:
        raise InputValueError(
            "batch_sizes must not be empty (got []); use e.g. batch_sizes=[1, 4, 16, 64]"
        )
    return sizes


def gradient_noise(
    X: Any,
    y: Any,
    w: torch.Tensor | None = None,
    b: torch.Tensor | None = None,
    *,
    batch_sizes: Sequence[int] = (1, 4, 16, 64, 256),
    num_draws: int = 200,
    seed: int | None = None,
) -> GradientNoise:
    """Measure the spread of minibatch gradients around the full gradient at ``(w, b)``.

    For each batch size, ``num_draws`` minibatches are drawn without replacement (chunks of
    random permutations, as one epoch of shuffled minibatches does); each minibatch gradient comes
    from :func:`d2l_linreg.minibatch_gradients` and is timed.

    Args:
        X: features (n, d). y: targets (n, 1).
        w, b: the point, shapes (d, 1) and (1,); default zeros (the usual starting point).
        batch_sizes: the sizes to measure, each in 1..n.
        num_draws: minibatches per size (at least 2).
        seed: seed of the sampling.

    Returns:
        A :class:`GradientNoise` table; ``str(table)`` prints it without the timings.

    Raises:
        ValueError: bad shapes, a batch size outside 1..n, ``num_draws`` < 2, a zero full
            gradient (at the minimizer the relative error is undefined).

    Example:
        >>> X = torch.randn(4096, 2, generator=torch.Generator().manual_seed(0))
        >>> y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
        >>> table = gradient_noise(X, y, batch_sizes=[1, 16, 256], seed=0)
        >>> print(table)
           |B| updates/epoch rel. error   theory  cosine
             1          4096      ...
            16           256      ...
           256            16      ...
        >>> round(table.slope(), 1)
        -0.5
    """
    X, y = _checks.design_and_target(X, y)
    n, d = X.shape
    w = torch.zeros(d, 1, dtype=X.dtype) if w is None else _checks.as_tensor("w", w, X.dtype)
    b = torch.zeros(1, dtype=X.dtype) if b is None else _checks.as_tensor("b", b, X.dtype)
    w, b = w.detach(), b.detach()
    _checks.model_inputs(X, w, b)
    _checks.finite("w", w), _checks.finite("b", b)
    sizes = _check_sizes(batch_sizes, n)
    limit = min(10**6, 2**28 // max(sizes))  # the (num_draws, B) index table: under 2 GiB
    _checks.work_size("num_draws", num_draws, 200, limit=limit, cost="one timed step per draw")
    if num_draws < 2:
        raise InputValueError(
            f"num_draws must be at least 2 (got {num_draws}); use e.g. num_draws=200"
        )
    r = (X @ w + b - y).double()  # (n, d) @ (d, 1) -> (n, 1)
    G = torch.cat([X.double() * r, r], dim=1)  # per-example gradients (x_i r_i, r_i), (n, d + 1)
    g = _flat(*minibatch_gradients(X, y, w, b))  # (d + 1,)
    g_norm = float(g.norm())
    if g_norm == 0.0:
        raise InputValueError(
            "the full gradient is zero at (w, b); measure noise away from the minimizer"
        )
    trace_sigma = float(((G - G.mean(dim=0)) ** 2).sum(dim=1).mean())  # tr Σ (population)
    gen = _checks.seed_generator(seed)
    rows: dict[str, list[float]] = {"rel": [], "pred": [], "cos": [], "sec": []}
    for B in sizes:
        rel, cos, sec = [], [], []
        for idx in _batch_indices(n, B, num_draws, gen):
            start = time.perf_counter()
            grads_B = minibatch_gradients(X[idx], y[idx], w, b)
            sec.append(time.perf_counter() - start)
            g_B = _flat(*grads_B)
            rel.append(float((g_B - g).norm()) / g_norm)
            cos.append(float(g_B @ g) / max(float(g_B.norm()) * g_norm, 1e-300))
        fpc = (n - B) / (n - 1) if n > 1 else 0.0
        rows["rel"].append(math.sqrt(statistics.fmean(v * v for v in rel)))
        rows["pred"].append(math.sqrt(trace_sigma / B * fpc) / g_norm)
        rows["cos"].append(statistics.fmean(cos))
        rows["sec"].append(statistics.median(sec))
    return GradientNoise(sizes, rows["rel"], rows["pred"], rows["cos"], rows["sec"], n, num_draws)
