"""The figure of the generalization pages: training and validation error against a hyperparameter.

Loaded by ``d2l.generalization.plot_sweeps`` on first use, so that importing the package does
not import matplotlib.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError
from d2l_linreg.generalization.sweeps import Sweep
from d2l_linreg.plotting._base import COLORS, _figure


def draw_sweeps(
    *sweeps: Sweep,
    labels: Any = None,
    log_x: bool = False,
    floor: float | None = None,
    title: str | None = None,
) -> Figure:
    """:func:`d2l_linreg.generalization.plot_sweeps` (documented there), with matplotlib loaded."""
    if not sweeps or not all(isinstance(s, Sweep) for s in sweeps):
        raise InputTypeError(
            f"sweeps must be Sweep results (got {[type(s).__name__ for s in sweeps]}); pass "
            f"e.g. d2l.generalization.degree_sweep(...)"
        )
    names = list(labels) if isinstance(labels, (list, tuple)) else [None] * len(sweeps)
    if (
        (labels is not None and not isinstance(labels, (list, tuple)))
        or len(names) != len(sweeps)
        or not all(isinstance(n, str) for n in names if labels is not None)
    ):
        raise InputValueError(
            f"labels must be one string per sweep ({len(sweeps)}) (got {labels!r:.60}); "
            f"use e.g. labels=['degree 1', 'degree 3']"
        )
    _checks.flag("log_x", log_x)
    _checks.text("title", title)
    fig, (ax,) = _figure(1, width=5.6, height=3.6)
    for i, (s, name) in enumerate(zip(sweeps, names, strict=True)):
        color, tag = COLORS[i % len(COLORS)], f"{name}: " if name else ""
        ax.plot(s.values, s.train_rmse, "o--", color=color, label=f"{tag}training")
        ax.plot(s.values, s.val_rmse, "s-", color=color, label=f"{tag}validation")
    if floor is not None:
        floor = _checks.positive_float("floor", floor, 0.1, maximum=1e100)
        ax.axhline(floor, color="black", linewidth=1, linestyle=":", label="noise level")
    ax.set(xlabel=sweeps[0].name, ylabel="RMSE", yscale="log", xscale="log" if log_x else "linear")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return fig
