"""Figures: the general plots of the notebooks, and the figures of the theory and example pages.

* :mod:`~d2l_linreg.plotting.curves` — loss curves, residual plots, gradient noise;
* :mod:`~d2l_linreg.plotting.contours` — loss contours with an optimisation path;
* :mod:`~d2l_linreg.plotting.pages` — the figures of the theory and worked-example pages, by
  name, as the site's build draws them (``FIGURES``, ``render``).

Every function returns a :class:`PageFigure` (a matplotlib Figure; a notebook shows it as a
PNG), with an opaque background and labelled axes. Figures are drawn in the light colour scheme
unless built inside ``with d2l.plotting.pages.use_scheme("dark"):``, which the site uses for
its dark ("slate") scheme.
"""

from __future__ import annotations

from d2l_linreg.plotting._base import PageFigure
from d2l_linreg.plotting.contours import plot_loss_contours
from d2l_linreg.plotting.curves import plot_gradient_noise, plot_loss_curves, plot_residuals

__all__ = [
    "PageFigure",
    "plot_gradient_noise",
    "plot_loss_contours",
    "plot_loss_curves",
    "plot_residuals",
]
