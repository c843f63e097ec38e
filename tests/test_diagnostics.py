"""Tests of d2l_linreg.diagnostics: each synthetic case raises exactly its flag; oracles; errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from d2l_linreg import _stats
from d2l_linreg.diagnostics import (
    CASES,
    Diagnosis,
    chi2_quantile,
    diagnose,
    false_alarm_rates,
    residual_case,
    residuals,
)

SEEDS = range(10)
EXPECTED = {
    "adequate": (),
    "curved": ("curvature",),
    "fanning": ("heteroscedasticity",),
    "shifted": ("group_shift",),
}


def _fit_line(X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Least-squares straight line y ≈ a + b x (float64), the model the pages fit."""
    A = torch.cat([torch.ones_like(X), X], dim=1).double()  # (n, 2)
    return A @ torch.linalg.lstsq(A, y.double()).solution  # (n, 1)


def _case(kind: str, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    X, y, groups = residual_case(kind, seed=seed)
    return _fit_line(X, y), y, X, groups


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("seed", SEEDS)
def test_each_case_raises_exactly_its_flag(kind: str, seed: int) -> None:
    y_hat, y, X, groups = _case(kind, seed)
    against_feature = diagnose(y_hat, y, feature=X, groups=groups)
    against_fitted = diagnose(y_hat, y, groups=groups)
    assert against_feature.flagged == EXPECTED[kind], against_feature
    assert against_fitted.flagged == EXPECTED[kind], against_fitted


def test_flags_carry_statistic_threshold_and_p_value() -> None:
    y_hat, y, X, groups = _case("curved", 0)
    d = diagnose(y_hat, y, feature=X, groups=groups)
    assert isinstance(d, Diagnosis) and d.against == "feature"
    for flag in d.flags:
        assert bool(flag) == flag.flagged == (flag.statistic > flag.threshold)
        assert (flag.p_value < d.alpha) == flag.flagged
        assert flag.description
    # Small-sample references: above the asymptotic chi-square values, close to them at n = 400.
    assert chi2_quantile(0.999, 1) < d.curvature.threshold < 1.1 * chi2_quantile(0.999, 1)
    assert d.heteroscedasticity.threshold == pytest.approx(chi2_quantile(0.999, 2))
    assert d.group_shift.threshold == pytest.approx(_stats.f_quantile(0.999, 2, 397))
    assert chi2_quantile(0.999, 2) / 2 < d.group_shift.threshold
    text = str(d)
    assert text.splitlines()[1].startswith("curvature           yes")
    assert f"{d.curvature.statistic:.2f}" in text


def test_without_groups_the_group_flag_is_not_tested() -> None:
    y_hat, y, X, _ = _case("shifted", 0)
    flag = diagnose(y_hat, y, feature=X).group_shift
    assert not flag and math.isnan(flag.statistic) and "not tested" in flag.description


def test_float32_float64_and_column_or_flat_shapes_agree() -> None:
    y_hat, y, X, groups = _case("fanning", 3)
    d64 = diagnose(y_hat, y, feature=X, groups=groups)
    d32 = diagnose(y_hat.float().reshape(-1), y.reshape(-1), feature=X.reshape(-1), groups=groups)
    for a, b in zip(d64.flags, d32.flags, strict=True):
        assert a.flagged == b.flagged
        # float32 inputs carry ~1e-7 relative rounding; the statistics are smooth in the data.
        assert a.statistic == pytest.approx(b.statistic, rel=1e-4)


def test_alpha_controls_the_threshold() -> None:
    y_hat, y, X, groups = _case("adequate", 0)
    strict = diagnose(y_hat, y, feature=X, groups=groups, alpha=1e-6)
    loose = diagnose(y_hat, y, feature=X, groups=groups, alpha=0.5)
    assert strict.curvature.threshold > loose.curvature.threshold
    # alpha changes only the threshold (multithreaded BLAS may change the last bits of the fit).
    assert strict.curvature.statistic == pytest.approx(loose.curvature.statistic, rel=1e-12)
    assert loose.curvature.p_value < 0.5 and loose.curvature.flagged and not strict.curvature


def test_residuals_are_prediction_minus_target() -> None:
    r = residuals(torch.tensor([3.0, 1.0]), torch.tensor([[1.0], [2.0]]))
    assert r.tolist() == [2.0, -1.0] and r.dtype == torch.float64


# ---- oracles ---------------------------------------------------------------------------------


def test_chi2_quantile_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for p in (0.5, 0.95, 0.999, 0.9999):
        for df in (1, 2, 3, 7):
            # bisection runs to machine precision; 1e-9 leaves room for gammainc's rounding.
            assert chi2_quantile(p, df) == pytest.approx(stats.chi2.ppf(p, df), rel=1e-9)


def test_f_and_beta_functions_match_scipy() -> None:
    special = pytest.importorskip("scipy.special")
    stats = pytest.importorskip("scipy.stats")
    for a in (0.5, 1.0, 2.5, 7.0, 50.0, 1e3):
        for b in (0.5, 1.0, 3.0, 40.0, 1e4):
            for x in (1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999):
                expected = special.betainc(a, b, x)
                # lgamma of large arguments loses a few digits: 1e-10 relative, 1e-300 for 0.
                assert _stats.betainc(a, b, x) == pytest.approx(expected, rel=1e-10, abs=1e-300)
    for df1, df2 in [(1, 1), (1, 3.7), (2, 9), (1, 9.25), (5, 200), (1, 1e4)]:
        for p in (0.5, 0.9, 0.99, 0.999, 0.999999):
            q = stats.f.ppf(p, df1, df2)
            assert _stats.f_quantile(p, df1, df2) == pytest.approx(q, rel=1e-10)
            assert _stats.f_sf(q, df1, df2) == pytest.approx(1 - p, rel=1e-9)
    for x, df in [(0.5, 1), (3.84, 1), (40.0, 2), (200.0, 3)]:
        assert _stats.chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9)
    assert _stats.f_sf(0.0, 1, 5) == 1.0 and _stats.f_sf(math.inf, 1, 5) == 0.0
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\) \(got 1.0\)"):
        _stats.f_quantile(1.0, 1, 5)


def test_curvature_reference_is_satterthwaites_computed_independently() -> None:
    stats = pytest.importorskip("scipy.stats")
    y_hat, y, X, _groups = _case("adequate", 3)
    X, y_hat, y = X[:15], y_hat[:15], y[:15]  # small n: the reference differs from chi-square(1)
    Z = _numpy_design(X.reshape(-1).double().numpy())
    bread = np.linalg.inv(Z.T @ Z)
    D = np.diag((bread @ Z.T)[2] ** 2)
    M = np.eye(15) - Z @ bread @ Z.T
    lam = np.linalg.eigvals(D @ M).real  # se² = εᵀ M D M ε: a weighted sum of chi-square(1)
    nu, scale = lam.sum() ** 2 / (lam**2).sum(), lam.sum() / np.trace(D)
    flag = diagnose(y_hat, y, feature=X, alpha=0.01).curvature
    assert flag.threshold == pytest.approx(stats.f.ppf(0.99, 1, nu) / scale, rel=1e-9)
    assert flag.p_value == pytest.approx(stats.f.sf(flag.statistic * scale, 1, nu), rel=1e-9)
    assert f"F(1, {nu:.1f})" in flag.description


@pytest.mark.parametrize("n", [12, 50])
def test_false_alarm_rate_on_clean_data_is_at_most_alpha(n: int) -> None:
    # 2,000 adequate problems at alpha = 0.01: a calibrated flag has Binomial(2000, <= 0.01)
    # counts (mean <= 20, sd 4.4); 0.015 (30 flags) is 2.2 sd above. The asymptotic chi-square
    # thresholds gave 0.083 (curvature) and 0.033 (group shift) at n = 12 with this seed.
    rates = false_alarm_rates(n, 2000, alpha=0.01, seed=0)
    assert all(rate <= 0.015 for rate in rates.values()), rates
    assert rates["curvature"] > 0.002 and rates["group_shift"] > 0.002, rates  # not stuck at 0


def test_false_alarm_rates_use_diagnoses_statistics() -> None:
    # false_alarm_rates batches what diagnose computes: rebuild its first problems and compare.
    n, b = 12, 4
    gen = torch.Generator().manual_seed(5)
    x = 4 * torch.rand(b, n, generator=gen, dtype=torch.float64)
    y = 1 + 2 * x + torch.randn(b, n, generator=gen, dtype=torch.float64)
    groups = torch.argsort(torch.rand(b, n, generator=gen), dim=-1) % 3
    rates = false_alarm_rates(n, b, alpha=0.5, seed=5)
    raised = dict.fromkeys(rates, 0)
    for i in range(b):
        A = torch.stack([torch.ones(n, dtype=torch.float64), x[i]], dim=1)
        y_hat = A @ torch.linalg.lstsq(A, y[i : i + 1].T).solution
        for name in diagnose(y_hat, y[i], feature=x[i], groups=groups[i], alpha=0.5).flagged:
            raised[name] += 1
    assert rates == {name: count / b for name, count in raised.items()}


def test_zero_residuals_raise_no_flag() -> None:
    y_hat, _, X, groups = _case("shifted", 0)
    d = diagnose(y_hat, y_hat.clone(), feature=X, groups=groups)
    assert d.flagged == () and [f.statistic for f in d.flags] == [0.0, 0.0, 0.0]
    assert [f.p_value for f in d.flags] == [1.0, 1.0, 1.0]
    # Residuals that are constant within groups but differ between them: a perfect shift.
    shift = torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64)[groups]
    d = diagnose(y_hat, y_hat.reshape(-1) + shift, feature=X, groups=groups)
    assert d.group_shift.flagged and d.group_shift.statistic > 1e20  # inf up to rounding
    assert d.group_shift.p_value == 0.0


def test_group_shift_is_scipys_one_way_anova_f() -> None:
    stats = pytest.importorskip("scipy.stats")
    y_hat, y, _X, groups = _case("shifted", 1)
    r = (y_hat - y).reshape(-1).numpy()
    expected = stats.f_oneway(*[r[groups.numpy() == k] for k in range(3)]).statistic
    assert diagnose(y_hat, y, groups=groups).group_shift.statistic == pytest.approx(
        expected, rel=1e-9
    )


def _numpy_design(z: np.ndarray) -> np.ndarray:
    z = (z - z.mean()) / z.std(ddof=1)
    return np.column_stack([np.ones_like(z), z, z**2])


def test_curvature_is_the_robust_wald_statistic_computed_independently() -> None:
    y_hat, y, X, _groups = _case("curved", 2)
    r = (y_hat - y).reshape(-1).numpy()
    Z = _numpy_design(X.reshape(-1).double().numpy())
    coef, *_ = np.linalg.lstsq(Z, r, rcond=None)
    e = r - Z @ coef
    bread = np.linalg.inv(Z.T @ Z)
    meat = sum(np.outer(zi, zi) * ei**2 for zi, ei in zip(Z, e, strict=True))
    wald = coef[2] ** 2 / (bread @ meat @ bread)[2, 2]
    assert diagnose(y_hat, y, feature=X).curvature.statistic == pytest.approx(wald, rel=1e-8)


def test_heteroscedasticity_is_koenkers_n_r2_computed_independently() -> None:
    y_hat, y, _X, _groups = _case("fanning", 2)
    r = (y_hat - y).reshape(-1).numpy()
    Z = _numpy_design(y_hat.reshape(-1).numpy())
    e = r - Z @ np.linalg.lstsq(Z, r, rcond=None)[0]
    u = e**2
    fitted = Z @ np.linalg.lstsq(Z, u, rcond=None)[0]
    r2 = 1 - ((u - fitted) ** 2).sum() / ((u - u.mean()) ** 2).sum()
    stat = diagnose(y_hat, y).heteroscedasticity.statistic
    assert stat == pytest.approx(len(u) * r2, rel=1e-8)


def test_false_flag_rate_on_adequate_models_is_near_alpha() -> None:
    # 200 adequate fits at alpha = 0.05: each flag's count is Binomial(200, ~0.05), mean 10, sd 3;
    # 0..25 covers it with ample margin and fails for a test that is far too liberal.
    counts = dict.fromkeys(("curvature", "heteroscedasticity", "group_shift"), 0)
    for seed in range(200):
        y_hat, y, X, groups = _case("adequate", 1000 + seed)
        for name in diagnose(y_hat, y, feature=X, groups=groups, alpha=0.05).flagged:
            counts[name] += 1
    assert all(c <= 25 for c in counts.values()), counts
    assert sum(counts.values()) >= 5, counts  # and the statistics are not stuck at 0


# ---- input errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"y": torch.zeros(19)},
            ValueError,
            r"y must have one entry per prediction \(got 19, expected 20\)",
        ),
        (
            {"y_hat": torch.zeros(20, 2)},
            ValueError,
            r"y_hat must have shape \(n,\) or \(n, 1\) \(got shape \(20, 2\)\)",
        ),
        (
            {"y_hat": torch.arange(20)},
            TypeError,
            r"y_hat must be a floating-point tensor \(got dtype torch.int64\); use y_hat.double\(\)",
        ),
        (
            {"y": torch.full((20,), math.nan)},
            ValueError,
            r"y must contain only finite numbers \(got 20 NaN",
        ),
        (
            {"groups": torch.zeros(20)},
            TypeError,
            r"groups must hold integer labels \(got dtype torch.float32\); use groups.long\(\)",
        ),
        (
            {"groups": torch.zeros(20, dtype=torch.int64)},
            ValueError,
            r"groups must hold at least 2 labels .* \{0: 20\}",
        ),
        (
            {"groups": torch.tensor([0] * 19 + [1])},
            ValueError,
            r"at least 2 examples each .*\{0: 19, 1: 1\}\); merge small groups",
        ),
        (
            {"groups": torch.zeros(19, dtype=torch.int64)},
            ValueError,
            r"groups must have shape \(n,\) with n = 20 \(got shape \(19,\)\)",
        ),
        (
            {"feature": torch.ones(20)},
            ValueError,
            r"feature is constant, .*; pass feature=X\[:, j\]",
        ),
        ({"y_hat": torch.ones(20)}, ValueError, r"y_hat is constant"),
        (
            {"alpha": 1.5},
            ValueError,
            r"alpha must be a float in \(0, 1\) \(got 1.5\); use e.g. alpha=0.001",
        ),
        ({"y_hat": "abc"}, TypeError, r"y_hat must be a tensor, array or sequence of numbers"),
    ],
)
def test_bad_input_is_rejected_with_a_remedy(kwargs: dict, error: type, match: str) -> None:
    args = {
        "y_hat": torch.linspace(0, 1, 20),
        "y": torch.rand(20, generator=torch.Generator().manual_seed(0)),
    }
    args.update({k: v for k, v in kwargs.items() if k in args})
    extra = {k: v for k, v in kwargs.items() if k not in args}
    with pytest.raises(error, match=match):
        diagnose(args["y_hat"], args["y"], **extra)


def test_too_few_examples_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"diagnose needs at least 10 examples \(got 5\)"):
        diagnose(torch.arange(5.0), torch.zeros(5))


def test_residual_case_is_seeded_and_checks_its_kind() -> None:
    a, b = residual_case("curved", 50, seed=4), residual_case("curved", 50, seed=4)
    assert all(torch.equal(s, t) for s, t in zip(a, b, strict=True))
    with pytest.raises(
        ValueError, match=r"kind must be one of .* \(got 'wavy'\); use e.g. kind='curved'"
    ):
        residual_case("wavy")
