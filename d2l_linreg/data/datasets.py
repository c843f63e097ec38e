"""Reference data: NIST's least-squares test problems (shipped) and scikit-learn's diabetes data.

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

from d2l_linreg import _checks
from d2l_linreg.closed_form import polynomial_features

__all__ = ["NIST_DATASETS", "NistDataset", "load_diabetes", "load_nist"]

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
    key = _checks.choice("name", name.lower() if isinstance(name, str) else name, NIST_DATASETS)
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


def load_diabetes(
    *, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """scikit-learn's diabetes data (442 patients, 10 features), read from the installed package.

    The features are the raw values (``scaled=False``): age in years, sex coded 1/2, body mass
    index, blood pressure and six blood serum measurements. The target is a measure of disease
    progression one year after baseline. No network access is needed.

    Returns:
        ``(X, y, feature_names)`` with ``X`` (442, 10) and ``y`` (442, 1).

    Raises:
        ImportError: scikit-learn is not installed (it comes with the ``docs`` extra).

    Example:
        >>> X, y, names = load_diabetes()
        >>> X.shape, y.shape, names[:4]
        (torch.Size([442, 10]), torch.Size([442, 1]), ['age', 'sex', 'bmi', 'bp'])
    """
    _checks.float_dtype("dtype", dtype)
    try:
        from sklearn.datasets import load_diabetes as _load
    except ImportError as exc:  # pragma: no cover - scikit-learn ships with the docs/test extras
        raise ImportError(
            "load_diabetes needs scikit-learn; install it with pip install 'd2l_linreg[docs]'"
        ) from exc
    data = _load(scaled=False)
    X = torch.as_tensor(data.data, dtype=dtype)  # (442, 10)
    y = torch.as_tensor(data.target, dtype=dtype).reshape(-1, 1)  # (442, 1)
    return X, y, list(data.feature_names)
