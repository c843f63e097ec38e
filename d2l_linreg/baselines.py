"""Baselines first: the linear model against an MLP, trained by the same :func:`train` call.

Two kinds of evidence live here. On synthetic data whose truth we choose, the MLP wins only when
the truth is nonlinear (:func:`regression_problem`, :func:`compare_with_mlp`). On a small real data
set that ships with scikit-learn (:func:`~d2l_linreg.data.load_diabetes`) we fit the linear baseline by closed form
and by SGD, then the MLP, and re-split the data to see how much of any difference is noise
(:func:`diabetes_report`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.closed_form import fit_least_squares
from d2l_linreg.data.datasets import load_diabetes
from d2l_linreg.data.scaling import standardize_parts
from d2l_linreg.data.splits import three_way_split, train_val_split
from d2l_linreg.data.synthetic import synthetic_data
from d2l_linreg.errors import InputTypeError, InputValueError
from d2l_linreg.models.concise import linear_model, mlp
from d2l_linreg.models.scratch import squared_loss
from d2l_linreg.training.loop import History, evaluate, train
from d2l_linreg.training.metrics import rmse

__all__ = [
    "BaselineComparison",
    "RealDataReport",
    "compare_with_mlp",
    "diabetes_report",
    "regression_problem",
]

Batch = tuple[torch.Tensor, torch.Tensor]
KINDS = ("linear", "quadratic", "sine")


def regression_problem(
    kind: str = "quadratic",
    num_examples: int = 1000,
    *,
    noise: float = 0.3,
    seed: int | None = None,
) -> Batch:
    """A two-feature problem whose effect of the first feature ``x0`` is linear or not.

    ``y = 2 x0 - 3.4 x1 + 4.2 + f(x0) + noise * eps`` with ``f = 0`` (``"linear"``),
    ``f = x0²`` (``"quadratic"``) or ``f = 2 sin(2 x0)`` (``"sine"``). The same seed gives the
    same ``X`` and noise for every kind, so only the truth changes.

    Returns:
        ``(X, y)``: float32 tensors of shapes (n, 2) and (n, 1).

    Raises:
        ValueError: ``kind`` is not one of ``"linear"``, ``"quadratic"``, ``"sine"``.

    Example:
        >>> X, y_lin = regression_problem("linear", 5, noise=0.0, seed=0)
        >>> _, y_sq = regression_problem("quadratic", 5, noise=0.0, seed=0)
        >>> torch.allclose(y_sq - y_lin, X[:, :1] ** 2)
        True
    """
    _checks.choice("kind", kind, KINDS)
    X, y = synthetic_data([2.0, -3.4], 4.2, num_examples, noise, seed=seed)
    x0 = X[:, :1]  # (n, 1)
    if kind == "quadratic":
        y = y + x0**2
    elif kind == "sine":
        y = y + 2 * torch.sin(2 * x0)
    return X, y


@dataclass
class BaselineComparison:
    """Validation losses (mean ½ squared error) of the linear model and the MLP on one split."""

    linear_val: float
    mlp_val: float
    linear_history: History
    mlp_history: History

    @property
    def ratio(self) -> float:
        """``linear_val / mlp_val``: above 1 the MLP is better, below 1 the linear model is."""
        return self.linear_val / self.mlp_val


def compare_with_mlp(
    X: Any,
    y: Any,
    *,
    hidden: int = 64,
    lr: float = 0.03,
    num_epochs: int = 30,
    batch_size: int = 32,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> BaselineComparison:
    """Train ``linear_model`` and ``mlp`` with the *same* :func:`train` call; compare validation loss.

    Both use ``torch.optim.SGD(lr)``, :func:`squared_loss`, the same split, batches and epochs;
    only the model differs.

    Example:
        >>> X, y = regression_problem("quadratic", 1000, seed=0)
        >>> result = compare_with_mlp(X, y, seed=0)
        >>> result.ratio > 5      # the MLP captures x0², the line cannot
        True
    """
    X, y = (t.float() for t in _checks.design_and_target(X, y))  # the models are float32
    _checks.positive_int("hidden", hidden, 64)
    _checks.positive_float("lr", lr, 0.03, maximum=_checks.FLOAT32_MAX)
    (X_tr, y_tr), val = train_val_split(X, y, val_fraction, seed=seed)
    losses, histories = [], []
    for model in (linear_model(X_tr.shape[1], seed=seed), mlp(X_tr.shape[1], hidden, seed=seed)):
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        history = train(
            model,
            squared_loss,
            optimizer,
            (X_tr, y_tr),
            num_epochs=num_epochs,
            val_data=val,
            batch_size=batch_size,
            seed=seed,
        )
        histories.append(history)
        losses.append(evaluate(model, squared_loss, val))
    return BaselineComparison(losses[0], losses[1], histories[0], histories[1])


# --- A baseline on real data ------------------------------------------------------------------


@dataclass
class RealDataReport:
    """Root mean squared errors, in the target's units, of each model on each part of one split.

    ``rmse[model][part]`` with models among ``"mean"`` (predict the training mean),
    ``"closed_form"``, ``"sgd"`` (the linear model trained by :func:`train`) and ``"mlp"``, and
    parts ``"train"``, ``"val"``, ``"test"``.
    """

    seed: int
    rmse: dict[str, dict[str, float]]


def diabetes_report(
    seed: int = 0,
    *,
    models: tuple[str, ...] = ("mean", "closed_form", "sgd", "mlp"),
    lr: float = 0.03,
    num_epochs: int = 60,
    batch_size: int = 32,
    hidden: int = 32,
) -> RealDataReport:
    """The whole baseline study of the real-data page for one random split.

    Split 60/20/20 with ``seed``, standardize features and target with training statistics
    (:func:`standardize_parts`), fit each model on the training part, report RMSE on all three
    parts in the original units. ``"sgd"`` and ``"mlp"`` use the same :func:`train` call
    (``torch.optim.SGD(lr)``, :func:`squared_loss`, float32); ``"closed_form"`` runs in float64.

    Example:
        >>> report = diabetes_report(0, models=("mean", "closed_form"))
        >>> report.rmse["closed_form"]["val"] < report.rmse["mean"]["val"]
        True
    """
    if isinstance(models, str) or not isinstance(models, (tuple, list)) or not models:
        raise InputTypeError(
            f"models must be a non-empty tuple of names (got {models!r}); "
            f"use e.g. models=('closed_form', 'mlp')"
        )
    unknown = [m for m in models if m not in ("mean", "closed_form", "sgd", "mlp")]
    if unknown:
        raise InputValueError(
            f"models must be among 'mean', 'closed_form', 'sgd', 'mlp' (got "
            f"{sorted(unknown)}); use e.g. models=('closed_form', 'mlp')"
        )
    _checks.positive_int("hidden", hidden, 32)
    _checks.positive_float("lr", lr, 0.03, maximum=_checks.FLOAT32_MAX)
    X, y, _ = load_diabetes()
    raw = dict(
        zip(("train", "val", "test"), three_way_split(X, y, 0.2, 0.2, seed=seed), strict=True)
    )
    std_parts, _, y_scaler = standardize_parts(raw["train"], raw["val"], raw["test"])
    parts = dict(zip(raw, std_parts, strict=True))
    result = {}
    for name in models:
        predict = _fit_predictor(name, parts["train"], seed, lr, num_epochs, batch_size, hidden)
        result[name] = {
            part: rmse(y_scaler.mean + y_scaler.std * predict(parts[part][0]), raw[part][1])
            for part in raw
        }
    return RealDataReport(seed, result)


def _fit_predictor(
    name: str,
    train_part: Batch,
    seed: int,
    lr: float,
    num_epochs: int,
    batch_size: int,
    hidden: int,
) -> Any:
    """Fit model ``name`` on standardized ``train_part``; return ``X -> y_hat`` (n, 1) float64."""
    X, y = train_part
    if name == "mean":
        return lambda Z: torch.zeros(Z.shape[0], 1, dtype=torch.float64)  # the training mean
    if name == "closed_form":
        fit = fit_least_squares(X, y)
        return lambda Z: (Z @ fit.w.reshape(-1, 1) + fit.b).double()  # (n, d) @ (d, 1)
    model = (
        linear_model(X.shape[1], seed=seed) if name == "sgd" else mlp(X.shape[1], hidden, seed=seed)
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    train(
        model,
        squared_loss,
        optimizer,
        (X.float(), y.float()),
        num_epochs=num_epochs,
        batch_size=batch_size,
        seed=seed,
    )
    model.eval()

    def predict(Z: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            y_hat: torch.Tensor = model(Z.float())
        return y_hat.double()

    return predict
