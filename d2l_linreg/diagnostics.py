"""Residual diagnostics: numeric flags for curvature, fan-out and group shifts.

Residuals are ``r = y_hat - y`` (statistics texts often write ``y - y_hat``; the flags do not care).
Let ``z`` be the standardized feature (or the fitted values when no feature is given).
:func:`diagnose` computes three test statistics, each compared with a chi-square critical value
at level ``alpha``:

* **curvature** — fit ``r ≈ c0 + c1 z + c2 z²`` by least squares; the statistic is the Wald
  statistic ``(c2 / se(c2))²`` with a heteroscedasticity-robust (White, HC0) standard error, so a
  fan does not pass for a curve. Threshold: the ``1 - alpha`` quantile of chi-square(1).
* **heteroscedasticity** — take the residuals ``e`` of that quadratic fit (any curve removed), and
  regress ``e²`` on ``[1, z, z²]``; the statistic is ``n R²`` (Koenker's studentized
  Breusch–Pagan test). Threshold: the ``1 - alpha`` quantile of chi-square(2).
* **group shift** — the one-way ANOVA ``F`` of ``r`` by group (between-group mean square over
  within-group mean square). Threshold: ``chi2_{k-1}(1 - alpha) / (k - 1)``, the large-sample
  critical value of ``F(k - 1, n - k)``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import torch

from d2l_linreg import _checks

CASES = ("adequate", "curved", "fanning", "shifted")


@dataclass(frozen=True)
class Flag:
    """One diagnostic: ``flagged`` is ``statistic > threshold``; ``bool(flag)`` is ``flagged``."""

    name: str
    flagged: bool
    statistic: float
    threshold: float
    p_value: float
    description: str

    def __bool__(self) -> bool:
        return self.flagged


@dataclass(frozen=True)
class Diagnosis:
    """The three flags of :func:`diagnose`, the level ``alpha`` and what ``z`` was."""

    curvature: Flag
    heteroscedasticity: Flag
    group_shift: Flag
    alpha: float
    against: str

    @property
    def flags(self) -> tuple[Flag, Flag, Flag]:
        return (self.curvature, self.heteroscedasticity, self.group_shift)

    @property
    def flagged(self) -> tuple[str, ...]:
        """Names of the raised flags, e.g. ``('curvature',)``; ``()`` when the model looks adequate."""
        return tuple(f.name for f in self.flags if f.flagged)

    def __str__(self) -> str:
        lines = [f"{'flag':<19} {'raised':<6} {'statistic':>9} {'threshold':>9}  p-value"]
        for f in self.flags:
            lines.append(
                f"{f.name:<19} {'yes' if f.flagged else 'no':<6} {f.statistic:>9.2f} "
                f"{f.threshold:>9.2f}  {f.p_value:.2g}"
            )
        return "\n".join(lines)


def residuals(y_hat: Any, y: Any) -> torch.Tensor:
    """The residuals ``r = y_hat - y`` as a float64 vector of shape (n,).

    Example:
        >>> residuals(torch.tensor([[1.0], [2.0]]), torch.tensor([0.5, 2.5]))
        tensor([ 0.5000, -0.5000], dtype=torch.float64)
    """
    y_hat = _checks.float_vector("y_hat", y_hat)
    return y_hat - _checks.float_vector("y", y, len(y_hat))


@functools.lru_cache(maxsize=64)
def chi2_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of the chi-square distribution with ``df`` degrees of freedom.

    Found by bisection on the CDF ``gammainc(df / 2, x / 2)``.

    Example:
        >>> round(chi2_quantile(0.95, 1), 3), round(chi2_quantile(0.999, 2), 3)
        (3.841, 13.816)
    """
    lo, hi = 0.0, 10.0 * df + 100.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _chi2_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _chi2_cdf(x: float, df: int) -> float:
    a, v = torch.tensor([df / 2, x / 2], dtype=torch.float64)
    return float(torch.special.gammainc(a, v))


def _chi2_sf(x: float, df: int) -> float:
    """``1 - cdf``, computed directly so that tiny p-values keep their digits."""
    a, v = torch.tensor([df / 2, x / 2], dtype=torch.float64)
    return float(torch.special.gammaincc(a, v))


def _lstsq(Z: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    coef = torch.linalg.lstsq(Z, v.reshape(-1, 1)).solution  # (n, p) \ (n, 1) -> (p, 1)
    return coef.reshape(-1), v - (Z @ coef).reshape(-1)


def _flag(name: str, stat: float, df: int, alpha: float, scale: float, text: str) -> Flag:
    threshold = chi2_quantile(1 - alpha, df) / scale
    p_value = _chi2_sf(stat * scale, df)
    return Flag(name, stat > threshold, stat, threshold, p_value, text)


def _curvature(
    Z: torch.Tensor, r: torch.Tensor, alpha: float, against: str
) -> tuple[Flag, torch.Tensor]:
    coef, e = _lstsq(Z, r)
    bread = torch.linalg.solve(Z.T @ Z, torch.eye(3, dtype=Z.dtype))  # (ZᵀZ)⁻¹, (3, 3)
    meat = Z.T @ (Z * e[:, None] ** 2)  # Σ e_i² z_i z_iᵀ, (3, 3)
    var_c2 = (bread @ meat @ bread)[2, 2]
    stat = float(coef[2] ** 2 / var_c2) if var_c2 > 0 else 0.0
    text = f"robust Wald statistic of the z² term in r ~ 1 + z + z² (z = {against})"
    return _flag("curvature", stat, 1, alpha, 1.0, text), e


def _heteroscedasticity(Z: torch.Tensor, e: torch.Tensor, alpha: float, against: str) -> Flag:
    u = e**2
    _, resid = _lstsq(Z, u)
    tss = float(((u - u.mean()) ** 2).sum())
    stat = len(u) * (1 - float((resid**2).sum()) / tss) if tss > 0 else 0.0
    text = f"n R² of e² ~ 1 + z + z² after removing the quadratic trend (z = {against})"
    return _flag("heteroscedasticity", stat, 2, alpha, 1.0, text)


def _group_shift(r: torch.Tensor, groups: torch.Tensor | None, alpha: float) -> Flag:
    name = "group_shift"
    if groups is None:
        return Flag(name, False, math.nan, math.nan, math.nan, "not tested: pass groups=...")
    k, n = int(groups.max()) + 1, len(r)
    counts = torch.bincount(groups, minlength=k).double()
    means = torch.zeros(k, dtype=r.dtype).index_add_(0, groups, r) / counts
    between = float((counts * (means - r.mean()) ** 2).sum()) / (k - 1)
    within = float(((r - means[groups]) ** 2).sum()) / (n - k)
    stat = between / within if within > 0 else math.inf
    text = f"one-way ANOVA F of the residuals across {k} groups"
    return _flag(name, stat, k - 1, alpha, float(k - 1), text)


def diagnose(
    y_hat: Any, y: Any, *, feature: Any = None, groups: Any = None, alpha: float = 0.001
) -> Diagnosis:
    """Flag curvature, heteroscedasticity and group shifts in the residuals ``r = y_hat - y``.

    Args:
        y_hat: predictions, shape (n,) or (n, 1), float32 or float64.
        y: targets, same length.
        feature: optional feature, shape (n,) or (n, 1); curvature and fan-out are tested against
            it (default: against the fitted values ``y_hat``).
        groups: optional integer labels, shape (n,); at least 2 groups of at least 2 examples.
        alpha: level of each test (the chance of a false flag on an adequate model).

    Returns:
        A :class:`Diagnosis` whose ``curvature``, ``heteroscedasticity`` and ``group_shift``
        are :class:`Flag` s (statistic, threshold, p-value). Without ``groups`` the group flag is
        not tested (statistic NaN, never raised).

    Raises:
        TypeError: non-float predictions or non-integer groups.
        ValueError: shapes or lengths that differ, NaN or infinite values, fewer than 10
            examples, a constant ``z``, a group with fewer than 2 examples, ``alpha`` not in (0, 1).

    Example:
        >>> x = torch.linspace(-2, 2, 101, dtype=torch.float64)
        >>> y = x**2 + 0.1 * torch.sin(7 * x)       # a curve the straight line y_hat = 1.36 misses
        >>> d = diagnose(torch.full_like(x, 1.36), y, feature=x)
        >>> d.flagged
        ('curvature',)
        >>> print(d)
        flag                raised statistic threshold  p-value
        curvature           yes    ... 10.83  ...
        heteroscedasticity  no     ...     13.82  ...
        group_shift         no           nan       nan  nan
    """
    y_hat = _checks.float_vector("y_hat", y_hat)
    r = y_hat - _checks.float_vector("y", y, len(y_hat))
    if len(r) < 10:
        raise ValueError(f"diagnose needs at least 10 examples (got {len(r)}); pass more data")
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise ValueError(f"alpha must be a float in (0, 1) (got {alpha!r}); use e.g. alpha=0.001")
    against = "fitted values" if feature is None else "feature"
    z = y_hat if feature is None else _checks.float_vector("feature", feature, len(r))
    if float(z.std()) <= 1e-12 * max(1.0, float(z.abs().max())):
        name = "y_hat" if feature is None else "feature"
        raise ValueError(
            f"{name} is constant, so residuals cannot be tested against it; pass feature=X[:, j]"
        )
    z = (z - z.mean()) / z.std()
    Z = torch.stack([torch.ones_like(z), z, z**2], dim=1)  # (n, 3)
    curvature, e = _curvature(Z, r, alpha, against)
    hetero = _heteroscedasticity(Z, e, alpha, against)
    g = None if groups is None else _checks.group_labels(groups, len(r))
    return Diagnosis(curvature, hetero, _group_shift(r, g, alpha), alpha, against)


def residual_case(
    kind: str, num_examples: int = 400, *, seed: int | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A synthetic problem whose straight-line fit shows one kind of residual structure.

    ``x ~ U(0, 4)`` and three random groups; ``y = 1 + 2 x + extra + noise`` where ``kind`` is
    ``"adequate"`` (noise sd 1), ``"curved"`` (``+ 0.6 (x - 2)²``), ``"fanning"`` (noise sd
    ``0.1 + 0.6 x``) or ``"shifted"`` (``+ (-1, 0, 1)`` by group).

    Returns:
        ``(X, y, groups)``: float32 (n, 1) and (n, 1), and int64 labels (n,).

    Example:
        >>> X, y, groups = residual_case("shifted", 6, seed=0)
        >>> X.shape, y.shape, groups.dtype
        (torch.Size([6, 1]), torch.Size([6, 1]), torch.int64)
    """
    if kind not in CASES:
        raise ValueError(f"kind must be one of {CASES} (got {kind!r}); use e.g. kind='curved'")
    _checks.positive_int("num_examples", num_examples, 400)
    gen = _checks.seed_generator(seed)
    x = 4 * torch.rand(num_examples, 1, generator=gen)  # (n, 1)
    groups = torch.randint(0, 3, (num_examples,), generator=gen)
    eps = torch.randn(num_examples, 1, generator=gen)
    y = 1 + 2 * x + eps
    if kind == "curved":
        y = y + 0.6 * (x - 2) ** 2
    elif kind == "fanning":
        y = 1 + 2 * x + (0.1 + 0.6 * x) * eps
    elif kind == "shifted":
        y = y + torch.tensor([-1.0, 0.0, 1.0])[groups].reshape(-1, 1)
    return x, y, groups
