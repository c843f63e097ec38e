"""Generalization: training vs validation error, model selection, and weight decay.

``d2l.generalization.*``: the polynomial running example (:func:`polynomial_data`), sweeps of
a hyperparameter measured in closed form (:func:`degree_sweep`, :func:`weight_decay_sweep`,
:func:`learning_curve`), K-fold cross-validation (:func:`kfold_splits`, :func:`cross_validate`)
and their figure (:func:`plot_sweeps`, which loads matplotlib on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from d2l_linreg.generalization.crossval import cross_validate, kfold_splits
from d2l_linreg.generalization.sweeps import (
    TRUE_COEFFICIENTS,
    Sweep,
    degree_sweep,
    learning_curve,
    polynomial_data,
    weight_decay_sweep,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def plot_sweeps(
    *sweeps: Sweep,
    labels: Any = None,
    log_x: bool = False,
    floor: float | None = None,
    title: str | None = None,
) -> Figure:
    """Training (dashed) and validation (solid) RMSE of each sweep against its values, log y.

    Imports matplotlib on first use (``figures.py``), so that ``import d2l_linreg`` does not.

    Args:
        sweeps: one or more :class:`Sweep` of the same hyperparameter, one colour each.
        labels: a name per sweep for the legend (default: none, one sweep).
        log_x: a logarithmic x axis (for λ, or the number of examples).
        floor: draw a horizontal line at this RMSE (the noise level, which no model beats).
        title: optional title.

    Example:
        >>> fig = plot_sweeps(Sweep("degree", (1, 2), (0.5, 0.1), (0.6, 0.2)), floor=0.1)
        >>> fig.axes[0].get_xlabel(), fig.axes[0].get_yscale()
        ('degree', 'log')
    """
    from d2l_linreg.generalization import figures  # matplotlib, on first use

    return figures.draw_sweeps(*sweeps, labels=labels, log_x=log_x, floor=floor, title=title)
