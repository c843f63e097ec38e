"""Least squares in closed form: the textbook normal equation, and a solver you can trust.

``fit_least_squares`` minimizes ``½ |X w + b - y|²``. ``method="normal"`` is the formula of
the theory page, ``w = (XᵀX)⁻¹ Xᵀy``, kept to show how it fails; the default ``"auto"`` passes
NIST's Statistical Reference Datasets (at least 7 correct digits on every coefficient of all
seven shipped sets) and is about as fast as a Cholesky solve of the normal equations when the
problem allows it. How it works is in ``refine.py``; the textbook solvers are in ``plain.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from .. import _checks
from .common import IllConditionedWarning, RankDeficientError, design, design_matvec
from .dd import powers
from .plain import SOLVERS
from .refine import cholesky_refine, qr_refine

__all__ = [
    "METHODS",
    "IllConditionedWarning",
    "LeastSquaresResult",
    "RankDeficientError",
    "condition_number",
    "fit_least_squares",
    "lre",
    "polynomial_features",
]

METHODS = ("auto", "normal", "cholesky", "qr", "lstsq", "svd")
_SMALL = 2**16  # n·p² up to this: QR + refinement takes a few ms, so always use it


@dataclass(frozen=True)
class LeastSquaresResult:
    """What ``fit_least_squares`` returns.

    Attributes:
        w: (d,) weights. b: the intercept (0.0 when ``fit_intercept=False``).
        method: the algorithm used; for ``method="auto"`` either ``"cholesky+refine"`` (fast
            path) or ``"qr+refine"`` (QR with extended-precision iterative refinement).
        condition_number: 2-norm condition number of the raw design ``[1, X]`` (``X`` without
            intercept), before any centring or scaling.
        residuals: (n,) ``r = y_hat - y``.
    """

    w: torch.Tensor
    b: float
    method: str
    condition_number: float
    residuals: torch.Tensor

    @property
    def params(self) -> torch.Tensor:
        """(d + 1,) ``(b, w_1, ..., w_d)``: intercept first, the order NIST certifies."""
        return torch.cat([self.w.new_tensor([self.b]), self.w])


def _check_inputs(
    X: Any, y: Any, fit_intercept: Any, method: Any, dtype: Any
) -> tuple[torch.Tensor, torch.Tensor]:
    if method not in METHODS:
        raise ValueError(
            f"method must be one of {METHODS} (got {method!r}); use e.g. method='auto'"
        )
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(
            f"dtype must be torch.float32 or torch.float64 (got {dtype!r}); "
            f"use e.g. dtype=torch.float64"
        )
    if not isinstance(fit_intercept, bool):
        raise TypeError(f"fit_intercept must be True or False (got {fit_intercept!r})")
    X, y = _checks.real_tensor("X", X, torch.float64), _checks.real_tensor("y", y, torch.float64)
    X, y = _checks.design_and_target(X, y)  # X (n, d), y (n, 1); equal lengths, finite
    if X.shape[1] == 0:
        raise ValueError("X must have at least one column (got shape (n, 0)); pass some features")
    y = y.reshape(-1)  # (n, 1) -> (n,)
    p = X.shape[1] + int(fit_intercept)
    if X.shape[0] < p:
        raise ValueError(
            f"X must have at least as many rows as parameters (got {X.shape[0]} rows for {p} "
            f"parameters: {X.shape[1]} weights{' + intercept' if fit_intercept else ''}); "
            f"add examples or drop features"
        )
    return X.to(dtype), y.to(dtype)


def fit_least_squares(
    X: Any,
    y: Any,
    *,
    fit_intercept: bool = True,
    method: str = "auto",
    dtype: torch.dtype = torch.float64,
) -> LeastSquaresResult:
    r"""Minimize ``½ |X w + b - y|²`` in closed form:

    $$\min_{\mathbf{w},\, b}\ \tfrac{1}{2} \lVert \mathbf{X}\mathbf{w} + b - \mathbf{y} \rVert^2.$$

    Methods: ``"normal"`` is the textbook ``(XᵀX)⁻¹ Xᵀy`` with an explicit inverse (teaching
    only: it squares the condition number); ``"cholesky"`` solves the same normal equations
    by Cholesky (fast, equally fragile); ``"qr"`` is one Householder QR of ``[1, X]``;
    ``"lstsq"`` (alias ``"svd"``) is LAPACK's SVD solver with its default cut-off and returns
    the minimum-norm solution when columns are dependent; ``"auto"`` (the default) uses a
    Cholesky solve with one refinement step when an error bound proves it accurate, otherwise
    QR of the centred, scaled design with iterative refinement in extended precision.
    All arithmetic is in ``dtype``.

    Args:
        X: (n, d) or (n,) features; tensor, array or nested list of numbers.
        y: (n,) or (n, 1) targets.
        fit_intercept: fit ``b`` too (a column of ones); else ``b = 0``.
        method: one of ``METHODS``.
        dtype: ``torch.float64`` (default) or ``torch.float32``.

    Returns:
        ``LeastSquaresResult`` with ``w`` (d,), ``b``, ``method``, ``condition_number`` (of the
        raw design ``[1, X]``) and ``residuals`` (n,) ``= y_hat - y``.

    Raises:
        ValueError: unknown method or dtype, non-numeric or non-finite values, mismatched
            lengths, fewer rows than parameters, or (``"cholesky"``) a Cholesky breakdown.
        RankDeficientError: exactly dependent columns (not for ``"lstsq"``); ``.columns``.

    Warns:
        IllConditionedWarning: ``"normal"``/``"cholesky"`` when ``cond(XᵀX)`` exceeds
            ``eps^(-1/2)``, i.e. more than half of the digits may be lost; ``"auto"`` when
            iterative refinement does not converge (columns dependent to nearly working precision).

    Example:
        >>> X = [[1, 1], [1, 2], [2, 2], [2, 3]]   # y = 1·x0 + 2·x1 + 3
        >>> res = fit_least_squares(X, [6, 8, 9, 11])
        >>> [round(v, 6) for v in res.w.tolist()], round(res.b, 6), res.method
        ([1.0, 2.0], 3.0, 'qr+refine')
    """
    X, y = _check_inputs(X, y, fit_intercept, method, dtype)
    p = X.shape[1] + int(fit_intercept)
    used = "lstsq" if method == "svd" else method
    if used == "auto":
        fast = cholesky_refine(X, y, fit_intercept) if X.shape[0] * p * p > _SMALL else None
        used = "qr+refine" if fast is None else "cholesky+refine"
        x, residuals, cond = fast if fast is not None else qr_refine(X, y, fit_intercept)
    else:
        x, cond = SOLVERS[used](X, y, fit_intercept)
        residuals = design_matvec(X, x, fit_intercept) - y
    w, b = (x[1:], float(x[0])) if fit_intercept else (x, 0.0)
    return LeastSquaresResult(w, b, used, cond, residuals)


def condition_number(X: Any, *, fit_intercept: bool = True, standardize: bool = False) -> float:
    """2-norm condition number ``σ_max / σ_min`` of the design ``[1, X]`` (or ``X``), in float64.

    Args:
        X: (n, d) or (n,) features.
        fit_intercept: include the column of ones.
        standardize: first centre each column of ``X`` (when ``fit_intercept``) and scale every
            column of the design to unit length: the conditioning that centring and scaling buy.

    Returns:
        The condition number (``inf`` for exactly dependent columns).

    Example:
        >>> round(condition_number([[1.0], [2.0], [3.0]]), 3)   # [1, x]
        6.793
        >>> round(condition_number([[1.0], [2.0], [3.0]], standardize=True), 3)
        1.0
    """
    X = _checks.real_tensor("X", X, torch.float64)
    X = X.reshape(-1, 1) if X.dim() == 1 else X
    _checks.finite("X", X)
    if standardize:
        X = X - X.mean(0) if fit_intercept else X
    A = design(X, fit_intercept)
    if standardize:
        A = A / torch.linalg.vector_norm(A, dim=0)
    sv = torch.linalg.svdvals(A)
    return math.inf if not sv[-1] > 0 else float(sv[0] / sv[-1])


def polynomial_features(x: Any, degree: int) -> torch.Tensor:
    """The columns ``x, x², ..., x^K`` of a polynomial model of degree ``K``.

    Each power is computed in double-double arithmetic and rounded once, so it is correctly
    rounded; ``x**k`` in torch can be one ulp off, which costs NIST's Filip problem 0.1 digit.

    Args:
        x: (n,) or (n, 1) values of one predictor.
        degree: the degree ``K >= 1``.

    Returns:
        (n, K) float64 tensor (float32 if ``x`` is a float32 tensor).

    Example:
        >>> polynomial_features([1.0, 2.0, 3.0], 3).tolist()
        [[1.0, 1.0, 1.0], [2.0, 4.0, 8.0], [3.0, 9.0, 27.0]]
    """
    if isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:
        raise ValueError(f"degree must be a positive integer (got {degree!r}); use e.g. degree=2")
    dtype = x.dtype if isinstance(x, torch.Tensor) and x.dtype == torch.float32 else torch.float64
    x = _checks.vector("x", _checks.real_tensor("x", x, dtype))
    return powers(x, degree)  # (n, K), each power correctly rounded (torch.pow may miss an ulp)


def lre(estimate: Any, certified: Any, digits: int = 15) -> float:
    """Log relative error: the number of correct significant digits, NIST's accuracy grade.

    ``LRE_j = -log10(|e_j - c_j| / |c_j|)`` (``-log10 |e_j|`` where ``c_j = 0``), clipped to
    ``[0, digits]``; the minimum over the coefficients is returned.

    Args:
        estimate: (k,) computed coefficients. certified: (k,) reference values.
        digits: the number of digits the reference is certified to (NIST: 15).

    Returns:
        The smallest LRE over the coefficients (``digits`` when every one is exact).

    Example:
        >>> lre([1.0001, 2.0], [1.0, 2.0])
        4.0
    """
    e = _checks.real_tensor("estimate", estimate, torch.float64).reshape(-1)
    c = _checks.real_tensor("certified", certified, torch.float64).reshape(-1)
    if e.shape != c.shape:
        raise ValueError(
            f"estimate and certified must have the same length (got {e.numel()} and {c.numel()}); "
            f"put the intercept first in both, e.g. result.params"
        )
    err = torch.where(c != 0, (e - c).abs() / c.abs(), e.abs())
    per = torch.where(err > 0, -torch.log10(err), torch.full_like(err, float(digits)))
    per = torch.where(err.isnan(), torch.zeros_like(per), per).clamp(0.0, float(digits))
    return round(float(per.min()), 10)
