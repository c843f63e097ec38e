"""Least squares in closed form: the textbook normal equation, and a solver you can trust.

``fit_least_squares`` minimizes ``½ |X w + b - y|²``. ``method="normal"`` is the formula of
the theory page, ``w = (XᵀX)⁻¹ Xᵀy``, kept to show how it fails; the default ``"auto"`` passes
NIST's Statistical Reference Datasets (at least 7 correct digits on every coefficient of all
seven shipped sets) and is about as fast as a Cholesky solve of the normal equations when the
problem allows it. How it works is in ``refine.py``; the textbook solvers are in ``plain.py``.
"""

from __future__ import annotations

import math
import os
from typing import Any

import torch

from d2l_linreg.errors import InputTypeError, InputValueError

from .. import _checks
from . import chunked
from .common import (
    IllConditionedWarning,
    LeastSquaresResult,
    RankDeficientError,
    design,
    design_matvec,
    svd_condition,
)
from .dd import powers
from .fast import fast_result
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
_SMALL = 2**16  # n·p² up to this (past the fast path): QR + refinement, a few ms at most


def _check_inputs(
    X: Any, y: Any, fit_intercept: Any, method: Any, dtype: Any
) -> tuple[torch.Tensor, torch.Tensor]:
    if method not in METHODS:
        raise InputValueError(
            f"method must be one of {METHODS} (got {method!r}); use e.g. method='auto'"
        )
    if dtype not in (torch.float32, torch.float64):
        raise InputValueError(
            f"dtype must be torch.float32 or torch.float64 (got {dtype!r}); "
            f"use e.g. dtype=torch.float64"
        )
    if not isinstance(fit_intercept, bool):
        raise InputTypeError(f"fit_intercept must be True or False (got {fit_intercept!r})")
    X, y = _checks.real_tensor("X", X, torch.float64), _checks.real_tensor("y", y, torch.float64)
    X, y = _checks.design_and_target(X, y)  # X (n, d), y (n, 1); equal lengths, finite
    if X.shape[1] == 0:
        raise InputValueError(
            "X must have at least one column (got shape (n, 0)); pass some features"
        )
    y = y.reshape(-1)  # (n, 1) -> (n,)
    top = torch.finfo(dtype).max
    for name, t in (("X", X), ("y", y)) if dtype == torch.float32 else ():
        big = float(t.abs().max())
        if big > top:
            raise InputValueError(
                f"{name} holds values up to {big:.3g}, beyond the range of {dtype} (largest "
                f"{top:.3g}): they would become infinite; use dtype=torch.float64 or rescale {name}"
            )
    p = X.shape[1] + int(fit_intercept)
    if X.shape[0] < p:
        raise InputValueError(
            f"X must have at least as many rows as parameters (got {X.shape[0]} rows for {p} "
            f"parameters: {X.shape[1]} weights{' + intercept' if fit_intercept else ''}); "
            f"add examples or drop features"
        )
    return X.to(dtype), y.to(dtype)


def fit_least_squares(
    X: Any,
    y: Any = None,
    *,
    fit_intercept: bool = True,
    method: str = "auto",
    dtype: torch.dtype = torch.float64,
    chunk_rows: int | None = None,
) -> LeastSquaresResult:
    r"""Minimize ``½ |X w + b - y|²`` in closed form, in memory or streaming over chunks of rows:

    $$\min_{\mathbf{w},\, b}\ \tfrac{1}{2} \lVert \mathbf{X}\mathbf{w} + b - \mathbf{y} \rVert^2.$$

    Methods: ``"normal"`` is the textbook ``(XᵀX)⁻¹ Xᵀy`` with an explicit inverse (teaching
    only: it squares the condition number); ``"cholesky"`` solves the same normal equations
    by Cholesky (fast, equally fragile); ``"qr"`` is one Householder QR of ``[1, X]``;
    ``"lstsq"`` (alias ``"svd"``) is LAPACK's SVD solver with its default cut-off and returns
    the minimum-norm solution when columns are dependent; ``"auto"`` (the default) uses a
    Cholesky solve with one refinement step when an error bound proves it accurate, otherwise
    QR of the centred, scaled design with iterative refinement in extended precision. It scales
    the columns by powers of two first, so values near overflow or underflow are fine.
    All arithmetic is in ``dtype``.

    Data larger than memory: pass the rows in chunks as ``X`` (with ``y=None``): a path to a
    ``.npy`` file holding the table ``[y, X]`` (the first column is the target, as for the
    CLI), a list of ``(X_block, y_block)`` pairs, a re-iterable of them, or a function that
    returns a fresh iterator of them (see ``closed_form.chunked``). Method ``"auto"`` only;
    memory stays bounded by the chunk size and d², and ``residuals`` is ``None``.

    Args:
        X: (n, d) or (n,) features; tensor, array or nested list of numbers; or chunks.
        y: (n,) or (n, 1) targets (``None`` with chunks).
        fit_intercept: fit ``b`` too (a column of ones); else ``b = 0``.
        method: one of ``METHODS``.
        dtype: ``torch.float64`` (default) or ``torch.float32``.
        chunk_rows: rows per chunk when reading a ``.npy`` file (default: from free memory).

    Returns:
        ``LeastSquaresResult`` with ``w`` (d,), ``b``, ``method``, ``condition_number`` (of the
        raw design ``[1, X]``) and ``residuals`` (n,) ``= y_hat - y``.

    Raises:
        ValueError: unknown method or dtype, non-numeric or non-finite values, mismatched
            lengths, fewer rows than parameters, coefficients that overflow ``dtype``, or
            (``"cholesky"``) a Cholesky breakdown, or (``"lstsq"``) a cut-off that would drop a
            direction only because the columns' scales differ.
        RankDeficientError: exactly dependent columns (not for ``"lstsq"``); ``.columns``.

    Warns:
        IllConditionedWarning: ``"normal"``/``"cholesky"`` when ``cond(XᵀX)`` exceeds
            ``eps^(-1/2)``, i.e. more than half of the digits may be lost; ``"auto"`` when
            iterative refinement does not converge (columns dependent to nearly working precision).

    Example:
        >>> X = [[1, 1], [1, 2], [2, 2], [2, 3]]   # y = 1·x0 + 2·x1 + 3
        >>> res = fit_least_squares(X, [6, 8, 9, 11])
        >>> [round(v, 6) for v in res.w.tolist()], round(res.b, 6), res.method
        ([1.0, 2.0], 3.0, 'cholesky+refine')
    """
    fast = fast_result(X, y, fit_intercept, method, dtype)
    if fast is not None:
        return fast
    if y is None or (isinstance(X, str | os.PathLike) and os.fspath(X).endswith(".npy")):
        if method != "auto":
            raise InputValueError(
                f"method must be 'auto' for data in chunks (got {method!r}); drop method="
            )
        return chunked.fit_chunked(X, y, fit_intercept=fit_intercept, dtype=dtype, rows=chunk_rows)
    X, y = _check_inputs(X, y, fit_intercept, method, dtype)
    fast = fast_result(
        X, y, fit_intercept, method, dtype
    )  # the same path whatever the input's form
    if fast is not None:
        return fast
    p = X.shape[1] + int(fit_intercept)
    used = "lstsq" if method == "svd" else method
    if used == "auto":
        sx, sy = _pow2_scales(X), _pow2_scales(y.unsqueeze(1))[0]
        if bool(((sx >= 2.0**-100) & (sx <= 2.0**100)).all()) and 2.0**-100 <= sy <= 2.0**100:
            sx, sy = torch.ones_like(sx), torch.ones_like(sy)  # nothing near over/underflow
            Xs, ys = X, y
        else:
            Xs, ys = X / sx, y / sy  # exact: powers of two; each column's max |x| in [1, 2)
        fast_t = cholesky_refine(Xs, ys, fit_intercept) if X.shape[0] * p * p > _SMALL else None
        used = "qr+refine" if fast_t is None else "cholesky+refine"
        x, residuals, factor = fast_t if fast_t is not None else qr_refine(Xs, ys, fit_intercept)
        s = torch.cat([sx.new_ones(1), sx]) if fit_intercept else sx
        cond = svd_condition(factor * s.double())
        x, residuals = _unscale(x * sy / s, "the coefficients"), residuals * sy
    else:
        x, cond = SOLVERS[used](X, y, fit_intercept)
        residuals = design_matvec(X, x, fit_intercept) - y
    w, b = (x[1:], float(x[0])) if fit_intercept else (x, 0.0)
    return LeastSquaresResult(w, b, used, cond, residuals)


def _pow2_scales(X: torch.Tensor) -> torch.Tensor:
    """Per column, the power of two at or above ``max |x|`` (1 for a column of zeros)."""
    top = torch.maximum(X.amax(0), -X.amin(0))  # max |x| without an (n, d) temporary
    return torch.where(top > 0, torch.exp2(torch.floor(torch.log2(top))), torch.ones_like(top))


def _unscale(x: torch.Tensor, what: str) -> torch.Tensor:
    if not bool(torch.isfinite(x).all()):
        raise InputValueError(
            f"{what} overflow {x.dtype} (got {x.tolist()}): the target is too large for the scale "
            f"of the features; rescale y or X (e.g. y / y.abs().max())"
        )
    return x


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
    fit_intercept = _checks.flag("fit_intercept", fit_intercept)
    standardize = _checks.flag("standardize", standardize)
    X = _checks.real_tensor("X", X, torch.float64)
    X = X.reshape(-1, 1) if X.dim() == 1 else X
    if X.dim() != 2 or X.numel() == 0:
        raise InputValueError(
            f"X must be an (n, d) table with at least one row and column (got shape "
            f"{tuple(X.shape)}); pass e.g. X of shape (100, 2)"
        )
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
    _checks.work_size("degree", degree, 2, limit=1000, cost="x^1000 overflows float64 for |x| > 2")
    dtype = x.dtype if isinstance(x, torch.Tensor) and x.dtype == torch.float32 else torch.float64
    x = _checks.finite("x", _checks.vector("x", _checks.real_tensor("x", x, dtype)))
    if x.numel() == 0:
        raise InputValueError(
            "x must hold at least one value (got none); pass e.g. x of shape (n,)"
        )
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
    digits = _checks.positive_int("digits", digits, 15, maximum=17)  # float64 holds ~16 digits
    e = _checks.real_tensor("estimate", estimate, torch.float64).reshape(-1)  # NaN: 0 digits
    c = _checks.finite("certified", _checks.real_tensor("certified", certified, torch.float64))
    c = c.reshape(-1)
    if e.shape != c.shape:
        raise InputValueError(
            f"estimate and certified must have the same length (got {e.numel()} and {c.numel()}); "
            f"put the intercept first in both, e.g. result.params"
        )
    err = torch.where(c != 0, (e - c).abs() / c.abs(), e.abs())
    per = torch.where(err > 0, -torch.log10(err), torch.full_like(err, float(digits)))
    per = torch.where(err.isnan(), torch.zeros_like(per), per).clamp(0.0, float(digits))
    return round(float(per.min()), 10)
