"""Pitfalls in the data and the solver, each with a symptom that can be measured.

* tuning on the validation set until it leaks (:func:`leakage_problem`, :func:`subset_search`);
* the normal equation for large or collinear problems (:func:`normal_equation_cost`,
  :func:`sgd_epoch_cost`, :func:`gram_bytes`, :func:`collinear_features`).

Unscaled features are in :mod:`d2l_linreg.pitfalls.feature_scaling`; the bugs in the training
loop itself in :mod:`d2l_linreg.pitfalls.loop_bugs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError

Batch = tuple[torch.Tensor, torch.Tensor]

# --- Validation leakage -----------------------------------------------------------------------


@dataclass
class LeakageProblem:
    """Training, validation and (large) test parts of one problem; ``noise`` is sigma."""

    train: Batch
    val: Batch
    test: Batch
    noise: float

    @property
    def noise_floor(self) -> float:
        """``½ sigma²``: the expected loss of the true model on fresh data."""
        return self.noise**2 / 2


def leakage_problem(
    *,
    num_features: int = 30,
    num_train: int = 60,
    num_val: int = 20,
    num_test: int = 5000,
    noise: float = 1.0,
    seed: int = 0,
) -> LeakageProblem:
    """``y = x0 - 0.5 x1 + noise * eps`` with ``num_features`` standard-normal candidate features.

    Only the first two features matter; the others are noise a search can fit by chance. The
    test part is large, so its loss is close to the true expected loss. float64.

    Example:
        >>> p = leakage_problem(seed=0)
        >>> p.train[0].shape, p.val[0].shape, p.test[0].shape, p.noise_floor
        (torch.Size([60, 30]), torch.Size([20, 30]), torch.Size([5000, 30]), 0.5)
    """
    d = _checks.work_size("num_features", num_features, 30, limit=10**4, cost="a column each")
    sizes = [
        _checks.work_size(name, value, 20, limit=2**27 // d, cost="X of 1 GiB in float64")
        for name, value in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test))
    ]
    noise = _checks.non_negative_float("noise", noise, 1.0)
    if d < 2:
        raise InputValueError(
            f"num_features must be at least 2 (got {d}); use e.g. num_features=30"
        )
    gen = _checks.seed_generator(seed)
    X = torch.randn(sum(sizes), d, generator=gen, dtype=torch.float64)  # (n, d)
    w = torch.zeros(d, 1, dtype=torch.float64)
    w[:2, 0] = torch.tensor([1.0, -0.5])
    y = X @ w + noise * torch.randn(sum(sizes), 1, generator=gen, dtype=torch.float64)
    a, b = sizes[0], sizes[0] + sizes[1]
    return LeakageProblem((X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:]), noise)


@dataclass
class SubsetSearch:
    """Every configuration tried: its feature subset and its validation and test loss.

    ``test_loss`` is recorded only to show what the search would do to a fresh data set; a real
    search never looks at it.
    """

    subsets: torch.Tensor
    val_loss: torch.Tensor
    test_loss: torch.Tensor

    def best_after(self, k: int) -> tuple[int, float, float]:
        """``(index, val_loss, test_loss)`` of the configuration with the lowest validation
        loss among the first ``k`` tried."""
        _checks.positive_int("k", k, 100)
        i = int(self.val_loss[:k].argmin())
        return i, float(self.val_loss[i]), float(self.test_loss[i])


def _design(X: torch.Tensor) -> torch.Tensor:
    return torch.cat([X, torch.ones(*X.shape[:-1], 1, dtype=X.dtype)], dim=-1)  # [X, 1]


def subset_search(
    problem: LeakageProblem, num_configs: int = 1000, *, subset_size: int = 5, seed: int = 0
) -> SubsetSearch:
    """Try ``num_configs`` random feature subsets; fit each by least squares on the training part.

    Every configuration is a linear model with an intercept on ``subset_size`` features chosen at
    random. All fits run as one batched ``torch.linalg.lstsq``; losses are mean ½ squared errors.

    Example:
        >>> search = subset_search(leakage_problem(seed=0), 100)
        >>> search.subsets.shape, search.val_loss.shape
        (torch.Size([100, 5]), torch.Size([100]))
    """
    if not isinstance(problem, LeakageProblem):
        raise InputTypeError(
            f"problem must be a LeakageProblem (got {type(problem).__name__}); "
            f"pass problem=leakage_problem(seed=0)"
        )
    _checks.work_size("num_configs", num_configs, 1000, limit=10**6, cost="one fit each")
    d = problem.train[0].shape[1]
    _checks.positive_int("subset_size", subset_size, 5)
    if subset_size > d:
        raise InputValueError(
            f"subset_size must be at most the {d} features (got {subset_size}); "
            f"use e.g. subset_size=5"
        )
    gen = _checks.seed_generator(seed)
    subsets = torch.stack(
        [torch.randperm(d, generator=gen)[:subset_size] for _ in range(num_configs)]
    )  # (K, k)

    X_tr, y_tr = problem.train
    A_tr = _design(X_tr[:, subsets].permute(1, 0, 2))  # (n, K, k) -> (K, n, k + 1)
    theta = torch.linalg.lstsq(A_tr, y_tr.expand(num_configs, -1, -1)).solution  # (K, k + 1, 1)
    columns = torch.cat([subsets, torch.full((num_configs, 1), d)], dim=1)  # (K, k + 1); d = ones

    def loss(part: Batch) -> torch.Tensor:
        # ½ mean (A θ - y)² = ½ (θᵀ G θ - 2 θᵀ c + mean y²) with G = AᵀA / n, c = Aᵀy / n:
        # one (d + 1)² Gram matrix per part instead of a (K, n, k + 1) design per part.
        X, y = part
        A = _design(X)  # (n, d + 1)
        G, c = A.T @ A / len(X), A.T @ y / len(X)  # (d + 1, d + 1), (d + 1, 1)
        G_sub = G[columns[:, :, None], columns[:, None, :]]  # (K, k + 1, k + 1)
        quad = (theta.mT @ G_sub @ theta).reshape(-1)  # (K,)
        lin = (theta.mT @ c[columns]).reshape(-1)  # (K, 1, k + 1) @ (K, k + 1, 1) -> (K,)
        losses: torch.Tensor = (quad - 2 * lin + (y**2).mean()) / 2
        return losses

    return SubsetSearch(subsets, loss(problem.val), loss(problem.test))


# --- The normal equation at scale -------------------------------------------------------------


def normal_equation_cost(n: int, d: int) -> dict[str, int]:
    """Multiply-adds to solve the normal equation by Cholesky: ``n d² + n d + d³/6 + d²``.

    Forming ``XᵀX`` (``n d²``, ignoring its symmetry) dominates when ``n ≫ d``; the
    factorisation (``d³/6``) when ``d`` is large.

    Example:
        >>> normal_equation_cost(1000, 10)
        {'gram': 100000, 'rhs': 10000, 'cholesky': 166, 'solve': 100, 'total': 110266}
    """
    _checks.positive_int("n", n, 1000)
    _checks.positive_int("d", d, 10)
    parts = {"gram": n * d * d, "rhs": n * d, "cholesky": d**3 // 6, "solve": d * d}
    return {**parts, "total": sum(parts.values())}


def sgd_epoch_cost(n: int, d: int, batch_size: int = 32) -> int:
    """Multiply-adds of one epoch of minibatch SGD on the linear model: ``2 n d`` plus updates.

    Per example: ``d`` for the prediction and ``d`` for its share of ``Xᵀr``; per step, ``d``
    for the update.

    Example:
        >>> sgd_epoch_cost(1000, 10)
        20320
    """
    _checks.positive_int("n", n, 1000)
    _checks.positive_int("d", d, 10)
    _checks.positive_int("batch_size", batch_size, 32)
    return 2 * n * d + d * math.ceil(n / batch_size)


def gram_bytes(d: int, dtype: torch.dtype = torch.float32) -> int:
    """Memory for the ``d × d`` matrix ``XᵀX`` in ``dtype``.

    Example:
        >>> gram_bytes(1000), gram_bytes(1000, torch.float64)
        (4000000, 8000000)
    """
    _checks.positive_int("d", d, 1000)
    return d * d * torch.empty(0, dtype=_checks.float_dtype("dtype", dtype)).element_size()


def collinear_features(num_examples: int, eps: float, *, seed: int = 0) -> torch.Tensor:
    """Two nearly equal features: ``x1 ~ N(0, 1)``, ``x2 = x1 + eps z`` with ``z ~ N(0, 1)``.

    Returns:
        ``X`` of shape (n, 2), float64. The smaller ``eps``, the worse conditioned.

    Example:
        >>> X = collinear_features(1000, 1e-3, seed=0)
        >>> X.shape, round(float((X[:, 1] - X[:, 0]).std()), 4)
        (torch.Size([1000, 2]), 0.001)
    """
    _checks.work_size("num_examples", num_examples, 1000, limit=2**26, cost="X of 1 GiB")
    _checks.positive_float("eps", eps, 1e-3)
    gen = _checks.seed_generator(seed)
    x1 = torch.randn(num_examples, 1, generator=gen, dtype=torch.float64)
    z = torch.randn(num_examples, 1, generator=gen, dtype=torch.float64)
    return torch.cat([x1, x1 + eps * z], dim=1)
