"""Data: synthetic problems with known parameters, three minibatch iterators, splits, scaling, CSV.

The three iterators produce the same kind of batches and differ in how they do it:

* :func:`data_iter` — the from-scratch generator: shuffle indices by hand, slice, yield.
* :func:`load_array` — PyTorch's ``DataLoader`` over a ``TensorDataset`` (collates example by example).
* :class:`InMemoryLoader` — what :func:`d2l_linreg.train` uses by default: one permutation per epoch
  and tensor slicing, no per-example work, so it is several times faster than the ``DataLoader``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from d2l_linreg import _checks

Batch = tuple[torch.Tensor, torch.Tensor]


def synthetic_data(
    w: Any, b: float, num_examples: int, noise: float = 0.01, *, seed: int | None = None
) -> Batch:
    """Draw ``y = X w + b + noise * eps`` with ``X`` and ``eps`` standard normal.

    With ``seed=0`` the draws equal ``torch.manual_seed(0); X = torch.randn(n, d); eps = torch.randn(n, 1)``,
    the order the reference program of the source text uses.

    Args:
        w: true weights, shape (d,) or (d, 1).
        b: true bias.
        num_examples: n, the number of examples.
        noise: standard deviation of the Gaussian noise (>= 0).
        seed: seed of a private generator (the global RNG is untouched); None uses the global RNG.

    Returns:
        ``(X, y)``: float32 tensors of shapes (n, d) and (n, 1).

    Example:
        >>> X, y = synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
        >>> X.shape, y.shape
        (torch.Size([1000, 2]), torch.Size([1000, 1]))
        >>> X, y = synthetic_data([2.0, -3.4], 4.2, 1000, noise=0.0, seed=0)
        >>> round(float((y - X @ torch.tensor([[2.0], [-3.4]]) - 4.2).abs().max()), 5)
        0.0
    """
    w = _checks.finite("w", _checks.as_tensor("w", w, torch.float32)).reshape(-1, 1)  # (d, 1)
    b = _checks.finite_float("b", b, 4.2)
    _checks.positive_int("num_examples", num_examples, 1000)
    noise = _checks.non_negative_float("noise", noise, 0.01)
    gen = _checks.seed_generator(seed)
    X = torch.randn(num_examples, w.shape[0], generator=gen)  # (n, d)
    eps = torch.randn(num_examples, 1, generator=gen)  # (n, 1)
    y = X @ w + b + noise * eps  # (n, d) @ (d, 1) -> (n, 1)
    return X, y


def _check_batches(batch_size: int, X: Any, y: Any) -> Batch:
    _checks.positive_int("batch_size", batch_size, 32)
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
    X, y = _check_batches(batch_size, X, y)
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
    X, y = _check_batches(batch_size, *data)
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
        self.X, self.y = _check_batches(batch_size, X, y)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._gen = _checks.seed_generator(seed)

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


def train_val_split(
    X: Any, y: Any, val_fraction: float = 0.2, *, seed: int | None = None
) -> tuple[Batch, Batch]:
    """Split examples at random into a training and a validation part.

    Returns:
        ``((X_train, y_train), (X_val, y_val))`` with ``round(n * val_fraction)`` validation rows.

    Example:
        >>> X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10.0)
        >>> (Xt, yt), (Xv, yv) = train_val_split(X, y, 0.3, seed=0)
        >>> Xt.shape, Xv.shape, yv.shape
        (torch.Size([7, 2]), torch.Size([3, 2]), torch.Size([3, 1]))
    """
    X, y = _checks.design_and_target(X, y)
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, (int, float)):
        raise TypeError(f"val_fraction must be a number in (0, 1) (got {val_fraction!r}); use 0.2")
    n = X.shape[0]
    n_val = round(n * val_fraction)
    if not 0 < n_val < n:
        raise ValueError(
            f"val_fraction must leave at least one example on each side (got {val_fraction} of "
            f"{n} examples = {n_val} validation rows); use e.g. val_fraction=0.2 with more data"
        )
    order = torch.randperm(n, generator=_checks.seed_generator(seed))
    val, tr = order[:n_val], order[n_val:]
    return (X[tr], y[tr]), (X[val], y[val])


class Standardizer:
    """Feature standardization ``(X - mean) / std`` with statistics from the training data only.

    Fit on the training split, then transform validation and test data with the *same* numbers;
    fitting on all data leaks information from the held-out rows. Constant columns keep std 1.

    Example:
        >>> s = Standardizer().fit(torch.tensor([[0.0, 10.0], [2.0, 30.0]]))
        >>> s.mean.tolist(), s.std.tolist()
        ([1.0, 20.0], [1.0, 10.0])
        >>> s.transform(torch.tensor([[4.0, 20.0]])).tolist()
        [[3.0, 0.0]]
    """

    def __init__(self) -> None:
        self.mean: torch.Tensor | None = None
        self.std: torch.Tensor | None = None

    def fit(self, X: Any) -> Standardizer:
        X = _checks.finite("X", _checks.as_tensor("X", X))
        if X.dim() != 2 or X.shape[0] < 2:
            raise ValueError(
                f"Standardizer.fit needs X of shape (n, d) with n >= 2 (got {tuple(X.shape)}); "
                f"pass the training features"
            )
        self.mean = X.mean(dim=0)
        std = X.std(dim=0, unbiased=False)
        self.std = torch.where(std > 0, std, torch.ones_like(std))
        return self

    def transform(self, X: Any) -> torch.Tensor:
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer is not fitted; call .fit(X_train) first")
        X = _checks.as_tensor("X", X, self.mean.dtype)
        if X.dim() != 2 or X.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"X must have {self.mean.shape[0]} columns like the training data "
                f"(got shape {tuple(X.shape)}); transform data with the same features"
            )
        return (X - self.mean) / self.std

    def fit_transform(self, X: Any) -> torch.Tensor:
        return self.fit(X).transform(X)


def _parse_cell(path: Path, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan if text.strip() == "" else None  # type: ignore[assignment]
        if value is None:
            raise ValueError(
                f"{path}: row {line}, column {column!r} is not a number (got {text!r}); "
                f"fix or remove that cell"
            ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{path}: row {line}, column {column!r} is empty, NaN or infinite (got {text!r}); "
            f"fill in or drop that row"
        )
    return value


def load_csv(
    path: str | Path, *, target: str | None = None, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """Read a numeric CSV with a header row into ``(X, y, feature_names)``.

    The target is the first column unless ``target`` names another one.

    Returns:
        ``X`` (n, d), ``y`` (n, 1) and the names of the d feature columns.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: no header, no rows, a row of the wrong length, or a non-numeric, empty or NaN cell.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file; pass the path of an existing CSV file")
    with path.open(newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    if not rows:
        raise ValueError(f"{path}: the file is empty; expected a header row and numeric rows")
    header = [name.strip() for name in rows[0]]
    if len(rows) < 2:
        raise ValueError(f"{path}: no data rows after the header; add at least one row")
    target = header[0] if target is None else target
    if target not in header:
        raise ValueError(
            f"{path}: no column named {target!r} (columns: {', '.join(header)}); "
            f"use --target with one of them"
        )
    values = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(
                f"{path}: row {line} has {len(row)} cells, the header has "
                f"{len(header)}; fix that row"
            )
        values.append(
            [_parse_cell(path, line, col, cell) for col, cell in zip(header, row, strict=True)]
        )
    data = torch.tensor(values, dtype=dtype)  # (n, d + 1)
    t = header.index(target)
    features = [name for i, name in enumerate(header) if i != t]
    keep = [i for i in range(len(header)) if i != t]
    return data[:, keep], data[:, t : t + 1], features
