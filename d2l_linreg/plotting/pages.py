"""The figures of the theory and worked-example pages, by name, as the site's build draws them.

``FIGURES`` maps a figure's name to the function that draws it; a page embeds a figure with
``![what it shows](figure:NAME)``, and ``docs/hooks/figures.py`` renders every name here twice
(:func:`render`, light and dark scheme) into the site's ``figures/`` folder at build time.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError
from d2l_linreg.plotting import theory, worked
from d2l_linreg.plotting._base import SCHEMES, PageFigure, use_scheme

__all__ = ["FIGURES", "SCHEMES", "render", "use_scheme"]

FIGURES: dict[str, Callable[[], PageFigure]] = {
    "neuron": theory.neuron,  # theory/linear-model.md
    "fit-residuals": theory.fit_residuals,  # theory/loss-and-risk.md
    "half-vs-mse": theory.half_vs_mse,  # theory/loss-and-risk.md
    "gd-vs-sgd": theory.gd_vs_sgd,  # theory/minibatch-sgd.md
    "projection": theory.projection,  # theory/normal-equation.md
    "noise-densities": theory.noise_densities,  # theory/probabilistic-view.md
    "sgd-step": worked.sgd_step,  # examples/sgd-update.md
    "normal-equation-picture": worked.normal_equation_picture,  # examples/normal-equation.md
}


def render(name: str, scheme: str = "light", fmt: str = "svg") -> bytes:
    """The figure ``name`` drawn in ``scheme`` (``"light"`` or ``"dark"``) as SVG or PNG bytes.

    The SVG is byte-stable: the same bytes on every build (fixed ids, no date, text as paths).

    Example:
        >>> render("sgd-step")[:5], render("sgd-step") == render("sgd-step")
        (b'<?xml', True)
        >>> render("sgd-step", fmt="png")[:4]
        b'\\x89PNG'
    """
    if name not in FIGURES:
        raise InputValueError(
            f"name must be one of the page figures {tuple(FIGURES)} (got {name!r}); "
            f"add the function to FIGURES in d2l_linreg/plotting/pages.py first"
        )
    _checks.choice("scheme", scheme, tuple(SCHEMES))
    _checks.choice("fmt", fmt, ("svg", "png"))
    with use_scheme(scheme):
        fig = FIGURES[name]()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()
