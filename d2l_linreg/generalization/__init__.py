"""Generalization: training vs validation error, model selection, and weight decay.

``d2l.generalization.*``: the polynomial running example (:func:`polynomial_data`), sweeps of
a hyperparameter measured in closed form (:func:`degree_sweep`, :func:`weight_decay_sweep`,
:func:`learning_curve`), K-fold cross-validation (:func:`kfold_splits`, :func:`cross_validate`)
and their figure (:func:`plot_sweeps`, which loads matplotlib on first use).
"""

from __future__ import annotations

import importlib

from d2l_linreg.generalization.crossval import cross_validate, kfold_splits
from d2l_linreg.generalization.sweeps import (
    TRUE_COEFFICIENTS,
    Sweep,
    degree_sweep,
    learning_curve,
    polynomial_data,
    weight_decay_sweep,
)

__all__ = [
    "TRUE_COEFFICIENTS",
    "Sweep",
    "cross_validate",
    "degree_sweep",
    "kfold_splits",
    "learning_curve",
    "plot_sweeps",
    "polynomial_data",
    "weight_decay_sweep",
]


def __getattr__(name: str) -> object:
    if name == "plot_sweeps":
        return importlib.import_module("d2l_linreg.generalization.figures").plot_sweeps
    raise AttributeError(f"module 'd2l_linreg.generalization' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"plot_sweeps"})
