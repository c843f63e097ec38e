"""Reading a numeric CSV file with a header into ``(X, y, feature_names)``, whole or in chunks.

CSV as people write it: a UTF-8 byte-order mark (Excel's "CSV UTF-8") is dropped; a header with
a repeated name, or no header at all (a first row of numbers), is refused with the fix. Rows are
parsed a block at a time by NumPy's C parser (``numpy.loadtxt``), so memory stays bounded by the
result plus one block; a block that the parser refuses is re-read cell by cell to say which row
and column is wrong.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError

_DTYPES = (torch.float64, torch.float32)  # what a decimal number in the file is read into
_CHUNK_ROWS = 65536  # load_csv's block: ~5 MB of float64 per 10 columns


def _parse_cell(path: Path, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan if text.strip() == "" else None  # type: ignore[assignment]
        if value is None:
            raise InputValueError(
                f"{path}: row {line}, column {column!r} is not a number (got {text!r}); "
                f"fix or remove that cell"
            ) from None
    if not math.isfinite(value):
        raise InputValueError(
            f"{path}: row {line}, column {column!r} is empty, NaN or infinite (got {text!r}); "
            f"fill in or drop that row"
        )
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_dtype(dtype: Any) -> torch.dtype:
    if dtype not in _DTYPES:
        if isinstance(dtype, torch.dtype):
            raise InputValueError(
                f"dtype must be torch.float64 or torch.float32 (got {dtype}, which loses digits "
                f"of the numbers in the file, e.g. an integer type reads 6.5 as 6); "
                f"use dtype=torch.float64"
            )
        raise InputTypeError(
            f"dtype must be torch.float64 or torch.float32 (got {dtype!r}); use dtype=torch.float64"
        )
    return dtype


class CsvChunks:
    """The rows of a CSV file as ``(X, y)`` blocks of at most ``chunk_rows`` rows each.

    Made by :func:`iter_csv_chunks`, which checks the file and its header at once. Iterating
    reads the file again each time (a solver may take several passes); ``feature_names`` and
    ``target`` name the columns of ``X`` and ``y``.
    """

    def __init__(self, path: Path, chunk_rows: int, target: str | None, dtype: torch.dtype):
        self.path, self.chunk_rows, self.dtype = path, chunk_rows, dtype
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file; pass the path of an existing CSV file")
        with self._open() as f:
            header_line, header = self._header(f)
            if not any(line.strip() for line in f):
                raise InputValueError(
                    f"{path}: no data rows after the header; add at least one row"
                )
        self._first_data_line = header_line + 1
        self.columns = header
        self.target = header[0] if target is None else target
        if self.target not in header:
            raise InputValueError(
                f"{path}: no column named {self.target!r} (columns: {', '.join(header)}); "
                f"use --target with one of them"
            )
        self._t = header.index(self.target)
        self._keep = [i for i in range(len(header)) if i != self._t]
        self.feature_names = [header[i] for i in self._keep]

    def _open(self) -> Any:
        # utf-8-sig drops a byte-order mark, which would otherwise stick to the first name.
        return self.path.open(encoding="utf-8-sig")

    def _header(self, f: Any) -> tuple[int, list[str]]:
        path = self.path
        try:
            number = 0
            for line in f:
                number += 1
                if line.strip():
                    break
            else:
                raise InputValueError(
                    f"{path}: the file is empty; expected a header row and numeric rows"
                )
        except UnicodeDecodeError as exc:
            raise InputValueError(f"{path}: not UTF-8 text ({exc}); save it as UTF-8") from None
        header = [name.strip() for name in next(csv.reader([line]))]
        if all(_is_number(name) for name in header):
            shown = line.strip() if len(line.strip()) <= 40 else line.strip()[:37] + "..."
            example = ",".join(["y"] + [f"x{i}" for i in range(1, len(header))])
            raise InputValueError(
                f"{path}: the first row ({shown}) is all numbers, so the file has no header "
                f"row; add a first line with one name per column, e.g. {example}"
            )
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            where = "; ".join(
                f"{name!r} in columns {', '.join(str(i + 1) for i, h in enumerate(header) if h == name)}"
                for name in repeated
            )
            raise InputValueError(
                f"{path}: the header repeats a column name ({where}); give each column its own name"
            )
        return number, header

    def _read(self, f: Any) -> list[str]:
        try:
            return list(itertools.islice(f, self.chunk_rows))
        except UnicodeDecodeError as exc:
            raise InputValueError(
                f"{self.path}: not UTF-8 text ({exc}); save it as UTF-8"
            ) from None

    def _parse_block(self, lines: list[str], first_line: int) -> np.ndarray:
        try:
            block = np.loadtxt(
                lines, delimiter=",", ndmin=2, quotechar='"', comments=None, dtype=np.float64
            )
            if block.shape[1] == len(self.columns) and np.isfinite(block).all():
                return block
        except ValueError:
            pass
        # The fast parser refused the block: read it cell by cell, naming the first bad cell.
        rows = []
        for offset, line in enumerate(lines):
            row = next(csv.reader([line]), [])
            if not line.strip():
                continue
            number = first_line + offset
            if len(row) != len(self.columns):
                raise InputValueError(
                    f"{self.path}: row {number} has {len(row)} cells, the header has "
                    f"{len(self.columns)}; fix that row"
                )
            rows.append(
                [
                    _parse_cell(self.path, number, name, cell)
                    for name, cell in zip(self.columns, row, strict=True)
                ]
            )
        return np.array(rows, dtype=np.float64).reshape(-1, len(self.columns))

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        with self._open() as f:
            for _ in range(self._first_data_line - 1):
                next(f)
            first_line = self._first_data_line
            while lines := self._read(f):
                block = self._parse_block(lines, first_line)
                first_line += len(lines)
                if len(block):
                    X = torch.from_numpy(np.ascontiguousarray(block[:, self._keep]))
                    y = torch.from_numpy(np.ascontiguousarray(block[:, self._t : self._t + 1]))
                    yield X.to(self.dtype), y.to(self.dtype)


def iter_csv_chunks(
    path: str | Path,
    chunk_rows: int = _CHUNK_ROWS,
    *,
    target: str | None = None,
    dtype: torch.dtype = torch.float64,
) -> CsvChunks:
    """The rows of a numeric CSV with a header as ``(X, y)`` blocks, for data larger than memory.

    The header is checked at once (same rules and errors as :func:`load_csv`); the rows are read
    when iterating, ``chunk_rows`` at a time, and each iteration reads the file afresh.
    ``chunks.feature_names`` names the columns of ``X``.

    Returns:
        A re-iterable :class:`CsvChunks` of ``(X, y)``: ``X`` (m, d), ``y`` (m, 1), ``m <=
        chunk_rows``; the blocks stacked are what :func:`load_csv` returns.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "d.csv"
        >>> _ = path.write_text("y,x\\n1,2\\n3,4\\n5,6\\n")
        >>> chunks = iter_csv_chunks(path, 2)
        >>> chunks.feature_names, [tuple(X.shape) for X, y in chunks]
        (['x'], [(2, 1), (1, 1)])
    """
    chunk_rows = _checks.positive_int("chunk_rows", chunk_rows, _CHUNK_ROWS)
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(
            f"path must be a file path, a str or a pathlib.Path (got {type(path).__name__}); "
            f"pass e.g. path='data.csv'"
        )
    return CsvChunks(Path(path), chunk_rows, target, _check_dtype(dtype))


def load_csv(
    path: str | Path, *, target: str | None = None, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """Read a numeric CSV with a header row into ``(X, y, feature_names)``.

    The target is the first column unless ``target`` names another one. A UTF-8 byte-order mark
    is dropped. The file is parsed a block at a time (see :func:`iter_csv_chunks`): the memory
    used is about twice the result.

    Returns:
        ``X`` (n, d), ``y`` (n, 1) and the names of the d feature columns.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: no header (a first row of numbers), a repeated column name, no rows, a row of
            the wrong length, a non-numeric, empty or NaN cell, or a lossy ``dtype``.
        TypeError: ``dtype`` is not a torch dtype.
    """
    chunks = iter_csv_chunks(path, _CHUNK_ROWS, target=target, dtype=dtype)
    parts = list(chunks)
    X = torch.cat([X for X, _ in parts]) if len(parts) > 1 else parts[0][0]
    y = torch.cat([y for _, y in parts]) if len(parts) > 1 else parts[0][1]
    return X, y, chunks.feature_names
