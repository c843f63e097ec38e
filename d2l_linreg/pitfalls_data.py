"""Pitfalls in the data and the solver, each with a symptom that can be measured.

* tuning on the validation set until it leaks (:func:`leakage_problem`, :func:`subset_search`);
* the normal equation for large or collinear problems (:func:`normal_equation_cost`,
  :func:`sgd_epoch_cost`, :func:`gram_bytes`, :func:`collinear_features`);
* unscaled features (:func:`unscaled_problem`, :func:`max_stable_lr`, :func:`scaling_run`,
  :func:`steps_to_tolerance`).

The bugs in the training loop itself are in :mod:`d2l_linreg.pitfalls`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.pitfalls import ParameterPath
from d2l_linreg.scratch import squared_loss
from d2l_linreg.train import History, train

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
    sizes = [
        _checks.positive_int(name, value, 20)
        for name, value in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test))
    ]
    d = _checks.positive_int("num_features", num_features, 30)
    if d < 2:
        raise ValueError(f"num_features must be at least 2 (got {d}); use e.g. num_features=30")
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
    _checks.positive_int("num_configs", num_configs, 1000)
    d = problem.train[0].shape[1]
    _checks.positive_int("subset_size", subset_size, 5)
    if subset_size > d:
        raise ValueError(
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
    return d * d * torch.empty(0, dtype=dtype).element_size()


def collinear_features(num_examples: int, eps: float, *, seed: int = 0) -> torch.Tensor:
    """Two nearly equal features: ``x1 ~ N(0, 1)``, ``x2 = x1 + eps z`` with ``z ~ N(0, 1)``.

    Returns:
        ``X`` of shape (n, 2), float64. The smaller ``eps``, the worse conditioned.

    Example:
        >>> X = collinear_features(1000, 1e-3, seed=0)
        >>> X.shape, round(float((X[:, 1] - X[:, 0]).std()), 4)
        (torch.Size([1000, 2]), 0.001)
    """
    _checks.positive_int("num_examples", num_examples, 1000)
    _checks.positive_float("eps", eps, 1e-3)
    gen = _checks.seed_generator(seed)
    x1 = torch.randn(num_examples, 1, generator=gen, dtype=torch.float64)
    z = torch.randn(num_examples, 1, generator=gen, dtype=torch.float64)
    return torch.cat([x1, x1 + eps * z], dim=1)


# --- Unscaled features ------------------------------------------------------------------------


def unscaled_problem(
    num_examples: int = 1000,
    *,
    scales: tuple[float, ...] = (1.0, 10.0),
    noise: float = 0.01,
    seed: int = 0,
) -> Batch:
    """Features on different scales: ``x_j = scales[j] z_j`` with ``z ~ N(0, I)``; no bias.

    The target is the running example in the standard units, ``y = 2 z_0 - 3.4 z_1 + noise eps``,
    so in the units of ``x`` the true weights are ``w*_j = (2, -3.4)_j / scales[j]``.

    Returns:
        ``(X, y)``: float32, shapes (n, 2) and (n, 1).

    Example:
        >>> X, y = unscaled_problem(1000, noise=0.0, seed=0)
        >>> [round(v, 2) for v in X.std(dim=0).tolist()]
        [1.0, 10.42]
        >>> torch.allclose(y, X @ torch.tensor([[2.0], [-0.34]]), atol=1e-5)
        True
    """
    _checks.positive_int("num_examples", num_examples, 1000)
    if len(scales) != 2 or not all(s > 0 for s in scales):
        raise ValueError(
            f"scales must be two positive numbers (got {scales!r}); use e.g. scales=(1.0, 10.0)"
        )
    gen = _checks.seed_generator(seed)
    Z = torch.randn(num_examples, 2, generator=gen)  # (n, 2)
    y = Z @ torch.tensor([[2.0], [-3.4]]) + noise * torch.randn(num_examples, 1, generator=gen)
    return Z * torch.tensor(scales), y


def max_stable_lr(X: Any) -> float:
    """``2 / λ_max(XᵀX / n)``: above it, gradient descent on the mean ½ squared loss diverges.

    ``XᵀX / n`` is the Hessian of the loss in ``w`` (no bias). Computed in float64.

    Example:
        >>> max_stable_lr(torch.tensor([[1.0, 0.0], [0.0, 3.0]]))   # λ_max = 9 / 2
        0.4444444444444444
    """
    X = _checks.finite("X", _checks.as_tensor("X", X, torch.float64))
    H = X.T @ X / X.shape[0]  # (d, n) @ (n, d) -> (d, d)
    return 2.0 / float(torch.linalg.eigvalsh(H)[-1])


def loss_along_path(X: Any, y: Any, path: Any) -> torch.Tensor:
    """Mean ½ squared loss of ``X w`` for every row ``w`` of ``path`` (k, d), in float64.

    Example:
        >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [2.0]])
        >>> loss_along_path(X, y, torch.tensor([[0.0], [1.0]])).tolist()
        [1.25, 0.0]
    """
    X, y = (t.double() for t in _checks.design_and_target(X, y))
    W = _checks.as_tensor("path", path, torch.float64)  # (k, d)
    losses: torch.Tensor = ((X @ W.T - y) ** 2).mean(dim=0) / 2  # (n, d) @ (d, k) -> (n, k) -> (k,)
    return losses


def steps_to_tolerance(X: Any, y: Any, path: Any, tol: float = 1e-3) -> int | None:
    """The first step ``t`` at which ``(L(w_t) - L*) / (L(w_0) - L*) < tol``, or None.

    ``L*`` is the least-squares minimum (no bias), so the criterion is the fraction of the
    initial excess loss still left.

    Example:
        >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [2.0]])
        >>> steps_to_tolerance(X, y, torch.tensor([[0.0], [0.5], [0.9], [1.0]]), tol=1e-3)
        3
    """
    _checks.positive_float("tol", tol, 1e-3)
    X, y = (t.double() for t in _checks.design_and_target(X, y))
    w_star = torch.linalg.lstsq(X, y).solution  # (d, 1)
    L_star = float(((X @ w_star - y) ** 2).mean() / 2)
    L = loss_along_path(X, y, path)
    excess = (L - L_star) / (L[0] - L_star)
    hits = (excess < tol).nonzero()
    return int(hits[0]) if len(hits) else None


@dataclass
class ScalingRun:
    """A run of SGD from ``w = 0`` on a bias-free linear model: history and weight path (k, d)."""

    history: History
    path: torch.Tensor
    lr: float


def scaling_run(
    X: Any, y: Any, lr: float, *, batch_size: int = 32, num_epochs: int = 30, seed: int = 0
) -> ScalingRun:
    """Train ``nn.Linear(d, 1, bias=False)`` from zero weights with :func:`train` and SGD(``lr``).

    Example:
        >>> X, y = unscaled_problem(200, seed=0)
        >>> run = scaling_run(X, y, lr=0.5 * max_stable_lr(X), num_epochs=2)
        >>> run.path.shape             # 2 epochs of 7 steps, plus the start
        torch.Size([15, 2])
    """
    X, y = _checks.design_and_target(X, y)
    lr = _checks.positive_float("lr", lr, 0.01)
    model = nn.Linear(X.shape[1], 1, bias=False)
    with torch.no_grad():
        model.weight.zero_()
    path = ParameterPath(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = train(
        model,
        squared_loss,
        optimizer,
        (X, y),
        num_epochs=num_epochs,
        batch_size=batch_size,
        seed=seed,
        callbacks=[path],
    )
    return ScalingRun(history, path.tensor(), lr)
