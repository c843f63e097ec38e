"""Three minibatch iterators over ``(X, y)``.

The three iterators produce the same kind of batches and differ in how they do it:

* :func:`data_iter` — the from-scratch generator: shuffle indices by hand, slice, yield.
* :func:`load_array` — PyTorch's ``DataLoader`` over a ``TensorDataset`` (collates example by example).
* :class:`InMemoryLoader` — what :func:`d2l_linreg.train` uses by default: one permutation per epoch
  and tensor slicing, no per-example work, so it is several times faster than the ``DataLoader``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError

Batch = tuple[torch.Tensor, torch.Tensor]


def _check_batches(batch_size: int, X: Any, y: Any, shuffle: bool = True) -> Batch:
    _checks.positive_int("batch_size", batch_size, 32)
    _checks.flag("shuffle", shuffle)
    return _checks.design_and_target(X, y)


def data_iter(
    batch_size: int, X: Any, y: Any, *, shuffle: bool = True, seed: int | None = None
) -> Iterator[Batch]:
    """Yield minibatches ``(X_B, y_B)`` by shuffling indices by hand and slicing (D2L's iterator).

    The last batch is kept even when it is smaller than ``batch_size``.

    Example:
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0).reshape(5, 1)
        >>> [tuple(yb.flatten().tolist()) for _, yb in data_iter(2, X, y, shuffle=False)]
        [(0.0, 1.0), (2.0, 3.0), (4.0,)]
    """
    X, y = _check_batches(batch_size, X, y, shuffle)
    n = X.shape[0]
    indices = list(range(n))
    if shuffle:
        order = torch.randperm(n, generator=_checks.seed_generator(seed)).tolist()
        indices = [indices[i] for i in order]
    for start in range(0, n, batch_size):
        batch = torch.tensor(indices[start : start + batch_size])
        yield X[batch], y[batch]


def load_array(
    data: tuple[Any, Any], batch_size: int, *, shuffle: bool = True, seed: int | None = None
) -> DataLoader[tuple[torch.Tensor, ...]]:
    """PyTorch's ``DataLoader`` over ``TensorDataset(X, y)`` (the concise iterator).

    Example:
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0).reshape(5, 1)
        >>> [len(yb) for _, yb in load_array((X, y), 2, shuffle=False)]
        [2, 2, 1]
    """
    if isinstance(data, torch.Tensor) or not isinstance(data, (tuple, list)) or len(data) != 2:
        raise InputTypeError(
            f"data must be a pair (X, y) (got {type(data).__name__}); pass e.g. load_array((X, y), 32)"
        )
    X, y = _check_batches(batch_size, *data, shuffle)
    gen = _checks.seed_generator(seed) if shuffle else None
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=gen)


class InMemoryLoader:
    """Minibatches from tensors already in memory: one permutation per epoch, then slicing.

    Iterating again starts a new epoch with a new order; with a seed, the sequence of epochs is
    reproducible. ``len(loader)`` is the number of batches per epoch (the last one may be smaller).

    Example:
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0).reshape(5, 1)
        >>> loader = InMemoryLoader(X, y, batch_size=2, shuffle=False)
        >>> len(loader), [len(yb) for _, yb in loader]
        (3, [2, 2, 1])
    """

    def __init__(
        self, X: Any, y: Any, batch_size: int = 32, *, shuffle: bool = True, seed: int | None = None
    ) -> None:
        self.X, self.y = _check_batches(batch_size, X, y, shuffle)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._gen = _checks.seed_generator(seed)

    @property
    def generator(self) -> torch.Generator | None:
        """The generator that shuffles (``None``: the global RNG), like ``DataLoader.generator``."""
        return self._gen

    @property
    def num_examples(self) -> int:
        return self.X.shape[0]

    def __len__(self) -> int:
        return math.ceil(self.num_examples / self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        n = self.num_examples
        if self.shuffle:
            order = torch.randperm(n, generator=self._gen)
            X, y = self.X[order], self.y[order]  # one gather per epoch, then views
        else:
            X, y = self.X, self.y
        for start in range(0, n, self.batch_size):
            yield X[start : start + self.batch_size], y[start : start + self.batch_size]
