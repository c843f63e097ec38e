"""Tail probabilities and quantiles of the chi-square and F distributions, without SciPy.

The package depends on torch, numpy and matplotlib only, so the references of the residual
diagnostics are computed here: the chi-square CDF is ``torch.special.gammainc``; the F
distribution's is the regularized incomplete beta function ``I_x(a, b)``, evaluated by its
continued fraction (modified Lentz, as in Numerical Recipes §6.4) in plain Python floats.
``tests/test_diagnostics.py`` compares every function with SciPy.
"""

from __future__ import annotations

import functools
import math

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError

_TINY = 1e-300
_EPS = 1e-16


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    # The fraction converges in O(sqrt(max(a, b))) terms; the cap covers df up to ~1e9.
    for m in range(1, 200_000):
        m2 = 2 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + aa / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``, ``0 <= x <= 1``.

    Example:
        >>> round(betainc(2.0, 3.0, 0.4), 6)  # SciPy: betainc(2, 3, 0.4) = 0.5248
        0.5248
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use the symmetry
    # I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def f_sf(x: float, df1: float, df2: float) -> float:
    """``P(F > x)`` for ``F ~ F(df1, df2)``; tiny tail probabilities keep their digits.

    Example:
        >>> round(f_sf(4.256, 2, 9), 4)  # the 95 % quantile of F(2, 9) is 4.2565
        0.05
    """
    if math.isnan(x):
        return math.nan
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    return betainc(df2 / 2, df1 / 2, df2 / (df2 + df1 * x))


@functools.lru_cache(maxsize=256)
def f_quantile(p: float, df1: float, df2: float) -> float:
    """The ``p`` quantile of ``F(df1, df2)``, by bisection on :func:`f_sf` to 1e-13 relative.

    Example:
        >>> round(f_quantile(0.99, 1, 10), 4), round(f_quantile(0.999, 2, 9), 3)
        (10.0443, 16.387)
    """
    if not 0.0 < p < 1.0:
        raise InputValueError(f"p must be in (0, 1) (got {p!r}); use e.g. p=0.99")
    tail = 1.0 - p
    lo, hi = 0.0, 1.0
    while f_sf(hi, df1, df2) > tail:
        lo, hi = hi, 2.0 * hi
    while hi - lo > 1e-13 * hi:
        mid = (lo + hi) / 2
        if f_sf(mid, df1, df2) > tail:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def chi2_sf(x: float, df: float) -> float:
    """``P(X > x)`` for ``X ~ chi-square(df)``, computed directly so that tiny values keep digits.

    Example:
        >>> round(chi2_sf(3.841458820694124, 1), 6)
        0.05
    """
    a, v = torch.tensor([df / 2, max(x, 0.0) / 2], dtype=torch.float64)
    return float(torch.special.gammaincc(a, v))


@functools.lru_cache(maxsize=64)
def chi2_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of the chi-square distribution with ``df`` degrees of freedom.

    Found by bisection on the CDF ``gammainc(df / 2, x / 2)``.

    Example:
        >>> round(chi2_quantile(0.95, 1), 3), round(chi2_quantile(0.999, 2), 3)
        (3.841, 13.816)
    """
    p = _checks.finite_float("p", p, 0.99)
    if not 0 < p < 1:
        raise InputValueError(f"p must be a probability in (0, 1) (got {p}); use e.g. p=0.99")
    df = _checks.positive_float("df", df, 2.0, maximum=1e12)
    lo, hi = 0.0, 10.0 * df + 100.0
    for _ in range(100):
        mid = (lo + hi) / 2
        a, v = torch.tensor([df / 2, mid / 2], dtype=torch.float64)
        if float(torch.special.gammainc(a, v)) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
