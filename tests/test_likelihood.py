"""Tests of d2l_linreg.likelihood: the Gaussian MLE is least squares, and σ²_MLE = mean r²."""

from __future__ import annotations

import math

import pytest
import torch

from d2l_linreg import fit_gaussian_mle, gaussian_nll, sigma2_mle, synthetic_data


def _lstsq(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    A = torch.cat([X, torch.ones(len(X), 1)], dim=1).double()  # (n, d + 1)
    theta = torch.linalg.lstsq(A, y.double()).solution
    return theta[:-1], theta[-1]


def test_nll_is_the_normal_log_density() -> None:
    g = torch.Generator().manual_seed(0)
    y_hat, y = (
        torch.randn(7, 1, generator=g, dtype=torch.float64),
        torch.randn(7, generator=g, dtype=torch.float64),
    )
    log_sigma = torch.tensor([-0.3], dtype=torch.float64)
    expected = -torch.distributions.Normal(y_hat, log_sigma.exp()).log_prob(y.reshape(7, 1))
    assert torch.allclose(gaussian_nll(y_hat, y, log_sigma), expected, rtol=1e-12)


def test_nll_with_fixed_sigma_is_scaled_squared_loss_plus_a_constant() -> None:
    y_hat, y = torch.tensor([[0.0], [1.0], [3.0]]), torch.tensor([[1.0], [1.0], [1.0]])
    sigma = 2.0
    nll = gaussian_nll(y_hat, y, torch.tensor([math.log(sigma)]))
    half_squared = (y_hat - y) ** 2 / 2
    constant = 0.5 * math.log(2 * math.pi * sigma**2)
    assert torch.allclose(nll, half_squared / sigma**2 + constant)


@pytest.mark.parametrize("seed", range(3))
def test_gradient_descent_on_the_nll_lands_on_least_squares(seed: int) -> None:
    X, y = synthetic_data([2.0, -3.4], 4.2, 500, noise=0.5, seed=seed)
    fit = fit_gaussian_mle(X, y)
    w, b = _lstsq(X, y)
    # 500 float64 steps at lr = 0.1 contract the error by ≥ (1 - 0.1·0.7/0.25)^500 < 1e-60.
    assert torch.allclose(fit.w, w, atol=1e-10) and torch.allclose(fit.b, b, atol=1e-10)
    r = X.double() @ w + b - y.double()
    assert fit.sigma**2 == pytest.approx(float((r**2).mean()), rel=1e-10)
    assert fit.sigma**2 == pytest.approx(sigma2_mle(X.double() @ fit.w + fit.b, y), rel=1e-10)
    # The MLE divides by n; the unbiased estimate by n - (d + 1): their ratio is (n - 3) / n.
    unbiased = float((r**2).sum()) / (len(y) - 3)
    assert fit.sigma**2 / unbiased == pytest.approx((len(y) - 3) / len(y), rel=1e-10)


def test_mean_squared_residual_minimizes_the_nll_over_sigma() -> None:
    X, y = synthetic_data([1.0], 0.0, 200, noise=0.3, seed=0)
    w, b = _lstsq(X, y)
    y_hat = X.double() @ w + b
    s2 = sigma2_mle(y_hat, y)

    def mean_nll(var: float) -> float:
        return float(
            gaussian_nll(
                y_hat, y.double(), torch.tensor([0.5 * math.log(var)], dtype=torch.float64)
            ).mean()
        )

    assert mean_nll(s2) < min(mean_nll(s2 * 1.01), mean_nll(s2 * 0.99))
    assert mean_nll(s2) == pytest.approx(0.5 * math.log(2 * math.pi * s2) + 0.5, rel=1e-12)


def test_small_noise_with_a_large_step_fails_loudly_not_silently() -> None:
    # σ = 0.05: the curvature in w reaches ~1/σ² = 400, so lr = 0.1 cannot settle (needs < 0.005).
    X, y = synthetic_data([2.0, -3.4], 4.2, 1000, noise=0.05, seed=0)
    with pytest.raises(
        ValueError,
        match=r"did not converge in 500 steps with lr=0.1 \(largest gradient .* > tol=1e-06\)",
    ):
        fit_gaussian_mle(X, y)


def test_sigma_path_starts_at_the_rms_target_and_shrinks_to_the_fit() -> None:
    X, y = synthetic_data([2.0, -3.4], 4.2, 500, noise=0.5, seed=0)
    fit = fit_gaussian_mle(X, y)
    assert len(fit.sigma_path) == 500
    assert fit.sigma_path[0] == pytest.approx(float((y.double() ** 2).mean().sqrt()), rel=1e-12)
    assert fit.sigma_path[-1] == pytest.approx(fit.sigma, rel=1e-9)
    assert fit.nll == pytest.approx(0.5 * math.log(2 * math.pi * fit.sigma**2) + 0.5, rel=1e-10)


def test_too_large_a_step_is_reported() -> None:
    X, y = synthetic_data([2.0, -3.4], 4.2, 100, noise=0.5, seed=0)
    with pytest.raises(
        ValueError, match=r"gradient descent diverged with lr=50.0; use a smaller lr, e.g. lr=5.0"
    ):
        fit_gaussian_mle(X, y, lr=50.0, num_steps=50)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: sigma2_mle(torch.zeros(3), torch.zeros(2)),
            ValueError,
            r"y must have one entry per prediction \(got 2, expected 3\)",
        ),
        (
            lambda: sigma2_mle(torch.tensor([math.nan]), torch.zeros(1)),
            ValueError,
            r"y_hat must contain only finite numbers",
        ),
        (
            lambda: gaussian_nll(torch.zeros(3, 1), torch.zeros(2), torch.zeros(1)),
            ValueError,
            r"y must have one target per prediction \(got 2 targets for 3",
        ),
        (
            lambda: fit_gaussian_mle(torch.zeros(3, 1), torch.zeros(3), lr=0.0),
            ValueError,
            r"lr must be a positive number \(got 0.0\)",
        ),
        (
            lambda: fit_gaussian_mle(torch.zeros(3, 1), torch.zeros(3), num_steps=0),
            ValueError,
            r"num_steps must be a positive integer \(got 0\)",
        ),
    ],
)
def test_bad_input_is_rejected(call: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]
