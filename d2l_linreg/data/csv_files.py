"""Reading a numeric CSV file with a header into ``(X, y, feature_names)``."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import torch


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
