"""Small reference data shipped with the package: NIST's least-squares test problems.

NIST's Statistical Reference Datasets (StRD) come with coefficients certified to 15 digits,
so they grade a solver by its log relative error (``lre``): the number of correct digits.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from typing import NamedTuple

import torch

from .closed_form import polynomial_features

__all__ = ["NIST_DATASETS", "NistDataset", "load_nist"]

NIST_DATASETS = ("norris", "pontius", "longley", "filip", "wampler3", "wampler4", "wampler5")


class NistDataset(NamedTuple):
    """One NIST StRD linear regression problem.

    ``X`` (n, d) float64 (polynomial sets already expanded to ``x, x², ..., x^degree``),
    ``y`` (n, 1), ``certified`` (d + 1,) coefficients with the intercept first, ``degree``
    (None for Longley), ``residual_sd`` and ``r_squared`` (None where NIST lists none),
    ``difficulty`` (NIST's "lower" / "higher").
    """

    name: str
    X: torch.Tensor
    y: torch.Tensor
    certified: torch.Tensor
    degree: int | None
    residual_sd: float | None
    r_squared: float | None
    difficulty: str


def _read(filename: str) -> str:
    return (resources.files("d2l_linreg") / "data_files" / "nist" / filename).read_text("utf-8")


def load_nist(name: str) -> NistDataset:
    """Load a NIST StRD dataset by name (one of ``NIST_DATASETS``, case-insensitive).

    Args:
        name: e.g. ``"filip"``.

    Returns:
        A ``NistDataset``.

    Raises:
        ValueError: unknown name.

    Example:
        >>> data = load_nist("norris")
        >>> tuple(data.X.shape), tuple(data.y.shape), data.certified.tolist()
        ((36, 1), (36, 1), [-0.262323073774029, 1.00211681802045])
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in NIST_DATASETS:
        raise ValueError(
            f"name must be one of {NIST_DATASETS} (got {name!r}); use e.g. load_nist('filip')"
        )
    meta = json.loads(_read("certified.json"))["datasets"][key]
    rows = list(csv.reader(io.StringIO(_read(f"{key}.csv"))))
    data = torch.tensor([[float(v) for v in row] for row in rows[1:]], dtype=torch.float64)
    degree = meta.get("degree")
    X = polynomial_features(data[:, 1], degree) if degree is not None else data[:, 1:]
    return NistDataset(
        name=key,
        X=X,
        y=data[:, :1],
        certified=torch.tensor(meta["coefficients"], dtype=torch.float64),
        degree=degree,
        residual_sd=meta.get("residual_sd"),
        r_squared=meta.get("r_squared"),
        difficulty=meta["difficulty"],
    )
