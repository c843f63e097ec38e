"""Sums and dot products accurate to about twice the working precision ("double-double").

Iterative refinement of a least-squares solution needs residuals computed more accurately
than the solution itself (Björck, *Numerical Methods for Least Squares Problems*, 1996, §2.9).
Torch has no float128, so we use error-free transformations instead: ``two_sum`` and
``two_prod`` return a rounded result *and* its exact rounding error, both in the working
precision. Every function here is vectorized (no Python loop over examples), so it runs on any
device. Each torch operation is a separate kernel, so nothing is fused into an FMA behind our back.
"""

from __future__ import annotations

import torch


def _splitter(dtype: torch.dtype) -> float:
    """Veltkamp's constant 2^s + 1 with s = ceil(t / 2) for a t-bit significand."""
    bits = {torch.float64: 53, torch.float32: 24}[dtype]
    return float(2 ** ((bits + 1) // 2) + 1)


def two_sum(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Knuth's TwoSum: ``s + e == a + b`` exactly, with ``s = fl(a + b)``."""
    s = a + b
    z = s - a
    e = (a - (s - z)) + (b - z)
    return s, e


def two_prod(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Dekker's TwoProduct: ``p + e == a * b`` exactly (barring overflow), ``p = fl(a * b)``."""
    c = _splitter(a.dtype)
    p = a * b
    a_hi = c * a
    a_hi = a_hi - (a_hi - a)
    b_hi = c * b
    b_hi = b_hi - (b_hi - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def pairwise_sum2(terms: torch.Tensor, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Sum ``terms`` along ``dim`` as an unevaluated pair ``hi + lo``.

    Pairwise TwoSum reduction: the rounding error of every addition is kept and summed
    separately, so ``hi + lo`` is as accurate as a sum computed in twice the precision.
    """
    hi = terms
    lo = torch.zeros_like(terms.select(dim, 0))
    while hi.shape[dim] > 1:
        if hi.shape[dim] % 2:
            pad = list(hi.shape)
            pad[dim] = 1
            hi = torch.cat([hi, hi.new_zeros(pad)], dim)
        half = hi.shape[dim] // 2
        hi, err = two_sum(hi.narrow(dim, 0, half), hi.narrow(dim, half, half))
        lo = lo + err.sum(dim)
    return hi.squeeze(dim), lo


def residual_f(A: torch.Tensor, x: torch.Tensor, y: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
    """``y - r - A @ x`` for a block of rows, accurate to about twice the working precision.

    Args:
        A: (m, p) rows of the design matrix. x: (p,) coefficients. y, r: (m,) target and residual.

    Returns:
        (m,) the rounded value of the exact ``y - r - A x``.
    """
    P, E = two_prod(A, -x.unsqueeze(0))  # (m, p) products and their rounding errors
    hi, lo = pairwise_sum2(torch.cat([P, y.unsqueeze(1), -r.unsqueeze(1)], 1), dim=1)
    return hi + (lo + E.sum(1))


def transpose_dot(A: torch.Tensor, r: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``A.T @ r`` for a block of rows as a pair ``hi + lo`` (combine blocks with ``two_sum``).

    Args:
        A: (m, p) rows of the design matrix. r: (m,) residual for those rows.

    Returns:
        Two (p,) tensors whose sum is ``A.T @ r`` to about twice the working precision.
    """
    P, E = two_prod(A, r.unsqueeze(1))  # (m, p)
    hi, lo = pairwise_sum2(P, dim=0)
    return hi, lo + E.sum(0)


def powers(x: torch.Tensor, degree: int) -> torch.Tensor:
    """``x, x², ..., x^degree`` as (n, degree), each rounded once from a double-double product.

    ``torch.pow`` can be off by an ulp; for an ill-conditioned polynomial fit (NIST's Filip)
    that last bit costs correct digits in the coefficients.
    """
    hi, lo = x, torch.zeros_like(x)
    cols = [x]
    for _ in range(degree - 1):
        p, e = two_prod(hi, x)
        hi, lo = two_sum(p, e + lo * x)
        cols.append(hi + lo)
    return torch.stack(cols, 1)


def residual_dd(
    A: torch.Tensor, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``y - A @ x`` for a block of rows as an unevaluated pair ``hi + lo`` (not rounded once).

    Keeping ``lo`` matters when the residual is large (NIST's Wampler5): rounding ``f`` to the
    working precision before ``Aᵀ f`` would cost ``eps |A| |r|``, the very term refinement removes.
    """
    P, E = two_prod(A, -x.unsqueeze(0))  # (m, p)
    hi, lo = pairwise_sum2(torch.cat([P, y.unsqueeze(1)], 1), dim=1)
    return two_sum(hi, lo + E.sum(1))
