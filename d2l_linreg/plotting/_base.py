"""What every figure shares: the Figure class, the colours of the two colour schemes, the panels.

The site shows each figure twice, once for Material's light scheme and once for its dark
("slate") scheme; :func:`use_scheme` switches the colours that figures built inside it use
(background, text, grid, lines, colour map). Outside it, figures are drawn in the light scheme:
an opaque white background with black text, as the notebooks show them.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.colors import Colormap, ListedColormap
from matplotlib.figure import Figure

from d2l_linreg import _checks

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


@dataclass(frozen=True)
class Scheme:
    """The colours of one colour scheme."""

    name: str
    background: str
    foreground: str  # text, axes, reference lines
    muted: str  # secondary lines and shaded areas
    grid: str
    colors: tuple[str, ...]  # the data series, in order
    cmap_range: tuple[float, float]  # the part of viridis used for contours

    def cmap(self) -> Colormap:
        lo, hi = self.cmap_range
        base = matplotlib.colormaps["viridis"]
        return ListedColormap([base(lo + (hi - lo) * i / 255) for i in range(256)])


# The dark scheme's background is Material slate's (hsl(232, 15%, 14%)); its series colours are
# lighter tints of the light ones, and its contours skip viridis' darkest third, which would
# vanish into that background.
SCHEMES = {
    "light": Scheme("light", "#ffffff", "#000000", "#666666", "#dddddd", COLORS, (0.0, 1.0)),
    "dark": Scheme(
        "dark",
        "#1e2029",
        "#e6e6ea",
        "#a0a4b0",
        "#3a3e4c",
        ("#5aa9e6", "#ff6b6b", "#6bd66b", "#c79cf5", "#ffad4d"),
        (0.35, 1.0),
    ),
}
_active: list[Scheme] = [SCHEMES["light"]]


def scheme() -> Scheme:
    """The colour scheme figures are being drawn in now."""
    return _active[-1]


@contextlib.contextmanager
def use_scheme(name: str) -> Iterator[Scheme]:
    """Draw (and save) the figures built inside the block in the scheme ``"light"`` or ``"dark"``.

    Example:
        >>> with use_scheme("dark") as s:
        ...     s.background, scheme().name
        ('#1e2029', 'dark')
        >>> scheme().name
        'light'
    """
    s = SCHEMES[_checks.choice("name", name, tuple(SCHEMES))]
    rc = {
        "text.color": s.foreground,
        "axes.labelcolor": s.foreground,
        "axes.edgecolor": s.foreground,
        "xtick.color": s.foreground,
        "ytick.color": s.foreground,
        "legend.edgecolor": s.muted,
        "figure.facecolor": s.background,
        "axes.facecolor": s.background,
        "savefig.facecolor": s.background,
        # Byte-stable SVG: fixed ids, no date.
        "svg.hashsalt": "d2l_linreg",
        "svg.id": "d2l_linreg",
    }
    _active.append(s)
    try:
        with matplotlib.rc_context(rc):  # type: ignore[arg-type]  # keys as strings
            yield s
    finally:
        _active.pop()


class PageFigure(Figure):
    """A Figure that Jupyter shows as a PNG when it is a cell's value (no pyplot needed).

    ``data`` holds the numbers a page figure draws (empty for the general plots), so that a test
    can compare them with what the page states.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data: dict[str, Any] = {}

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()


def _figure(
    ncols: int, width: float = 4.2, height: float = 3.4, *, grid: bool = True
) -> tuple[PageFigure, list[Any]]:
    s = scheme()
    fig = PageFigure(figsize=(width * ncols, height), layout="constrained")
    fig.patch.set_facecolor(s.background)
    fig.patch.set_alpha(1.0)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.set_facecolor(s.background)
        if grid:
            ax.grid(True, color=s.grid, linewidth=0.6)
    return fig, list(axes)
