"""K-fold cross-validation: every example is used for validation exactly once.

The data are shuffled once (seeded) and cut into ``k`` folds of sizes differing by at most one.
Each fold in turn is the validation part and the other ``k - 1`` folds the training part; a
hyperparameter's score is the mean of its ``k`` validation errors. It uses all the data for
both purposes, at ``k`` times the cost of one hold-out split
(:func:`~d2l_linreg.data.train_val_split`).
"""

from __future__ import annotations

from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError
from d2l_linreg.generalization.sweeps import (
    Sweep,
    degree_list,
    degree_sweep,
    pair,
    weight_decay_list,
    weight_decay_sweep,
)

Batch = tuple[torch.Tensor, torch.Tensor]


def _num_folds(k: Any, n: int) -> int:
    _checks.positive_int("k", k, 5)
    if not 2 <= k <= n:
        raise InputValueError(
            f"k must be between 2 and the number of examples {n} (got {k}); use e.g. k=5"
        )
    return n


def kfold_splits(
    X: Any, y: Any, k: int = 5, *, seed: int | None = None
) -> list[tuple[Batch, Batch]]:
    """The ``k`` splits ``((X_train, y_train), (X_val, y_val))`` of K-fold cross-validation.

    Args:
        X: (n, d) features (or (n,)); y: (n,) or (n, 1) targets.
        k: the number of folds, 2 <= k <= n.
        seed: seed of the one shuffle (None: the global RNG).

    Returns:
        A list of ``k`` pairs of parts, like :func:`~d2l_linreg.data.train_val_split`'s; the
        validation parts are disjoint and together hold every example once.

    Example:
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0)
        >>> [(len(tr[0]), len(va[0])) for tr, va in kfold_splits(X, y, 2, seed=0)]
        [(2, 3), (3, 2)]
        >>> sorted(v for _, (_, yv) in kfold_splits(X, y, 2, seed=0) for v in yv.flatten().tolist())
        [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    X, y = _checks.design_and_target(X, y)
    n = _num_folds(k, X.shape[0])
    order = torch.randperm(n, generator=_checks.seed_generator(seed))
    folds = torch.tensor_split(order, k)  # sizes differ by at most one
    splits = []
    for i, val in enumerate(folds):
        tr = torch.cat([f for j, f in enumerate(folds) if j != i])
        splits.append(((X[tr], y[tr]), (X[val], y[val])))
    return splits


def cross_validate(
    data: Any,
    values: Any,
    *,
    k: int = 5,
    hyperparameter: str = "degree",
    degree: int | None = None,
    seed: int | None = None,
) -> Sweep:
    """Mean training and validation RMSE over the ``k`` folds, for each value of a hyperparameter.

    Args:
        data: the pair ``(X, y)`` to split (x of shape (n, 1) for polynomials).
        values: the degrees (``hyperparameter="degree"``, see
            :func:`~d2l_linreg.generalization.degree_sweep`) or the λ values
            (``hyperparameter="weight_decay"``, see
            :func:`~d2l_linreg.generalization.weight_decay_sweep`; ``degree`` as there).
        k: the number of folds.
        seed: seed of the shuffle.

    Returns:
        A :class:`Sweep`; its ``best`` is the value to choose.

    Example:
        >>> from d2l_linreg.generalization.sweeps import polynomial_data
        >>> cross_validate(polynomial_data(30, seed=0), [1, 3, 9], k=5, seed=0).best
        3
    """
    X, y = pair("data", data, one_column=hyperparameter == "degree" or degree is not None)
    _checks.choice("hyperparameter", hyperparameter, ("degree", "weight_decay"))
    if hyperparameter == "degree" and degree is not None:
        raise InputValueError(
            f"degree is for hyperparameter='weight_decay' only (got degree={degree!r} with "
            f"hyperparameter='degree'); pass the degrees to try as values"
        )
    _num_folds(k, len(X))
    if hyperparameter == "degree":
        degree_list(values, len(X) - len(X) // k, "values")  # the smallest training part
    else:
        weight_decay_list(values, "values")
    folds = kfold_splits(X, y, k, seed=seed)
    sweeps = [
        degree_sweep(tr, va, values)
        if hyperparameter == "degree"
        else weight_decay_sweep(tr, va, values, degree=degree)
        for tr, va in folds
    ]
    mean = [
        tuple(sum(column) / k for column in zip(*(getattr(s, f) for s in sweeps), strict=True))
        for f in ("train_rmse", "val_rmse")
    ]
    return Sweep(sweeps[0].name, sweeps[0].values, mean[0], mean[1])
