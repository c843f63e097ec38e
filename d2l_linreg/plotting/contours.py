"""Contours of a loss over two parameters, with an optimisation path drawn on top."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from matplotlib.figure import Figure

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError
from d2l_linreg.plotting._base import _figure, scheme

__all__ = ["plot_loss_contours"]


def _grid_bounds(points: torch.Tensor, margin: float = 0.25) -> tuple[float, float, float, float]:
    lo, hi = points.min(dim=0).values, points.max(dim=0).values
    pad = torch.clamp((hi - lo) * margin, min=0.5)
    return (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )


def _data_loss(
    X: Any, y: Any
) -> tuple[Callable[[torch.Tensor, torch.Tensor], torch.Tensor], torch.Tensor]:
    X, y = _checks.design_and_target(X, y)
    if X.shape[1] != 2:
        raise InputValueError(
            f"X must have exactly 2 columns for a contour over (w1, w2) (got {X.shape[1]}); "
            f"pass two features, or a callable loss(W1, W2)"
        )
    X, y = X.double(), y.double()
    w_star = torch.linalg.lstsq(X, y).solution.reshape(1, 2)

    def loss(W1: torch.Tensor, W2: torch.Tensor) -> torch.Tensor:
        W = torch.stack([W1.reshape(-1), W2.reshape(-1)])  # (2, m)
        return (((X @ W - y) ** 2).mean(dim=0) / 2).reshape(W1.shape)  # mean ½ r², (m,)

    return loss, w_star


def plot_loss_contours(
    loss: Any,
    y: Any = None,
    *,
    path: Any = None,
    bounds: Sequence[float] | None = None,
    labels: tuple[str, str] = ("$w_1$", "$w_2$"),
    num: int = 120,
    levels: int = 20,
    title: str | None = None,
) -> Figure:
    """Contours of a loss over two parameters, with an optimisation path drawn on top.

    Args:
        loss: either a callable ``loss(W1, W2)`` mapping two (num, num) grids to a (num, num)
            grid of losses, or the data ``X`` (n, 2) — then the loss is the mean ``½ (X w - y)²``
            over ``w = (w1, w2)`` (no bias) and ``y`` (n, 1) is required.
        y: targets when ``loss`` is data.
        path: optional (k, 2) tensor of iterates, drawn from a circle (start) to a star (end).
        bounds: ``(w1_min, w1_max, w2_min, w2_max)``; by default the path and the data's
            minimizer with a margin.
        labels: axis labels. num: grid points per axis. levels: number of contour levels
            (spaced geometrically above the smallest loss, so narrow valleys stay visible).
        title: optional axes title.

    Returns:
        The figure (one panel).

    Example:
        >>> fig = plot_loss_contours(lambda W1, W2: W1**2 + 10 * W2**2,
        ...                          path=torch.tensor([[2.0, 1.0], [1.0, -0.8], [0.5, 0.6], [0.0, 0.0]]))
        >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
        ('$w_1$', '$w_2$')
    """
    _checks.text("title", title)
    _checks.work_size("num", num, 120, limit=2000, cost="a num x num grid of losses")
    _checks.work_size("levels", levels, 20, limit=200, cost="contour lines")
    path_t = (
        None if path is None else _checks.finite("path", _checks.as_tensor("path", path)).double()
    )
    if path_t is not None and (path_t.dim() != 2 or path_t.shape[1] != 2 or len(path_t) == 0):
        raise InputValueError(
            f"path must have shape (k, 2) (got {tuple(path_t.shape)}); stack the iterates (w1, w2)"
        )
    if callable(loss):
        fn, anchor = loss, path_t
    else:
        if y is None:
            raise InputValueError(
                "y is required when loss is the data X; pass plot_loss_contours(X, y)"
            )
        fn, w_star = _data_loss(loss, y)
        anchor = w_star if path_t is None else torch.cat([path_t, w_star])
    if bounds is None:
        if anchor is None:
            raise InputValueError(
                "bounds are required for a callable loss without a path; pass bounds=(-1, 1, -1, 1)"
            )
        bounds = _grid_bounds(anchor)
    x0, x1, y0, y1 = bounds
    W1, W2 = torch.meshgrid(
        torch.linspace(x0, x1, num, dtype=torch.float64),
        torch.linspace(y0, y1, num, dtype=torch.float64),
        indexing="xy",
    )
    Lgrid = torch.as_tensor(fn(W1, W2), dtype=torch.float64)
    lo, hi = float(Lgrid.min()), float(Lgrid.max())
    span = max(hi - lo, 1e-12)
    lv = lo + span * torch.logspace(-3, 0, levels, dtype=torch.float64)
    s = scheme()
    fig, (ax,) = _figure(1, width=5.0, height=4.2)
    cs = ax.contour(
        W1.numpy(), W2.numpy(), Lgrid.numpy(), levels=lv.numpy(), cmap=s.cmap(), linewidths=0.9
    )
    fig.colorbar(cs, ax=ax, label="loss", format="%.3g")
    if path_t is not None:
        p = path_t.numpy()
        ax.plot(
            p[:, 0], p[:, 1], ".-", color=s.colors[1], linewidth=1.2, markersize=4, label="path"
        )
        ax.plot(p[0, 0], p[0, 1], "o", color=s.foreground, markersize=7, label="start")
        ax.plot(p[-1, 0], p[-1, 1], "*", color=s.colors[1], markersize=12, label="end")
        ax.legend(loc="best")
    ax.set(xlabel=labels[0], ylabel=labels[1], title=title or "loss contours")
    return fig
