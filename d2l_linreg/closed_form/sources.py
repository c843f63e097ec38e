"""Where the chunks of rows come from: a ``.npy`` file read a block at a time, a list, a
re-iterable, a function returning a fresh iterator, or a one-shot iterator.

Every source becomes a *factory*: a function that starts a new pass over the rows and yields
``(X_block (m, d), y_block (m,))`` tensors. A one-shot iterator can be read once, so a fit fed
by one gets no refinement pass (see ``chunked.fit_chunked``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import torch

from d2l_linreg.errors import InputTypeError, InputValueError

__all__ = ["Factory", "as_factory", "blocks", "default_rows", "npy_chunks", "npy_shape"]

Factory = Callable[[], Iterator[Any]]


def default_rows(columns: int, *, fraction: float = 1 / 32) -> int:
    """Rows per chunk so that a chunk and its temporaries use about ``fraction`` of free memory.

    The refinement pass holds about a dozen (rows, columns) float64 temporaries; the budget is
    clamped to 8-128 MB per temporary set, so the default stays modest on big machines.
    """
    free = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    free = int(line.split()[1]) * 1024
    except OSError:
        pass
    if free is None:
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            free = 2**30
    budget = min(max(free * fraction, 8 * 2**20), 128 * 2**20)
    return max(4 * columns, int(budget // (12 * 8 * max(columns, 1))))


def _header(f: Any) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(f)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(f)
    raise InputValueError(f"unsupported .npy format version {version}; save it with numpy.save")


def _checked_header(f: Any, path: str | os.PathLike[str]) -> tuple[tuple[int, ...], bool, np.dtype]:
    try:
        return _header(f)
    except ValueError as exc:
        raise InputValueError(
            f"{os.fspath(path)} is not a readable .npy file ({exc}); write it with numpy.save"
        ) from exc


def _open(path: str | os.PathLike[str]) -> Any:
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{os.fspath(path)}: no such file; pass the path of an existing .npy file"
        )
    return open(path, "rb")


def npy_shape(path: str | os.PathLike[str]) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of a ``.npy`` file, from its header (the data are not read)."""
    with _open(path) as f:
        shape, _, dtype = _checked_header(f, path)
    return shape, dtype


def npy_chunks(path: str | os.PathLike[str], rows: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Blocks of a 2-D ``.npy`` table ``[y, X]`` (first column the target), ``rows`` at a time.

    C-ordered files are read with plain file reads (the page cache is not charged to this
    process); Fortran-ordered ones through ``np.load(mmap_mode="r")``, a copy per block.
    """
    with _open(path) as f:
        shape, fortran, dtype = _checked_header(f, path)
        if len(shape) != 2 or shape[1] < 2 or dtype.kind not in "fiu":
            raise InputValueError(
                f"{os.fspath(path)} must hold a 2-D table of real numbers with the target in "
                f"the first column and at least one feature (got shape {shape}, dtype {dtype}); "
                f"save e.g. numpy.column_stack([y, X])"
            )
        n, cols = shape
        if fortran:
            table = np.load(path, mmap_mode="r")
            for i in range(0, n, rows):
                block = np.array(table[i : i + rows], dtype=np.float64)
                yield block[:, 1:], block[:, 0]
            return
        for i in range(0, n, rows):
            k = min(rows, n - i)
            block = np.fromfile(f, dtype=dtype, count=k * cols)
            if block.size != k * cols:
                raise InputValueError(f"{os.fspath(path)} is truncated: expected {n} rows")
            block = block.reshape(k, cols).astype(np.float64, copy=False)
            yield block[:, 1:], block[:, 0]


def as_factory(source: Any, rows: int | None) -> tuple[Factory, bool]:
    """``(factory, reiterable)`` for any supported source; see the module docstring."""
    if isinstance(source, (str, os.PathLike)):
        path = source
        if not os.fspath(path).endswith(".npy"):
            raise InputValueError(
                f"X must be a .npy file when it is a path (got {os.fspath(path)!r}); save the "
                f"table with numpy.save, or load the data and pass tensors"
            )
        if rows is None:
            rows = default_rows(npy_shape(path)[0][-1])
        k = rows
        return (lambda: npy_chunks(path, k)), True
    if isinstance(source, torch.Tensor | np.ndarray):
        raise InputValueError(
            f"y is missing: pass y with X (got X of shape {tuple(source.shape)} and y=None); "
            f"y=None is only for data in chunks"
        )
    if isinstance(source, Iterator):
        used = [False]

        def once() -> Iterator[Any]:
            if used[0]:
                raise RuntimeError("a one-shot iterator of chunks can be read only once")
            used[0] = True
            return source

        return once, False
    if callable(source):
        return source, True
    if isinstance(source, Iterable):
        return (lambda: iter(source)), True
    raise InputTypeError(
        f"X must be tensors with y, a .npy path, or chunks of (X, y) blocks (got "
        f"{type(source).__name__}); e.g. fit_least_squares([(X1, y1), (X2, y2)])"
    )


def blocks(it: Iterator[Any], dtype: torch.dtype) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Check and convert each ``(X, y)`` chunk: (m, d) and (m,) tensors in ``dtype``, finite."""
    d = None
    for i, chunk in enumerate(it):
        if not (isinstance(chunk, tuple | list) and len(chunk) == 2):
            raise InputValueError(
                f"chunk {i} must be a pair (X_block, y_block) (got {type(chunk).__name__}); "
                f"yield (X, y) tuples"
            )
        X, y = (
            torch.as_tensor(np.asarray(v) if not isinstance(v, torch.Tensor) else v) for v in chunk
        )
        X = X.reshape(-1, 1) if X.dim() == 1 else X
        y = y.reshape(-1)
        if X.dim() != 2 or X.shape[0] != y.shape[0] or (d is not None and X.shape[1] != d):
            raise InputValueError(
                f"chunk {i} must hold X (m, d) and y (m,) with the same m and d in every chunk "
                f"(got X {tuple(X.shape)}, y {tuple(y.shape)}, d = {d}); fix the chunking"
            )
        if X.is_complex() or y.is_complex() or X.dtype == torch.bool:
            raise InputValueError(f"chunk {i} must hold real numbers (got {X.dtype}, {y.dtype})")
        X, y = X.detach().to(dtype), y.detach().to(dtype)
        if not (bool(torch.isfinite(X).all()) and bool(torch.isfinite(y).all())):
            raise InputValueError(
                f"chunk {i} holds NaN or infinite values; drop or impute those rows"
            )
        d = X.shape[1]
        if X.shape[0]:
            yield X, y
