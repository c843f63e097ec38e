"""The two accurate least-squares paths behind ``fit_least_squares(method="auto")``.

* ``qr_refine``: Householder QR of the centred design with power-of-two column scales, then
  iterative refinement of the augmented system ``[I A; Aᵀ 0] [r; x] = [y; 0]`` with residuals
  computed to twice the working precision against the *original* data (Björck 1967). Exact
  to the limit the data allow: NIST's Wampler sets to all 15 digits, Filip to 7.6.
* ``cholesky_refine``: Cholesky of the equilibrated Gram matrix plus one refinement step. About
  as fast as the textbook normal equation; it returns ``None`` unless its error bound shows
  that it is accurate, and the caller then falls back to ``qr_refine``.

Notation: ``A = [1, X]`` (or ``X`` without intercept) is the raw design, ``x = (b, w)`` the raw
coefficients, ``r = y - A x`` the residual in Björck's sign (the public API reports ``-r``).
The design, Gram matrix and scaled QR they share with the textbook solvers are in ``common.py``.
"""

from __future__ import annotations

import math
import warnings

import torch

from .common import (
    IllConditionedWarning,
    _pow2,
    design,
    design_matvec,
    design_rmatvec,
    gram,
    scaled_qr,
    svd_condition,
)
from .dd import residual_f, transpose_dot, two_sum

_MAX_REFINE_STEPS = 10


def _dd_residuals(
    X: torch.Tensor, x: torch.Tensor, y: torch.Tensor, r: torch.Tensor, fit_intercept: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """``f = y - r - A x`` and ``g = -Aᵀ r`` to twice the working precision, in row blocks."""
    p = x.shape[0]
    rows = max(1, 2**18 // p)  # about 2 MB per temporary in float64
    f = torch.empty_like(y)
    g_hi, g_lo = torch.zeros_like(x), torch.zeros_like(x)
    for i in range(0, X.shape[0], rows):
        A = design(X[i : i + rows], fit_intercept)  # (rows, p)
        f[i : i + rows] = residual_f(A, x, y[i : i + rows], r[i : i + rows])
        hi, lo = transpose_dot(A, r[i : i + rows])
        g_hi, err = two_sum(g_hi, hi)
        g_lo = g_lo + lo + err
    return f, -(g_hi + g_lo)


def qr_refine(
    X: torch.Tensor, y: torch.Tensor, fit_intercept: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """QR of the scaled design, then refinement.

    Returns x (p,), the residual ``A x - y`` (n,) and a (p, p) factor ``T`` with ``AᵀA = TᵀT``
    (so ``cond(A) = cond(T)``).
    """
    sc = scaled_qr(X, fit_intercept)
    r, x = sc.solve_augmented(y, X.new_zeros(sc.R.shape[0]))
    eps = torch.finfo(X.dtype).eps
    prev = step = math.inf
    for _ in range(_MAX_REFINE_STEPS):
        f, g = _dd_residuals(X, x, y, r, fit_intercept)
        dr, dx = sc.solve_augmented(f, g)
        r, x = r + dr, x + dx
        step = float(dx.abs().max() / x.abs().max().clamp_min(torch.finfo(X.dtype).tiny))
        if step <= eps or step > 0.5 * prev:  # converged, or stagnating at the data's limit
            break
        prev = step
    factor = sc.R.double() @ sc.M().double()  # AᵀA = factorᵀ factor
    if step > eps**0.5:
        _warn_not_converged(step, svd_condition(factor))
    return x, -r, factor


def _warn_not_converged(step: float, cond: float) -> None:
    warnings.warn(
        IllConditionedWarning(
            f"iterative refinement did not converge (last relative correction {step:.1e}, "
            f"cond(X) = {cond:.1e}): few digits of the coefficients may be correct; "
            f"remove nearly dependent columns or rescale them (e.g. orthogonal polynomials)"
        ),
        stacklevel=4,
    )


def cholesky_refine(
    X: torch.Tensor, y: torch.Tensor, fit_intercept: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
    """Fast path: equilibrated Cholesky + one refinement step, or ``None`` if not provably accurate.

    Accepted when ``cond(A D⁻¹) ≤ eps^(-1/4)`` (so the Cholesky factor is accurate) and the
    standard forward-error bound ``eps (κ + κ² tan θ)`` plus what is left of the refinement
    stays below ``eps^(2/3)`` (about 10 of 16 digits in float64), with ``tan θ = |r| / |A x|``.
    """
    eps = torch.finfo(X.dtype).eps
    G, c = gram(X, y, fit_intercept)
    dg = G.diagonal()
    if not bool((dg > 0).all()):
        return None
    D = _pow2(dg.sqrt())  # exact equilibration: G_eq = D⁻¹ G D⁻¹
    L, info = torch.linalg.cholesky_ex(G / D.unsqueeze(1) / D.unsqueeze(0))
    kappa = svd_condition(L) if int(info) == 0 else math.inf
    if kappa > eps**-0.25:
        return None
    x = torch.cholesky_solve((c / D).unsqueeze(1), L).squeeze(1) / D
    r = y - design_matvec(X, x, fit_intercept)
    g = design_rmatvec(X, r, fit_intercept)
    dx = torch.cholesky_solve((g / D).unsqueeze(1), L).squeeze(1) / D
    x = x + dx
    residual = design_matvec(X, x, fit_intercept) - y
    fitted, xn = float((residual + y).norm()), float((D * x).norm())
    if fitted == 0 or xn == 0:
        return None
    tan_theta = float(residual.norm()) / fitted
    left = kappa**2 * eps * float((D * dx).norm()) / xn
    if 10 * eps * (kappa + kappa**2 * tan_theta) + 10 * left > eps ** (2 / 3):
        return None
    return x, residual, L.T.double() * D.double()
