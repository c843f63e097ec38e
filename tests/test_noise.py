"""Tests of d2l_linreg.noise: the minibatch-gradient spread falls as 1/√|B|, as the formula says."""

from __future__ import annotations

import itertools

import pytest
import torch

from d2l_linreg.data import synthetic_data
from d2l_linreg.models.gradients import minibatch_gradients
from d2l_linreg.noise import gradient_noise

SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256]
N = 2**16  # |B| ≤ 256 ≪ n: the finite-population factor (n - |B|) / (n - 1) is ≥ 0.996


@pytest.fixture(scope="module")
def data() -> tuple[torch.Tensor, torch.Tensor]:
    return synthetic_data([2.0, -3.4], 4.2, N, seed=0)


@pytest.mark.parametrize("seed", range(3))
def test_spread_falls_as_one_over_sqrt_batch_size(
    data: tuple[torch.Tensor, torch.Tensor], seed: int
) -> None:
    table = gradient_noise(*data, batch_sizes=SIZES, num_draws=200, seed=seed)
    # Each RMS comes from 200 draws: its log has a standard error of about 0.03-0.06, so the
    # slope over nine doublings has one of about 0.01; 0.05 is a 5-sigma band around -1/2.
    assert table.slope() == pytest.approx(-0.5, abs=0.05)
    # Point by point, the measured RMS matches the formula within 20% (3-4 standard errors;
    # |B| = 1 has the heaviest tails, since single-example gradients are products of Gaussians).
    for B, measured, predicted in zip(
        SIZES, table.rel_error, table.predicted_rel_error, strict=True
    ):
        assert measured == pytest.approx(predicted, rel=0.2), B


def test_bigger_batches_point_closer_to_the_full_gradient() -> None:
    n = 4096  # small, so that the full batch (|B| = n) is cheap to draw 50 times
    table = gradient_noise(
        *synthetic_data([2.0, -3.4], 4.2, n, seed=1),
        batch_sizes=[1, 4, 16, 64, 256, n],
        num_draws=50,
        seed=0,
    )
    assert table.cosine == sorted(table.cosine)
    assert table.cosine[0] < 0.8 and table.cosine[-2] > 0.99
    # The full batch is the full gradient: only float32 summation order differs.
    assert table.rel_error[-1] < 1e-5 and table.predicted_rel_error[-1] == 0.0
    assert all(t > 0 for t in table.seconds_per_update)


def test_predicted_spread_is_the_exact_mean_over_all_subsets() -> None:
    # n = 8, |B| = 3: enumerate all 56 minibatches and average ‖g_B - g‖² exactly; this checks the
    # formula E‖g_B - g‖² = tr Σ / |B| · (n - |B|) / (n - 1), including its finite-population factor.
    X, y = synthetic_data([1.0, -2.0], 0.5, 8, noise=1.0, seed=3)
    w, b = torch.zeros(2, 1), torch.zeros(1)
    g = torch.cat([t.reshape(-1) for t in minibatch_gradients(X, y, w, b)]).double()
    sq = []
    for idx in itertools.combinations(range(8), 3):
        g_B = torch.cat(
            [t.reshape(-1) for t in minibatch_gradients(X[list(idx)], y[list(idx)], w, b)]
        ).double()
        sq.append(float(((g_B - g) ** 2).sum()))
    exact = (sum(sq) / len(sq)) ** 0.5 / float(g.norm())
    table = gradient_noise(X, y, batch_sizes=[3], num_draws=2, seed=0)
    assert table.predicted_rel_error[0] == pytest.approx(exact, rel=1e-5)  # float32 data


def test_same_seed_same_table_except_timings(data: tuple[torch.Tensor, torch.Tensor]) -> None:
    a = gradient_noise(*data, batch_sizes=[4, 32], num_draws=20, seed=7)
    b = gradient_noise(*data, batch_sizes=[4, 32], num_draws=20, seed=7)
    c = gradient_noise(*data, batch_sizes=[4, 32], num_draws=20, seed=8)
    assert (a.rel_error, a.cosine) == (b.rel_error, b.cosine)
    assert a.rel_error != c.rel_error


def test_table_prints_one_row_per_batch_size(data: tuple[torch.Tensor, torch.Tensor]) -> None:
    table = gradient_noise(*data, batch_sizes=[2, 64], num_draws=10, seed=0)
    lines = str(table).splitlines()
    assert lines[0].split() == ["|B|", "updates/epoch", "rel.", "error", "theory", "cosine"]
    assert lines[2].split()[:2] == ["64", str(N // 64)]
    assert lines[2].split()[2] == f"{table.rel_error[1]:.3f}"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"batch_sizes": [0]},
            ValueError,
            r"batch_sizes entries must be a positive integer \(got 0\)",
        ),
        ({"batch_sizes": [2.5]}, TypeError, r"batch_sizes entries must be a positive integer"),
        (
            {"batch_sizes": [101]},
            ValueError,
            r"batch_sizes entries must be at most n = 100 \(got 101\); drop",
        ),
        ({"batch_sizes": []}, ValueError, r"batch_sizes must not be empty"),
        (
            {"batch_sizes": [1], "num_draws": 1},
            ValueError,
            r"num_draws must be at least 2 \(got 1\)",
        ),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict, error: type, match: str) -> None:
    X, y = synthetic_data([1.0], 0.0, 100, seed=0)
    with pytest.raises(error, match=match):
        gradient_noise(X, y, **kwargs)


def test_zero_full_gradient_is_rejected() -> None:
    X = torch.tensor([[1.0], [2.0], [3.0]])
    y = 2 * X + 1
    with pytest.raises(
        ValueError, match=r"the full gradient is zero at \(w, b\); measure noise away"
    ):
        gradient_noise(X, y, torch.tensor([[2.0]]), torch.tensor([1.0]), batch_sizes=[1])
