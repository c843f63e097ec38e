"""The textbook solvers, kept to show what goes wrong: the normal equation, Cholesky, QR, SVD.

Each takes ``X`` (n, d) and ``y`` (n,) in the working dtype and returns the raw coefficients
``x = (b, w)`` (or ``w`` without intercept) and ``cond([1, X])``.
"""

from __future__ import annotations

import math
import warnings

import torch

from d2l_linreg.errors import InputValueError

from .common import IllConditionedWarning, design, gram, raw_condition, scaled_qr, svd_condition


def _gram_condition(G: torch.Tensor, X: torch.Tensor, fit_intercept: bool) -> float:
    """cond(A) for the normal-equation methods; warns when squaring it costs too many digits.

    ``sqrt(cond(G))`` is exact enough while small; past the warning threshold ``G`` itself has
    lost the information, so cond(A) is recomputed from a QR of ``A`` (which also checks rank).
    """
    eps = torch.finfo(G.dtype).eps
    ev = torch.linalg.eigvalsh(G.double())
    if ev[0] > 0 and ev[-1] / ev[0] <= eps**-0.5:
        return math.sqrt(float(ev[-1] / ev[0]))
    cond = raw_condition(scaled_qr(X, fit_intercept))
    if cond**2 > eps**-0.5:
        digits = round(-math.log10(eps))
        lost = round(math.log10(cond**2))
        share = f"all {digits}" if lost >= digits else f"up to {lost} of the {digits}"
        warnings.warn(
            IllConditionedWarning(
                f"the normal equation is ill-conditioned: cond(X^T X) = {cond**2:.1e} (the square "
                f"of cond(X) = {cond:.1e}), so {share} "
                f"significant digits of {G.dtype} can be lost; use method='auto' (QR with "
                f"iterative refinement), or centre and scale the columns of X"
            ),
            stacklevel=4,
        )
    return cond


def _normal(X: torch.Tensor, y: torch.Tensor, fi: bool) -> tuple[torch.Tensor, float]:
    G, c = gram(X, y, fi)  # (p, p), (p,)
    cond = _gram_condition(G, X, fi)
    return torch.linalg.inv(G) @ c, cond  # the textbook formula, inverse and all


def _cholesky(X: torch.Tensor, y: torch.Tensor, fi: bool) -> tuple[torch.Tensor, float]:
    G, c = gram(X, y, fi)
    cond = _gram_condition(G, X, fi)
    L, info = torch.linalg.cholesky_ex(G)
    if int(info) != 0:
        raise InputValueError(
            f"X^T X is not numerically positive definite in {G.dtype} (cond(X) = {cond:.1e}, "
            f"so cond(X^T X) = {cond**2:.1e}); use method='auto' or method='qr'"
        )
    return torch.cholesky_solve(c.unsqueeze(1), L).squeeze(1), cond


def _qr(X: torch.Tensor, y: torch.Tensor, fi: bool) -> tuple[torch.Tensor, float]:
    H, tau = torch.geqrf(design(X, fi))  # Householder QR, Q kept as reflectors: A = Q R
    p = H.shape[1]
    R = H[:p].triu()  # (p, p)
    cond = svd_condition(R)
    if cond * max(X.shape) * torch.finfo(X.dtype).eps > 1e-2:
        scaled_qr(X, fi)  # raises RankDeficientError if the columns are really dependent
    qty = torch.ormqr(H, tau, y.unsqueeze(1), left=True, transpose=True)[:p]  # (p, 1) = Qᵀy
    x = torch.linalg.solve_triangular(R, qty, upper=True).squeeze(1)
    return x, cond


def _lstsq(X: torch.Tensor, y: torch.Tensor, fi: bool) -> tuple[torch.Tensor, float]:
    A = design(X, fi).cpu()  # gelsd (SVD, minimum norm) is CPU-only in torch
    sol = torch.linalg.lstsq(A, y.cpu().unsqueeze(1), driver="gelsd")
    sv = sol.singular_values
    cond = math.inf if sv[-1] == 0 else float(sv[0] / sv[-1])
    if int(sol.rank) < A.shape[1]:
        _refuse_a_unit_artifact(A, int(sol.rank))
    return sol.solution.squeeze(1).to(X.device), cond


def _refuse_a_unit_artifact(A: torch.Tensor, rank: int) -> None:
    """Refuse when the cut-off drops a direction only because of the columns' units.

    LAPACK's cut-off is relative to the largest singular value, so a column of ones next to
    features around 1e14 falls below it and the intercept silently disappears. If the design
    with every column scaled to unit length is well-conditioned (cond <= eps^(-1/2)), nothing
    is nearly dependent: say so instead of returning another model. (Filip, genuinely
    ill-conditioned even when scaled, keeps the textbook behaviour.)
    """
    norms = torch.linalg.vector_norm(A, dim=0)
    if not bool((norms > 0).all()):
        return
    sv = torch.linalg.svdvals(A / norms)
    eps = torch.finfo(A.dtype).eps
    if sv[-1] > 0 and float(sv[0] / sv[-1]) <= eps**-0.5:
        spread = float(norms.max() / norms.min())
        raise InputValueError(
            f"method='lstsq' would drop {A.shape[1] - rank} of {A.shape[1]} directions (such as "
            f"the intercept) only because the columns' scales differ by {spread:.1e}: LAPACK's "
            f"cut-off is relative to the largest singular value; use method='auto', which "
            f"scales the columns, or rescale X"
        )


SOLVERS = {"normal": _normal, "cholesky": _cholesky, "qr": _qr, "lstsq": _lstsq}
