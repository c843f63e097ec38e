"""The small-problem fast path of ``method="auto"``: few operations, each cheap, and a proof.

On a seed-sized problem (n = 2 .. 10⁴, d ≤ 32) the arithmetic costs microseconds and the
price is paid per operation: every torch call costs a few microseconds of dispatch, so the
accurate paths of ``refine.py`` (dozens of calls) took 65-97x a bare ``torch.linalg.lstsq``.
This path works on numpy views of the same memory (about 1 µs per operation on small arrays)
with about twenty operations:

1. centre the columns (the intercept then decouples) and equilibrate the Gram matrix
   ``G = Xcᵀ Xc`` by its diagonal;
2. the Cholesky factor and the inverse of ``G_eq`` (``|G_eq|_F |G_eq⁻¹|_F``, an upper bound on
   ``κ² = cond(Xc D⁻¹)²``, must be at most ``eps^(-1/2)``, so the inverse is accurate);
3. one step of iterative refinement against the *raw* data (``Aᵀ r`` with ``A = [1, X]``,
   mapped through the centring), as in ``refine.cholesky_refine``;
4. the same forward-error bound as ``cholesky_refine`` (``eps (κ + κ² tan θ)`` plus what the
   refinement step leaves, plus the floor ``eps κ² ρ`` that offsets ``ρ`` (mean / spread)
   leave) must stay below ``eps^(2/3)``, and every coefficient's correction
   must be small relative to the coefficient; otherwise it returns ``None`` and the caller
   takes the QR + extended-precision refinement path, which is exact to the data's limit.

Anything unusual (values near overflow or underflow, a constant column, non-finite values)
also returns ``None``: the general path checks, scales and reports it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from .blocked import accept_refinement, blocked_fit
from .common import LeastSquaresResult

__all__ = ["fast_fit", "fast_result"]

_FAST = 2**24  # n·p² up to this: whole-array numpy here; above, in row blocks (blocked.py)

# eps, and the smallest Gram diagonal whose products keep full precision (no subnormals)
_LIMITS = {
    t: (float(np.finfo(t).eps), float(np.finfo(t).tiny) / float(np.finfo(t).eps) ** 2)
    for t in (np.float32, np.float64)
}


def fast_fit(
    X: np.ndarray, y: np.ndarray, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Least squares for ``X`` (n, d), ``y`` (n,) in their dtype: ``(x, A x - y, T)``.

    ``x = (b, w)`` with an intercept, ``w`` without; ``T`` (p, p) satisfies ``AᵀA = TᵀT``, so
    ``cond(A) = cond(T)``. ``None`` when the accuracy bound fails.
    """
    eps, lo = _LIMITS[X.dtype.type]
    n = X.shape[0]
    if fit_intercept:
        m = X.sum(0) / n  # (d,)
        Xc = X - m
    else:
        Xc, m = X, np.zeros(X.shape[1], X.dtype)  # m: read only with an intercept
    G = Xc.T @ Xc  # (d, d)
    dg = G.diagonal()
    if not (np.isfinite(G).all() and dg.min() > lo):  # non-finite, constant, or near underflow
        return None
    D = np.sqrt(dg)
    Geq = G / np.outer(D, D)  # unit diagonal
    try:
        L = np.linalg.cholesky(Geq)  # fails unless numerically positive definite
        Ginv = np.linalg.inv(Geq)
    except np.linalg.LinAlgError:
        return None
    # cond(G_eq) <= |G_eq|_F |G_eq⁻¹|_F: an upper bound (at most d times too large), so the
    # proof below stays a proof; required <= eps^(-1/2), so G_eq⁻¹ is accurate.
    kappa2 = math.sqrt(float(np.vdot(Geq, Geq)) * float(np.vdot(Ginv, Ginv)))
    if not kappa2 <= eps**-0.5:
        return None

    w = Ginv @ ((y @ Xc) / D) / D  # Xcᵀ 1 = 0, so Xcᵀ y = Xcᵀ (y - ȳ)
    b = y.sum() / n - m @ w if fit_intercept else 0.0
    r = y - (X @ w + b)  # refinement step against the raw data: r = y - A x
    g = r @ X  # (d,) Xᵀ r
    if fit_intercept:
        r_sum = r.sum()
        dw = Ginv @ ((g - m * r_sum) / D) / D  # the centred normal equations: Xcᵀ r = Xᵀr - m Σr
        db = r_sum / n - m @ dw
        b = b + db
    else:
        dw, db = Ginv @ (g / D) / D, 0.0
    w = w + dw
    fitted = X @ w + b
    residual = fitted - y
    fn, rn = float(fitted @ fitted), float(residual @ residual)
    accepted = accept_refinement(
        w, dw, b, db, (fn, rn), (D, m, n, L, kappa2, eps, fit_intercept, X.dtype)
    )
    return None if accepted is None else (accepted[0], residual, accepted[1])


def fast_result(
    X: Any, y: Any, fit_intercept: Any, method: Any, dtype: Any
) -> LeastSquaresResult | None:
    """The small-problem path of ``"auto"`` for CPU tensors already in ``dtype``, or ``None``.

    A handful of attribute checks decide; anything else takes the general path, which checks
    the input in full and reports what is wrong. See ``fast.py``.
    """
    if not (
        method == "auto"
        and type(X) is torch.Tensor
        and type(y) is torch.Tensor
        and (fit_intercept is True or fit_intercept is False)
        and X.dtype == dtype
        and y.dtype == dtype
        and X.dim() == 2
        and X.device.type == "cpu"
        and y.device.type == "cpu"
        and dtype in (torch.float64, torch.float32)
    ):
        return None
    (n, d), p = X.shape, X.shape[1] + int(fit_intercept)
    if not (y.shape == (n,) or y.shape == (n, 1)) or d == 0 or n < p:
        return None
    # numpy views of the same memory (tensors in row blocks for large problems); NaN, inf or
    # overflow make the fit decline (quietly: the general path then checks, scales and reports)
    X, y = X.detach(), y.detach().reshape(n)
    with np.errstate(all="ignore"):
        if n * p * p <= _FAST:
            out = fast_fit(X.numpy(), y.numpy(), bool(fit_intercept))
        else:
            out = blocked_fit(X, y, bool(fit_intercept))
    if out is None:
        return None
    x, residual, T = out
    sv = np.linalg.svd(T, compute_uv=False)
    w, b = (x[1:], float(x[0])) if fit_intercept else (x, 0.0)
    return LeastSquaresResult(
        torch.from_numpy(w),
        b,
        "cholesky+refine",
        float(sv[0] / sv[-1]),
        torch.from_numpy(residual),
    )
