"""Residual diagnostics: numeric flags for curvature, fan-out and group shifts.

Residuals are ``r = y_hat - y``; ``z`` is the standardized feature (or the fitted values).
:func:`diagnose` compares three statistics with ``1 - alpha`` quantiles of small-sample references,
so on an adequate model each flag is raised at most a fraction ``alpha`` of the time from n = 10 on.

* **curvature** — fit ``r ≈ c0 + c1 z + c2 z²``; the Wald statistic ``W = (c2 / se(c2))²`` with a
  robust (White, HC0) standard error, so a fan does not pass for a curve. Satterthwaite's
  approximation (``se²`` is a weighted sum of squared residuals ``e = M ε``) gives
  ``W · tr(DM) / Σ d_i ~ F(1, ν)``, ``ν = tr(DM)² / tr((DM)²)``; it tends to chi-square(1).
* **heteroscedasticity** — regress the squared residuals of that quadratic fit on ``[1, z, z²]``:
  ``n R²`` (Koenker's studentized Breusch–Pagan) against chi-square(2), conservative at small n.
* **group shift** — the one-way ANOVA ``F`` of ``r`` by group against ``F(k - 1, n - k)``;
  exactly zero residuals give ``F = 0`` (no flag), not ``0 / 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from d2l_linreg import _checks, _stats
from d2l_linreg._stats import chi2_quantile
from d2l_linreg.errors import InputValueError

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


def _lstsq(Z: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    coef = torch.linalg.lstsq(Z, v.unsqueeze(-1)).solution  # (..., n, p) \ (..., n, 1)
    return coef.squeeze(-1), v - (Z @ coef).squeeze(-1)


def _design(z: torch.Tensor) -> torch.Tensor:
    """``[1, z, z²]`` of the standardized ``z``: (..., n) -> (..., n, 3)."""
    z = (z - z.mean(-1, keepdim=True)) / z.std(-1, keepdim=True)
    return torch.stack([torch.ones_like(z), z, z**2], dim=-1)


def _curvature_statistics(Z: torch.Tensor, r: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Batched over leading dims: ``W``, its Satterthwaite scale and ``ν``, and the residuals ``e``.

    ``c2 = w·r`` with ``w`` the last row of ``(ZᵀZ)⁻¹Zᵀ``; ``se² = Σ d_i e_i²`` with ``d = w²``.
    Under the null ``e = M ε`` (``M = I - H``), so ``E se² = σ² tr(DM)`` and
    ``Var se² = 2σ⁴ tr((DM)²)``, while ``Var c2 = σ² Σ d_i``.
    """
    coef, e = _lstsq(Z, r)
    bread = torch.linalg.inv(Z.mT @ Z)  # (ZᵀZ)⁻¹, (..., 3, 3)
    d = (bread @ Z.mT)[..., 2, :] ** 2  # (..., n)
    var_c2 = (d * e**2).sum(-1)
    stat = torch.where(var_c2 > 0, coef[..., 2] ** 2 / var_c2, torch.zeros_like(var_c2))
    h = ((Z @ bread) * Z).sum(-1)  # leverages, (..., n)
    A = Z.mT @ (Z * d.unsqueeze(-1))  # ZᵀDZ, (..., 3, 3)
    AB = A @ bread
    tr_dm = (d * (1 - h)).sum(-1)
    tr_dm2 = (d**2 * (1 - 2 * h)).sum(-1) + (AB * AB.mT).sum((-2, -1))
    return stat, tr_dm / d.sum(-1), tr_dm**2 / tr_dm2, e


def _heteroscedasticity_statistic(Z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
    """Batched ``n R²`` of ``e² ~ 1 + z + z²`` (0 when ``e²`` is constant)."""
    u = e**2
    _, resid = _lstsq(Z, u)
    tss = ((u - u.mean(-1, keepdim=True)) ** 2).sum(-1)
    r2 = 1 - (resid**2).sum(-1) / torch.where(tss > 0, tss, torch.ones_like(tss))
    return torch.where(tss > 0, u.shape[-1] * r2, torch.zeros_like(tss))


def _anova_f(r: torch.Tensor, groups: torch.Tensor, k: int) -> torch.Tensor:
    """Batched one-way ANOVA ``F``; 0 when all residuals are equal (0/0), inf for 0 within."""
    n = r.shape[-1]
    onehot = torch.nn.functional.one_hot(groups, k).to(r.dtype)  # (..., n, k)
    counts = onehot.sum(-2)
    means = (onehot * r.unsqueeze(-1)).sum(-2) / counts  # (..., k)
    between = (counts * (means - r.mean(-1, keepdim=True)) ** 2).sum(-1) / (k - 1)
    within = ((r - (onehot @ means.unsqueeze(-1)).squeeze(-1)) ** 2).sum(-1) / (n - k)
    ratio = between / torch.where(within > 0, within, torch.ones_like(within))
    return torch.where(within > 0, ratio, torch.where(between > 0, math.inf, 0.0))


def _curvature_flag(stat: float, scale: float, nu: float, alpha: float, against: str) -> Flag:
    threshold = _stats.f_quantile(1 - alpha, 1.0, nu) / scale
    text = (
        f"robust Wald statistic of the z² term in r ~ 1 + z + z² (z = {against}); "
        f"reference F(1, {nu:.1f}) / {scale:.3f}"
    )
    p_value = _stats.f_sf(stat * scale, 1.0, nu)
    return Flag("curvature", stat > threshold, stat, threshold, p_value, text)


def _hetero_flag(stat: float, alpha: float, against: str) -> Flag:
    threshold = chi2_quantile(1 - alpha, 2)
    text = f"n R² of e² ~ 1 + z + z² after removing the quadratic trend (z = {against})"
    p_value = _stats.chi2_sf(stat, 2)
    return Flag("heteroscedasticity", stat > threshold, stat, threshold, p_value, text)


def _group_flag(r: torch.Tensor, groups: torch.Tensor | None, alpha: float) -> Flag:
    name = "group_shift"
    if groups is None:
        return Flag(name, False, math.nan, math.nan, math.nan, "not tested: pass groups=...")
    k, n = int(groups.max()) + 1, len(r)
    stat = float(_anova_f(r, groups, k))
    threshold = _stats.f_quantile(1 - alpha, k - 1, n - k)
    text = f"one-way ANOVA F of the residuals across {k} groups; reference F({k - 1}, {n - k})"
    return Flag(name, stat > threshold, stat, threshold, _stats.f_sf(stat, k - 1, n - k), text)


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
        alpha: level of each test: the chance of a false flag on an adequate model, at most
            ``alpha`` from 10 examples on (measured by :func:`false_alarm_rates`).

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
        curvature           yes    ...
        heteroscedasticity  no     ...     13.82  ...
        group_shift         no           nan       nan  nan
    """
    y_hat = _checks.float_vector("y_hat", y_hat)
    r = y_hat - _checks.float_vector("y", y, len(y_hat))
    if len(r) < 10:
        raise InputValueError(f"diagnose needs at least 10 examples (got {len(r)}); pass more data")
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise InputValueError(
            f"alpha must be a float in (0, 1) (got {alpha!r}); use e.g. alpha=0.001"
        )
    against = "fitted values" if feature is None else "feature"
    z = y_hat if feature is None else _checks.float_vector("feature", feature, len(r))
    if float(z.std()) <= 1e-12 * max(1.0, float(z.abs().max())):
        name = "y_hat" if feature is None else "feature"
        raise InputValueError(
            f"{name} is constant, so residuals cannot be tested against it; pass feature=X[:, j]"
        )
    Z = _design(z)  # (n, 3)
    stat, scale, nu, e = _curvature_statistics(Z, r)
    curvature = _curvature_flag(float(stat), float(scale), float(nu), alpha, against)
    hetero = _hetero_flag(float(_heteroscedasticity_statistic(Z, e)), alpha, against)
    g = None if groups is None else _checks.group_labels(groups, len(r))
    return Diagnosis(curvature, hetero, _group_flag(r, g, alpha), alpha, against)


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
        raise InputValueError(f"kind must be one of {CASES} (got {kind!r}); use e.g. kind='curved'")
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


def false_alarm_rates(
    num_examples: int, num_problems: int = 2000, *, alpha: float = 0.01, seed: int = 0
) -> dict[str, float]:
    """The fraction of adequate models on which each flag of :func:`diagnose` is raised.

    Each problem is ``residual_case("adequate")`` (``x ~ U(0, 4)``, ``y = 1 + 2 x + ε``) with
    three balanced random groups, fitted by a straight line; the statistics are computed for all
    problems at once with the functions :func:`diagnose` uses, and a flag counts when its
    p-value is below ``alpha``. :func:`diagnose` promises rates at most ``alpha``.

    Example:
        >>> rates = false_alarm_rates(12, 2000, alpha=0.01, seed=0)
        >>> sorted(rates), max(rates.values()) <= 0.015
        (['curvature', 'group_shift', 'heteroscedasticity'], True)
    """
    n = _checks.positive_int("num_examples", num_examples, 12)
    if n < 10:
        raise InputValueError(f"num_examples must be at least 10 (got {n}); use num_examples=12")
    b = _checks.positive_int("num_problems", num_problems, 2000)
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise InputValueError(f"alpha must be a float in (0, 1) (got {alpha!r}); use alpha=0.01")
    if n * b > 10**7:  # a few (b, n, 3) float64 tensors: a few hundred MB at most
        raise InputValueError(f"num_examples * num_problems must be <= 1e7 (got {n} * {b})")
    gen = _checks.seed_generator(seed)
    x = 4 * torch.rand(b, n, generator=gen, dtype=torch.float64)
    y = 1 + 2 * x + torch.randn(b, n, generator=gen, dtype=torch.float64)
    groups = torch.argsort(torch.rand(b, n, generator=gen), dim=-1) % 3  # 3 balanced groups
    line = torch.stack([torch.ones_like(x), x], dim=-1)  # (b, n, 2)
    r = -_lstsq(line, y)[1]  # y_hat - y
    Z = _design(x)
    stat, scale, nu, e = _curvature_statistics(Z, r)
    hetero = _heteroscedasticity_statistic(Z, e)
    anova = _anova_f(r, groups, 3)
    scaled = (stat * scale).tolist()
    p_values = {
        "curvature": [_stats.f_sf(w, 1.0, v) for w, v in zip(scaled, nu.tolist(), strict=True)],
        "heteroscedasticity": [_stats.chi2_sf(v, 2) for v in hetero.tolist()],
        "group_shift": [_stats.f_sf(v, 2, n - 3) for v in anova.tolist()],
    }
    return {name: sum(p < alpha for p in ps) / b for name, ps in p_values.items()}
