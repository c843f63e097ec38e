"""fit_least_squares and its helpers: oracles (scikit-learn, pinv, mpmath), shapes, errors."""

import math

import mpmath
import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression

from d2l_linreg.closed_form import (
    METHODS,
    IllConditionedWarning,
    RankDeficientError,
    condition_number,
    fit_least_squares,
    lre,
    polynomial_features,
)
from d2l_linreg.closed_form.blocked import blocked_fit
from d2l_linreg.closed_form.refine import cholesky_refine


def problem(n, d, seed, offset=2.0, noise=0.1):
    """A well-conditioned regression problem with known parameters (float64)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=torch.float64) + offset
    w = torch.randn(d, generator=g, dtype=torch.float64)
    y = X @ w + 0.5 + noise * torch.randn(n, generator=g, dtype=torch.float64)
    return X, y


def sklearn_fit(X, y, fit_intercept=True):
    model = LinearRegression(fit_intercept=fit_intercept).fit(X.numpy(), y.numpy())
    return torch.from_numpy(model.coef_), float(model.intercept_)


def rel(a, b):
    return float((a - b).norm() / b.norm())


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_sklearn_on_well_conditioned_problems(method, seed):
    X, y = problem(200, 5, seed)
    res = fit_least_squares(X, y, method=method)
    w, b = sklearn_fit(X, y)
    # cond([1, X]) ≈ 20 here, so any backward-stable float64 method agrees to ~1e-14.
    assert rel(res.w, w) < 1e-10 and abs(res.b - b) < 1e-10 * abs(b)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fast_path_on_large_problems_agrees_with_sklearn(seed, fit_intercept):
    X, y = problem(20_000, 20, seed)  # n·p² = 8.8e6 > _SMALL: auto tries Cholesky first
    res = fit_least_squares(X, y, fit_intercept=fit_intercept)
    w, b = sklearn_fit(X, y, fit_intercept)
    assert res.method == "cholesky+refine"
    assert rel(res.w, w) < 1e-10  # same reason as above: cond ≈ 20
    assert abs(res.b - b) < 1e-10 * max(1.0, abs(b))


def offset_problem(n, d, seed, dtype=torch.float64):
    """Columns with offsets and scales from 1 to 1e3 (what the pages and the benchmark fit)."""
    g = torch.Generator().manual_seed(seed)
    scale = torch.logspace(0, 3, d, dtype=torch.float64)
    X = torch.randn(n, d, generator=g, dtype=torch.float64) * scale + 10 * torch.arange(d)
    y = X @ (torch.randn(d, generator=g, dtype=torch.float64) / scale) + 0.5
    y = y + 0.1 * torch.randn(n, generator=g, dtype=torch.float64)
    return X.to(dtype), y.to(dtype)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_blocked_path_on_large_problems_agrees_with_qr(monkeypatch, fit_intercept, dtype):
    # n·p² = 1.9e7 > 2²⁴: the row-block path (blocked.py), in several blocks
    X, y = offset_problem(60_000, 17, 3, dtype)
    exact = fit_least_squares(X.double(), y.double(), fit_intercept=fit_intercept, method="qr")
    if dtype == torch.float64:  # float32 with offsets: its bound declines (eps κ² ρ > eps^⅔)
        assert blocked_fit(X, y, fit_intercept) is not None  # the path below is this one

        def refuse(*args, **kwargs):
            raise AssertionError("the default left the row-block path")

        monkeypatch.setattr(torch.linalg, "lstsq", refuse)
        monkeypatch.setattr(torch, "geqrf", refuse)
    threads = torch.get_num_threads()
    res = fit_least_squares(X, y, fit_intercept=fit_intercept, dtype=dtype)
    assert torch.get_num_threads() == threads  # restored
    assert res.w.dtype == dtype
    # float32: eps 6e-8 and cond(centred, scaled) ≈ 1, so ~6 digits; float64: 12 at least
    assert lre(res.params.double(), exact.params) >= (12 if dtype == torch.float64 else 5)
    assert res.condition_number == pytest.approx(exact.condition_number, rel=1e-3)
    fitted = X.double() @ res.w.double() + res.b
    atol = 1e-9 if dtype == torch.float64 else 1e-3  # float32: eps |A x| with |A x| ~ 1e3
    assert torch.allclose(res.residuals.double(), fitted - y.double(), atol=atol, rtol=0)


def test_blocked_path_declines_a_shift_far_from_the_mean_and_the_answer_stays_exact():
    # sorted rows: the first block's means are far from the column means, so centring by
    # subtraction would lose digits; the path declines and the general path answers
    X, y = offset_problem(60_000, 17, 5)
    order = X[:, 0].argsort()  # the first block holds column 0's smallest values
    X, y = X[order], y[order]
    assert blocked_fit(X, y, True) is None
    res = fit_least_squares(X, y)
    assert lre(res.params, fit_least_squares(X, y, method="qr").params) >= 12


def test_blocked_path_leaves_nan_to_the_checks():
    X, y = offset_problem(60_000, 17, 4)
    X[123, 5] = float("nan")
    assert blocked_fit(X, y, True) is None
    with pytest.raises(ValueError, match="NaN"):
        fit_least_squares(X, y)


def test_fast_path_declines_an_ill_conditioned_problem_and_qr_is_exact():
    # A degree-7 polynomial on [0, 0.6]: cond ≈ 6e4 even after centring and scaling, so a Cholesky
    # of XᵀX would keep only ~6 digits. Integer coefficients on a dyadic grid: y is nearly exact.
    x = torch.arange(20_000, dtype=torch.float64) / 2**15
    X = polynomial_features(x, 7)
    coef = torch.arange(1.0, 9.0, dtype=torch.float64)
    y = coef[0] + X @ coef[1:]
    assert cholesky_refine(X, y, True) is None
    res = fit_least_squares(X, y)
    assert res.method == "qr+refine"
    assert lre(res.params, coef) >= 10  # measured 12.5 (y = A·coef is rounded in float64)


def test_accepts_lists_numpy_1d_x_and_column_y():
    X, y = problem(50, 1, 3)
    ref = fit_least_squares(X, y)
    for Xi, yi in [
        (X.reshape(-1), y.reshape(-1, 1)),
        (X.numpy(), y.numpy()),
        (X.tolist(), y.tolist()),
    ]:
        res = fit_least_squares(Xi, yi)
        assert torch.allclose(res.w, ref.w, rtol=0, atol=0) and res.b == ref.b


def test_result_fields():
    X, y = problem(30, 3, 4)
    res = fit_least_squares(X, y)
    assert res.w.shape == (3,) and res.w.dtype == torch.float64 and isinstance(res.b, float)
    # r = y_hat - y, the sign the gradient formulas use; 1e-12: two roundings of O(10) numbers
    assert torch.allclose(res.residuals, X @ res.w + res.b - y, rtol=0, atol=1e-12)
    assert res.params.tolist() == [res.b, *res.w.tolist()]
    assert res.condition_number == pytest.approx(condition_number(X), rel=1e-10)
    no_b = fit_least_squares(X, y, fit_intercept=False)
    assert no_b.b == 0.0 and no_b.condition_number == pytest.approx(
        condition_number(X, fit_intercept=False), rel=1e-10
    )
    with pytest.raises(AttributeError):
        res.b = 1.0  # frozen
    assert not fit_least_squares(X.requires_grad_(), y).w.requires_grad


def test_float32_is_respected_and_close():
    X, y = problem(500, 4, 5)
    ref = fit_least_squares(X, y)
    for method in ("auto", "normal", "qr"):
        res = fit_least_squares(X, y, method=method, dtype=torch.float32)
        assert res.w.dtype == torch.float32 and res.residuals.dtype == torch.float32
        assert rel(res.w.double(), ref.w) < 1e-4  # float32 eps 1.2e-7 times cond² ≈ 400


def test_normal_equation_warns_on_a_vandermonde_matrix():
    X = polynomial_features(torch.linspace(1, 2, 50, dtype=torch.float64), 5)
    y = X.sum(1)
    with pytest.warns(IllConditionedWarning, match=r"cond\(X\^T X\) = .*use method='auto'"):
        fit_least_squares(X, y, method="normal")
    fit_least_squares(X, y)  # the default does not warn (warnings are errors here)


def test_no_warning_for_well_conditioned_normal_equation():
    X, y = problem(100, 3, 6)
    res = fit_least_squares(X, y, method="normal")
    # sqrt(cond(XᵀX)) from eigenvalues loses ~cond² eps relative: 1e-10 is ample at cond ≈ 20.
    assert res.condition_number == pytest.approx(condition_number(X), rel=1e-10)


@pytest.mark.parametrize("method", ["auto", "normal", "cholesky", "qr"])
def test_exact_collinearity_names_the_columns(method):
    X, y = problem(40, 4, 7)
    X[:, 2] = X[:, 0] - 3 * X[:, 3]
    with pytest.raises(RankDeficientError, match="columns 0, 2 and 3 of X are linearly dependent"):
        fit_least_squares(X, y, method=method)


def test_rank_deficiency_on_the_large_path():
    X, y = problem(20_000, 20, 8)
    X[:, 5] = 2 * X[:, 1] + 1  # dependent up to the intercept
    with pytest.raises(RankDeficientError, match="columns 1 and 5 of X") as info:
        fit_least_squares(X, y)
    assert info.value.columns == (1, 5) and isinstance(info.value, ValueError)


def test_constant_column_duplicates_the_intercept():
    X, y = problem(30, 3, 9)
    X[:, 1] = 0.1
    with pytest.raises(RankDeficientError, match="column 1 of X is constant, so it duplicates"):
        fit_least_squares(X, y)
    fit_least_squares(X, y, fit_intercept=False)  # then it *is* the intercept: fine
    X[:, 1] = 0.0
    with pytest.raises(RankDeficientError, match="column 1 of X is all zeros"):
        fit_least_squares(X, y, fit_intercept=False)


def test_lstsq_returns_the_minimum_norm_solution_when_rank_deficient():
    X, y = problem(40, 3, 10)
    X = torch.cat([X, X[:, :1]], 1)  # column 3 duplicates column 0
    res = fit_least_squares(X, y, method="lstsq")
    A = torch.cat([torch.ones(40, 1, dtype=X.dtype), X], 1)
    expected = torch.linalg.pinv(A) @ y
    assert rel(res.params, expected) < 1e-10  # pinv is the definition of the min-norm solution
    assert res.w[0] == pytest.approx(float(res.w[3]), rel=1e-10)
    assert res.condition_number > 1e14


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "match"),
    [
        ([[1.0], [2.0]], [1.0, 2.0, 3.0], {}, r"same number of rows \(got 2 and 3\)"),
        ([[1.0, 2.0]], [1.0], {}, r"at least as many rows as parameters \(got 1 rows for 3"),
        ([[1.0], [math.nan], [3.0]], [1, 2, 3], {}, r"X must contain only finite .*got 1 NaN"),
        ([[1.0], [2.0], [3.0]], [1, math.inf, 3], {}, r"y must contain only finite"),
        ([[1.0], [2.0]], [1.0, 2.0], {"method": "inverse"}, r"method must be one of .*'inverse'"),
        ([[1.0], [2.0]], [1, 2], {"dtype": torch.int64}, r"dtype must be torch.float32 or"),
        (torch.zeros(2, 2, 2), [1.0, 2.0], {}, r"X must have shape \(n, d\)"),
        ([[1.0], [2.0]], [[1, 2], [3, 4]], {}, r"y must have shape \(n, 1\) or \(n,\)"),
    ],
)
def test_bad_input_messages(X, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fit_least_squares(X, y, **kwargs)


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ([["a"], ["b"]], r"X must be a tensor, array or sequence of numbers"),
        ("abc", r"X must be a tensor, array or sequence of numbers \(got 'abc'"),
    ],
)
def test_text_is_a_type_error(X, match):  # the same mistake raises TypeError everywhere
    with pytest.raises(TypeError, match=match):
        fit_least_squares(X, [1.0, 2.0])


def test_fit_intercept_must_be_bool():
    with pytest.raises(TypeError, match=r"fit_intercept must be True or False \(got 'yes'\)"):
        fit_least_squares([[1.0], [2.0]], [1.0, 2.0], fit_intercept="yes")


def test_polynomial_features_are_correctly_rounded():
    x = torch.linspace(-9, -3, 101, dtype=torch.float64)
    P = polynomial_features(x.reshape(-1, 1), 10)
    mpmath.mp.dps = 40
    exact = [[float(mpmath.mpf(v) ** k) for k in range(1, 11)] for v in x.tolist()]
    assert P.tolist() == exact  # every power rounded once, exactly as 40-digit arithmetic rounds


def test_polynomial_features_errors():
    with pytest.raises(ValueError, match=r"degree must be a positive integer \(got 0\)"):
        polynomial_features([1.0, 2.0], 0)
    with pytest.raises(ValueError, match=r"x must have shape \(n,\) or \(n, 1\)"):
        polynomial_features([[1.0, 2.0]], 2)
    assert polynomial_features(torch.tensor([2.0]), 2).dtype == torch.float32


def test_lre():
    assert lre([1.0, 2.0], [1.0, 2.0]) == 15
    assert lre([1.0, 2.0], [1.0, 2.0], digits=10) == 10
    assert lre([1.0001, 2.0], [1.0, 2.0]) == pytest.approx(4.0)
    assert lre([1e-6], [0.0]) == pytest.approx(6.0)  # certified 0: absolute error
    assert lre([5.0], [1.0]) == 0.0 and lre([math.nan], [1.0]) == 0.0
    with pytest.raises(ValueError, match=r"same length \(got 2 and 3\)"):
        lre([1.0, 2.0], [1.0, 2.0, 3.0])


def test_condition_number_standardize():
    X = np.array([[1000.0, 1.0], [1001.0, 3.0], [1002.0, 2.0], [1003.0, 5.0]])
    raw, std = condition_number(X), condition_number(X, standardize=True)
    assert raw > 1e6 and std < 10  # centring removes the near-copy of the column of ones
    expected = np.linalg.cond(np.c_[np.ones(4), X])
    assert raw == pytest.approx(expected, rel=1e-10)  # two SVDs of a cond-5e3 matrix


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    X, y = problem(20_000, 20, 11)
    cpu = fit_least_squares(X, y)
    for method in METHODS:
        gpu = fit_least_squares(X.cuda(), y.cuda(), method=method)
        assert gpu.w.is_cuda and rel(gpu.w.cpu(), cpu.w) < 1e-10  # cond ≈ 20


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_default_never_calls_torch_lstsq(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the default routed through torch.linalg.lstsq")

    monkeypatch.setattr(torch.linalg, "lstsq", refuse)
    X, y = problem(200_000, 64, 12)
    res = fit_least_squares(X.cuda(), y.cuda())
    assert res.w.is_cuda and res.method in ("cholesky+refine", "qr+refine")


@pytest.mark.parametrize("n, d", [(2, 1), (100, 2), (1000, 2), (3000, 5), (20_000, 40)])
def test_default_never_calls_torch_lstsq_and_fast_path_agrees_with_qr(monkeypatch, n, d):
    # Columns with offsets and scales from 1 to 1e3: what the pages fit. The fast path must
    # agree with QR + extended-precision refinement (the exact path) to >= 12 digits.
    g = torch.Generator().manual_seed(n + d)
    scale = torch.logspace(0, 3, d, dtype=torch.float64)
    X = torch.randn(n, d, generator=g, dtype=torch.float64) * scale + 10 * torch.arange(d)
    y = X @ (torch.randn(d, generator=g, dtype=torch.float64) / scale) + 0.5
    y = y + 0.1 * torch.randn(n, generator=g, dtype=torch.float64)
    exact = fit_least_squares(X, y, method="qr")

    def refuse(*args, **kwargs):
        raise AssertionError("the default routed through torch.linalg.lstsq")

    monkeypatch.setattr(torch.linalg, "lstsq", refuse)
    res = fit_least_squares(X, y)
    assert res.method == "cholesky+refine"
    assert lre(res.params, exact.params) >= 12
    assert res.condition_number == pytest.approx(exact.condition_number, rel=1e-8)
    assert torch.allclose(res.residuals, X @ res.w + res.b - y, atol=1e-12, rtol=0)


def test_fast_path_declines_what_it_cannot_prove():
    # a constant column, a near-copy of another column, and NaN all leave the fast path
    x = torch.linspace(0, 1, 50, dtype=torch.float64)
    with pytest.raises(RankDeficientError):
        fit_least_squares(torch.stack([x, torch.ones(50, dtype=torch.float64)], 1), x)
    near = torch.stack([x, x + 1e-5 * torch.sin(40 * x)], 1)
    res = fit_least_squares(near, x + 0.1 * torch.cos(9 * x))
    assert res.method == "qr+refine"  # cond ~1e5 after scaling: κ² is past the fast path's bound
    with pytest.raises(ValueError, match="NaN"):
        fit_least_squares(torch.stack([x, x.flip(0)], 1), x.clone().fill_(float("nan")))


@pytest.mark.parametrize("exponent", [154, 157, 160])
def test_columns_near_overflow_are_not_called_dependent(exponent):
    # issue 12: the Gram matrix of such columns overflows; the solver must scale first.
    g = torch.Generator().manual_seed(exponent)
    X = torch.rand(40, 3, generator=g, dtype=torch.float64) + torch.tensor([0.0, 1.0, 2.0])
    y = X @ torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64) + 3
    y = y + 0.01 * torch.randn(40, generator=g, dtype=torch.float64)
    big = fit_least_squares(X * 10.0**exponent, y)
    small = fit_least_squares(X * 10.0 ** (exponent - 150), y)
    assert (
        lre(big.params * torch.tensor([1.0, *[10.0**150] * 3], dtype=torch.float64), small.params)
        >= 10
    )
    assert lre(big.w * 10.0**exponent, fit_least_squares(X, y).w) >= 10


def test_tiny_values_give_the_scaled_answer():
    X, y = problem(30, 2, 5)
    tiny = fit_least_squares(X * 1e-200, y * 1e-200)
    ref = fit_least_squares(X, y)
    assert lre(tiny.w, ref.w) >= 12 and lre([tiny.b * 1e200], [ref.b]) >= 12
    assert torch.allclose(tiny.residuals * 1e200, ref.residuals, rtol=0, atol=1e-12)


def test_cli_default_method_handles_tiny_values(tmp_path, capsys):
    from d2l_linreg.cli import main

    path = tmp_path / "tiny.csv"
    path.write_text("y,x\n1e-200,1e-200\n3.1e-200,2e-200\n4.9e-200,3e-200\n7e-200,4e-200\n")
    assert main(["solve", str(path), "--json"]) == 0
    assert '"w"' in capsys.readouterr().out


def test_lstsq_refuses_to_drop_the_intercept_of_features_1e14_larger():
    g = torch.Generator().manual_seed(0)
    X = 1e14 * (1 + torch.rand(100, 2, generator=g, dtype=torch.float64))
    y = X @ torch.tensor([1e-14, 2e-14], dtype=torch.float64) + 5
    with pytest.raises(ValueError, match=r"scales differ by 1.5e\+14.*method=.auto."):
        fit_least_squares(X, y, method="lstsq")
    assert fit_least_squares(X, y).b == pytest.approx(5, rel=1e-6)


def test_float32_overflow_of_finite_values_is_reported():
    X = torch.tensor([[1e39], [2e39], [3e39]], dtype=torch.float64)
    with pytest.raises(
        ValueError, match=r"X holds values up to 3e\+39, beyond the range of torch.float32"
    ):
        fit_least_squares(X, [1.0, 2.0, 4.0], dtype=torch.float32)


def test_coefficients_that_overflow_are_reported():
    X = torch.tensor([[1e-300], [2e-300], [4e-300]], dtype=torch.float64)
    with pytest.raises(ValueError, match="coefficients overflow"):
        fit_least_squares(X, [1e300, 2e300, 3e300])
