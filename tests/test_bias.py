"""Tests of d2l_linreg.bias: the constant feature is the bias; parameter groups spare the bias."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from d2l_linreg import (
    LinearRegressionScratch,
    linear_model,
    squared_loss,
    synthetic_data,
    train,
    weight_decay_groups,
    weight_decay_solution,
)
from d2l_linreg.bias import add_constant_feature, split_bias

TRUE_W, TRUE_B = [2.0, -3.4], 4.2


@pytest.fixture(scope="module")
def data() -> tuple[torch.Tensor, torch.Tensor]:
    return synthetic_data(TRUE_W, TRUE_B, 1000, seed=0)


def test_constant_feature_reproduces_x_w_plus_b() -> None:
    X = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    w, b = torch.tensor([[1.0], [-2.0], [0.5]]), torch.tensor([0.25])
    X_aug = add_constant_feature(X)
    assert X_aug.shape == (5, 4) and torch.equal(X_aug[:, -1], torch.ones(5))
    w_aug = torch.cat([w, b.reshape(1, 1)])
    assert torch.allclose(X_aug @ w_aug, X @ w + b)  # one summation order vs another: ~1e-7
    w2, b2 = split_bias(w_aug)
    assert torch.equal(w2, w) and torch.equal(b2, b)


@pytest.mark.parametrize("seed", range(3))
def test_closed_form_with_constant_feature_equals_separate_bias(seed: int) -> None:
    X, y = synthetic_data([1.0, -2.0, 0.5], 3.0, 200, noise=0.5, seed=seed)
    X, y = X.double(), y.double()
    w, b = split_bias(torch.linalg.lstsq(add_constant_feature(X), y).solution)
    # Separate bias: the equation ∂L/∂b = 0 gives b = ȳ - x̄ᵀw, and w solves the centred problem.
    Xc, yc = X - X.mean(dim=0), y - y.mean()
    w_sep = torch.linalg.lstsq(Xc, yc).solution
    b_sep = y.mean() - X.mean(dim=0) @ w_sep
    # float64 solves of two well-conditioned problems (cond < 10): agreement to ~1e-12.
    assert torch.allclose(w, w_sep, atol=1e-10) and torch.allclose(b, b_sep, atol=1e-10)
    assert weight_decay_solution(X, y, 0.0)[1].item() == pytest.approx(b.item(), abs=1e-10)


def test_sgd_with_constant_feature_follows_the_same_path(
    data: tuple[torch.Tensor, torch.Tensor],
) -> None:
    X, y = data
    scratch = LinearRegressionScratch(2, seed=0)
    augmented = nn.Linear(3, 1, bias=False)
    with torch.no_grad():
        augmented.weight.copy_(torch.cat([scratch.w, scratch.b.reshape(1, 1)]).T)  # same start
    h1 = train(
        scratch,
        squared_loss,
        torch.optim.SGD(scratch.params, lr=0.03),
        (X, y),
        num_epochs=2,
        seed=0,
    )
    h2 = train(
        augmented,
        squared_loss,
        torch.optim.SGD(augmented.parameters(), lr=0.03),
        (add_constant_feature(X), y),
        num_epochs=2,
        seed=0,
    )
    # The updates are identical in exact arithmetic; float32 sums X w + b in another order.
    assert h1.step_loss == pytest.approx(h2.step_loss, rel=1e-5, abs=1e-6)
    w, b = split_bias(augmented.weight.detach().T)
    assert torch.allclose(w, scratch.w.detach(), atol=1e-5) and torch.allclose(
        b, scratch.b.detach(), atol=1e-5
    )


def _full_batch_gd(
    X: torch.Tensor, y: torch.Tensor, weight_decay: float, groups: bool
) -> nn.Linear:
    net = linear_model(2, seed=0)
    params = weight_decay_groups(net, weight_decay) if groups else net.parameters()
    optimizer = torch.optim.SGD(params, lr=0.3, weight_decay=weight_decay)
    train(net, squared_loss, optimizer, (X, y), num_epochs=100, batch_size=len(X), seed=0)
    return net


@pytest.mark.parametrize("weight_decay", [1.0, 0.1])
def test_weight_decay_on_all_params_pulls_the_bias_towards_zero(
    data: tuple[torch.Tensor, torch.Tensor], weight_decay: float
) -> None:
    X, y = data
    net = _full_batch_gd(X, y, weight_decay, groups=False)
    w, b = weight_decay_solution(X, y, weight_decay, decay_bias=True)
    # Full-batch GD, contraction ≤ 1 - 0.3·1 per step for 100 steps: converged to float32 rounding.
    assert torch.allclose(net.weight.detach().T.double(), w, atol=1e-5)
    assert net.bias.item() == pytest.approx(b.item(), abs=1e-5)
    assert net.bias.item() < TRUE_B / (1 + weight_decay) * 1.05  # shrunk by about 1 / (1 + λ)
    r = net(X).detach() - y
    assert r.mean().item() == pytest.approx(-weight_decay * net.bias.item(), abs=1e-4)  # ∂/∂b = 0


@pytest.mark.parametrize("weight_decay", [1.0, 0.1])
def test_weight_decay_groups_leave_the_bias_unpenalized(
    data: tuple[torch.Tensor, torch.Tensor], weight_decay: float
) -> None:
    X, y = data
    net = _full_batch_gd(X, y, weight_decay, groups=True)
    w, b = weight_decay_solution(X, y, weight_decay, decay_bias=False)
    assert torch.allclose(net.weight.detach().T.double(), w, atol=1e-5)
    assert net.bias.item() == pytest.approx(b.item(), abs=1e-5)
    # The undecayed bias makes the residuals average to zero: b = ȳ - x̄ᵀw.
    r = net(X).detach() - y
    assert abs(r.mean().item()) < 1e-5
    assert net.bias.item() == pytest.approx(
        (y.mean() - X.mean(dim=0) @ net.weight.detach().T).item(), abs=1e-5
    )
    assert abs(net.bias.item() - TRUE_B) < 0.1  # only w is shrunk; x̄ ≈ 0 keeps b near b*


def test_weight_decay_solution_matches_sklearn_ridge(
    data: tuple[torch.Tensor, torch.Tensor],
) -> None:
    linear_model_mod = pytest.importorskip("sklearn.linear_model")
    X, y = data
    lam = 0.5
    # sklearn minimizes ‖y - Xw - b‖² + α‖w‖² with an unpenalized intercept; ours is that / (2n): α = nλ.
    ridge = linear_model_mod.Ridge(alpha=len(X) * lam).fit(
        X.double().numpy(), y.double().numpy().ravel()
    )
    w, b = weight_decay_solution(X, y, lam)
    assert w.reshape(-1).tolist() == pytest.approx(ridge.coef_.tolist(), abs=1e-9)
    assert b.item() == pytest.approx(float(ridge.intercept_), abs=1e-9)


def test_groups_follow_the_dimension_rule_for_both_model_styles() -> None:
    scratch = LinearRegressionScratch(3, seed=0)
    decay, no_decay = weight_decay_groups(scratch.params, 0.01)
    assert [p is scratch.w for p in decay["params"]] == [True]
    assert [p is scratch.b for p in no_decay["params"]] == [True]
    assert (decay["weight_decay"], no_decay["weight_decay"]) == (0.01, 0.0)
    mlp = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    decay, no_decay = weight_decay_groups(mlp, 0.1)
    assert [tuple(p.shape) for p in decay["params"]] == [(4, 3), (1, 4)]
    assert [tuple(p.shape) for p in no_decay["params"]] == [(4,), (1,)]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: add_constant_feature(torch.zeros(3)),
            ValueError,
            r"X must have shape \(n, d\) \(got shape \(3,\)\)",
        ),
        (
            lambda: split_bias(torch.zeros(1, 1)),
            ValueError,
            r"w_aug must hold at least one weight and the bias \(got 1",
        ),
        (
            lambda: weight_decay_groups(nn.Linear(2, 1), -1.0),
            ValueError,
            r"weight_decay must be a number >= 0 \(got -1.0\)",
        ),
        (
            lambda: weight_decay_solution(torch.zeros(4, 2), torch.zeros(3), 0.1),
            ValueError,
            r"X and y must have the same number of rows",
        ),
    ],
)
def test_bad_input_is_rejected(call: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]
