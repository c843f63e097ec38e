"""What the textbook and the accurate solvers share: the design ``A = [1, X]``, its Gram matrix,
condition numbers, the scaled Householder QR, and the two errors a least-squares fit can report.

Notation: ``A = [1, X]`` (or ``X`` without intercept) is the raw design, ``x = (b, w)`` the raw
coefficients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from d2l_linreg.errors import InputValueError


class RankDeficientError(InputValueError):
    """Raised when columns of ``X`` are exactly linearly dependent; ``.columns`` names them."""

    def __init__(self, message: str, columns: tuple[int, ...]) -> None:
        super().__init__(message)
        self.columns = columns


class IllConditionedWarning(UserWarning):
    """The system solved is so ill-conditioned that many digits of the answer may be wrong."""


@dataclass(frozen=True)
class LeastSquaresResult:
    """What ``fit_least_squares`` returns.

    Attributes:
        w: (d,) weights. b: the intercept (0.0 when ``fit_intercept=False``).
        method: the algorithm used; for ``method="auto"`` either ``"cholesky+refine"`` (fast
            path) or ``"qr+refine"`` (QR with extended-precision iterative refinement).
        condition_number: 2-norm condition number of the raw design ``[1, X]`` (``X`` without
            intercept), before any centring or scaling.
        residuals: (n,) ``r = y_hat - y``; ``None`` for data in chunks (it would take n memory).
    """

    w: torch.Tensor
    b: float
    method: str
    condition_number: float
    residuals: torch.Tensor | None

    @property
    def params(self) -> torch.Tensor:
        """(d + 1,) ``(b, w_1, ..., w_d)``: intercept first, the order NIST certifies."""
        return torch.cat([self.w.new_tensor([self.b]), self.w])


def design(X: torch.Tensor, fit_intercept: bool) -> torch.Tensor:
    """The raw design ``A``: (n, d) -> (n, d + 1) with a leading column of ones, or ``X``."""
    if not fit_intercept:
        return X
    return torch.cat([torch.ones_like(X[:, :1]), X], 1)


def design_matvec(X: torch.Tensor, x: torch.Tensor, fit_intercept: bool) -> torch.Tensor:
    """``A @ x`` without building ``A``: (n, d) @ (d,) + b -> (n,)."""
    return X @ x[1:] + x[0] if fit_intercept else X @ x


def design_rmatvec(X: torch.Tensor, r: torch.Tensor, fit_intercept: bool) -> torch.Tensor:
    """``Aᵀ @ r`` without building ``A``: (n,) -> (p,)."""
    g = r @ X  # (n,) @ (n, d) -> (d,)
    return torch.cat([r.sum().reshape(1), g]) if fit_intercept else g


def gram(
    X: torch.Tensor, y: torch.Tensor, fit_intercept: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """``AᵀA`` (p, p) and ``Aᵀy`` (p,), assembled from blocks so that ``A`` is never copied."""
    G = X.T @ X  # (d, n) @ (n, d) -> (d, d)
    if fit_intercept:
        s = X.new_ones(X.shape[0]) @ X  # column sums; (n,) @ (n, d) -> (d,), faster than sum(0)
        top = torch.cat([torch.tensor([X.shape[0]], dtype=X.dtype, device=X.device), s])
        G = torch.cat([top.unsqueeze(0), torch.cat([s.unsqueeze(1), G], 1)], 0)
    return G, design_rmatvec(X, y, fit_intercept)


def svd_condition(M: torch.Tensor) -> float:
    """2-norm condition number of a small square matrix, computed in float64."""
    sv = torch.linalg.svdvals(M.double())
    return math.inf if sv[-1] == 0 else float(sv[0] / sv[-1])


def _pow2(v: torch.Tensor) -> torch.Tensor:
    """The power of two nearest to each entry: scaling by it is exact in binary floating point."""
    return torch.exp2(torch.round(torch.log2(v)))


@dataclass
class ScaledQR:
    """``C = A M⁻¹``: centred columns, scaled by powers of two, and its QR factors ``C = Q R``.

    ``M = [[s0, s0 mᵀ], [0, diag(s)]]`` with an intercept and ``diag(s)`` without, so that
    ``A = C M`` and ``cond(A) = cond(R M)``.
    """

    m: torch.Tensor  # (d,) column means (zeros without intercept)
    s: torch.Tensor  # (d,) column scales
    s0: float  # scale of the column of ones
    fit_intercept: bool
    H: torch.Tensor  # (n, p) Householder reflectors below the diagonal (LAPACK's geqrf)
    tau: torch.Tensor  # (p,) their scalar factors
    R: torch.Tensor  # (p, p)

    def qt(self, f: torch.Tensor) -> torch.Tensor:
        """``Qᵀ f`` for the thin ``Q`` (n, p): (n,) -> (p,), without ever forming ``Q``."""
        out = torch.ormqr(self.H, self.tau, f.unsqueeze(1), left=True, transpose=True)
        return out[: self.R.shape[0], 0]

    def q(self, v: torch.Tensor) -> torch.Tensor:
        """``Q v``: (p,) -> (n,)."""
        padded = torch.cat([v, v.new_zeros(self.H.shape[0] - v.shape[0])]).unsqueeze(1)
        return torch.ormqr(self.H, self.tau, padded, left=True, transpose=False)[:, 0]

    def M(self) -> torch.Tensor:
        M = torch.diag(self.s)
        if self.fit_intercept:
            top = self.s0 * torch.cat([torch.ones_like(self.m[:1]), self.m])
            M = torch.cat([top.unsqueeze(0), torch.cat([torch.zeros_like(self.m[:, None]), M], 1)])
        return M

    def to_raw(self, z: torch.Tensor) -> torch.Tensor:
        """Coefficients of ``C`` -> coefficients of ``A``: solve ``M x = z``."""
        if not self.fit_intercept:
            return z / self.s
        w = z[1:] / self.s
        return torch.cat([(z[0] / self.s0 - self.m @ w).reshape(1), w])

    def solve_augmented(
        self, f: torch.Tensor, g: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Solve ``dr + A dx = f``, ``Aᵀ dr = g`` with the factors of ``C``; returns (dr, dx)."""
        if self.fit_intercept:  # h = M⁻ᵀ g
            h = torch.cat([g[:1] / self.s0, (g[1:] - self.m * g[0]) / self.s])
        else:
            h = g / self.s
        u = torch.linalg.solve_triangular(self.R.T, h.unsqueeze(1), upper=False)  # (p, 1)
        v = self.qt(f) - u.squeeze(1)  # (p,)
        dz = torch.linalg.solve_triangular(self.R, v.unsqueeze(1), upper=True).squeeze(1)
        return f - self.q(v), self.to_raw(dz)


def _describe_columns(idx: list[int]) -> str:
    names = [str(i) for i in idx]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"column{'s' if len(names) > 1 else ''} {listed} of X"


def _check_constant(X: torch.Tensor, fit_intercept: bool) -> None:
    """Exactly constant columns duplicate the intercept; all-zero columns carry nothing."""
    lo, hi = X.amin(0), X.amax(0)
    bad = (lo == hi) if fit_intercept else (lo == 0) & (hi == 0)
    if bad.any():
        cols = bad.nonzero().flatten().tolist()
        what, fix = (
            ("constant, so it duplicates the intercept", "or pass fit_intercept=False")
            if fit_intercept
            else ("all zeros", "or pass method='lstsq' for the minimum-norm solution")
        )
        raise RankDeficientError(
            f"X is rank deficient: {_describe_columns(cols)} {'is' if len(cols) == 1 else 'are'} "
            f"{what}; drop {'it' if len(cols) == 1 else 'them'}, {fix}",
            tuple(cols),
        )


def _check_rank(R: torch.Tensor, n: int, fit_intercept: bool) -> None:
    """Raise ``RankDeficientError`` if ``C`` (scaled, centred) is numerically singular."""
    _, sv, Vh = torch.linalg.svd(R.double())
    tol = max(R.shape[0], n) * torch.finfo(R.dtype).eps
    null = Vh[sv <= sv[0] * tol]  # (k, p): directions that C maps to ~0
    if null.shape[0] == 0:
        return
    involved = (null.abs() > 1e-6).any(0).nonzero().flatten().tolist()
    cols = [j - 1 for j in involved if j > 0] if fit_intercept else involved
    raise RankDeficientError(
        f"X is rank deficient: {_describe_columns(cols)} are linearly dependent (smallest "
        f"singular value {float(sv[-1] / sv[0]):.1e} of the largest, after centring and "
        f"scaling); drop one of them, or pass method='lstsq' for the minimum-norm solution",
        tuple(cols),
    )


def scaled_qr(X: torch.Tensor, fit_intercept: bool) -> ScaledQR:
    """Factor the centred, scaled design; raises ``RankDeficientError`` when it is singular."""
    _check_constant(X, fit_intercept)
    n = X.shape[0]
    m = X.mean(0) if fit_intercept else torch.zeros_like(X[0])
    Xc = X - m if fit_intercept else X  # (n, d)
    s = _pow2(torch.linalg.vector_norm(Xc, dim=0))
    s0 = float(_pow2(torch.tensor(math.sqrt(n)))) if fit_intercept else 1.0
    C = Xc / s  # (n, d)
    if fit_intercept:
        C = torch.cat([torch.full_like(X[:, :1], 1.0 / s0), C], 1)
    H, tau = torch.geqrf(C)
    R = H[: C.shape[1]].triu()
    _check_rank(R, n, fit_intercept)
    return ScaledQR(m, s, s0, fit_intercept, H, tau, R)


def raw_condition(sc: ScaledQR) -> float:
    """``cond(A)`` of the raw design, from ``A = Q (R M)``."""
    return svd_condition(sc.R.double() @ sc.M().double())
