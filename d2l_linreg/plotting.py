"""Figures used by the pages: loss curves, residual plots, loss contours with a path, gradient noise.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot state, nothing to
close; a notebook shows it as a PNG when it is the value of a cell), with an opaque white
background and labelled axes so that it reads the same in the light and the dark colour scheme,
and returns it. Nothing here runs during training: pass the
:class:`~d2l_linreg.History` (or the result tables) afterwards.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import torch
from matplotlib.figure import Figure

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError

__all__ = [
    "PageFigure",
    "plot_gradient_noise",
    "plot_loss_contours",
    "plot_loss_curves",
    "plot_residuals",
]

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


class PageFigure(Figure):
    """A Figure that Jupyter shows as a PNG when it is a cell's value (no pyplot needed)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()


def _figure(ncols: int, width: float = 4.2, height: float = 3.4) -> tuple[Figure, list[Any]]:
    fig = PageFigure(figsize=(width * ncols, height), layout="constrained")
    fig.patch.set_facecolor("white")
    fig.patch.set_alpha(1.0)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.set_facecolor("white")
        ax.grid(True, color="#dddddd", linewidth=0.6)
    return fig, list(axes)


def plot_loss_curves(history: Any, *, title: str | None = None) -> Figure:
    """Loss per step (left, log scale) and per epoch for training and validation (right).

    Args:
        history: an object with lists ``step_loss``, ``train_loss`` and optionally ``val_loss``
            (a :class:`d2l_linreg.History`).
        title: optional figure title.

    Returns:
        The figure (two panels; one when there are no step losses).

    Example:
        >>> from types import SimpleNamespace
        >>> h = SimpleNamespace(step_loss=[4.0, 2.0, 1.0, 0.5], train_loss=[2.0, 0.6], val_loss=[2.1, 0.7])
        >>> fig = plot_loss_curves(h, title="demo")
        >>> [ax.get_xlabel() for ax in fig.axes]
        ['step', 'epoch']
    """
    _checks.text("title", title)
    _checks.record("history", history, ("step_loss", "train_loss"), "History", "pass train's")
    step_loss = list(getattr(history, "step_loss", []) or [])
    train_loss = list(getattr(history, "train_loss", []) or [])
    val_loss = list(getattr(history, "val_loss", []) or [])
    if not (step_loss or train_loss):
        raise InputValueError(
            "history must have a non-empty step_loss or train_loss (got neither); "
            "pass the History returned by train(...)"
        )
    fig, axes = _figure(2 if step_loss and train_loss else 1)
    if step_loss:
        ax = axes[0]
        ax.plot(range(1, len(step_loss) + 1), step_loss, color=COLORS[0], linewidth=0.8)
        ax.set(xlabel="step", ylabel="minibatch loss", yscale="log", title="per step")
    if train_loss:
        ax = axes[-1]
        epochs = range(1, len(train_loss) + 1)
        ax.plot(epochs, train_loss, "o-", color=COLORS[0], label="train")
        if val_loss:
            ax.plot(
                range(1, len(val_loss) + 1), val_loss, "s--", color=COLORS[1], label="validation"
            )
        ax.set(xlabel="epoch", ylabel="mean loss", yscale="log", title="per epoch")
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_residuals(y_hat: Any, y: Any, *, feature: Any = None, groups: Any = None) -> Figure:
    """Residuals ``r = y_hat - y`` against the fitted values, the feature, and by group.

    Args:
        y_hat, y: predictions and targets, shape (n,) or (n, 1).
        feature: optional feature (n,) or (n, 1): adds a panel "residual vs feature".
        groups: optional integer labels (n,): adds a box plot per group and colours the points.

    Returns:
        The figure, one panel per view (1 to 3).

    Example:
        >>> x = torch.linspace(0, 1, 20)
        >>> fig = plot_residuals(2 * x, 2 * x + 0.1 * torch.sin(9 * x), feature=x,
        ...                      groups=torch.arange(20) % 2)
        >>> [ax.get_xlabel() for ax in fig.axes]
        ['fitted value ŷ', 'feature', 'group']
    """
    y_hat = _checks.float_vector("y_hat", y_hat)
    r = y_hat - _checks.float_vector("y", y, len(y_hat))
    views = [("fitted value ŷ", y_hat)]
    if feature is not None:
        views.append(("feature", _checks.float_vector("feature", feature, len(r))))
    g = None if groups is None else _checks.group_labels(groups, len(r))
    fig, axes = _figure(len(views) + (g is not None))
    colors = [COLORS[0]] if g is None else [COLORS[int(i) % len(COLORS)] for i in g]
    for ax, (label, x) in zip(axes, views, strict=False):
        ax.scatter(x.tolist(), r.tolist(), s=9, c=colors, alpha=0.6, linewidths=0)
        ax.axhline(0.0, color="black", linewidth=1)
        ax.set(xlabel=label, ylabel="residual r = ŷ - y", title=f"residual vs {label.split()[0]}")
    if g is not None:
        ax = axes[-1]
        k = int(g.max()) + 1
        boxes = ax.boxplot(
            [r[g == i].tolist() for i in range(k)],
            tick_labels=[str(i) for i in range(k)],
            patch_artist=True,
            medianprops={"color": "black"},
        )
        for i, box in enumerate(boxes["boxes"]):  # the colours of the scatter points
            box.set(facecolor=COLORS[i % len(COLORS)], alpha=0.45)
        ax.axhline(0.0, color="black", linewidth=1)
        ax.set(xlabel="group", ylabel="residual r = ŷ - y", title="residual by group")
    return fig


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
    fig, (ax,) = _figure(1, width=5.0, height=4.2)
    cs = ax.contour(
        W1.numpy(), W2.numpy(), Lgrid.numpy(), levels=lv.numpy(), cmap="viridis", linewidths=0.9
    )
    fig.colorbar(cs, ax=ax, label="loss", format="%.3g")
    if path_t is not None:
        p = path_t.numpy()
        ax.plot(p[:, 0], p[:, 1], ".-", color=COLORS[1], linewidth=1.2, markersize=4, label="path")
        ax.plot(p[0, 0], p[0, 1], "o", color="black", markersize=7, label="start")
        ax.plot(p[-1, 0], p[-1, 1], "*", color=COLORS[1], markersize=12, label="end")
        ax.legend(loc="best")
    ax.set(xlabel=labels[0], ylabel=labels[1], title=title or "loss contours")
    return fig


def plot_gradient_noise(table: Any) -> Figure:
    """Minibatch gradient noise against batch size: relative error, cosine, time per update.

    Args:
        table: a :class:`d2l_linreg.GradientNoise` (lists ``batch_sizes``, ``rel_error``,
            ``predicted_rel_error``, ``cosine``, ``seconds_per_update``).

    Returns:
        The figure: three panels sharing the batch-size axis (log scale).

    Example:
        >>> from d2l_linreg import gradient_noise
        >>> X = torch.randn(4096, 2, generator=torch.Generator().manual_seed(0))
        >>> fig = plot_gradient_noise(gradient_noise(X, X @ torch.tensor([[2.0], [-3.4]]) + 4.2,
        ...                                          batch_sizes=[1, 4, 16], seed=0))
        >>> [ax.get_ylabel() for ax in fig.axes]
        ['relative error ‖g_B − g‖ / ‖g‖', 'cosine(g_B, g)', 'seconds per update']
    """
    fields = ("batch_sizes", "rel_error", "predicted_rel_error", "cosine", "seconds_per_update")
    _checks.record("table", table, fields, "GradientNoise", "pass gradient_noise(...)'s result")
    B = list(table.batch_sizes)
    fig, axes = _figure(3, width=4.0)
    ax = axes[0]
    ax.loglog(B, table.rel_error, "o-", color=COLORS[0], label="measured (RMS)")
    ax.loglog(
        B, table.predicted_rel_error, "--", color=COLORS[1], label="theory √(tr Σ / |B|) / ‖g‖"
    )
    ax.set(ylabel="relative error ‖g_B − g‖ / ‖g‖", title="noise falls as 1/√|B|")
    ax.legend()
    axes[1].semilogx(B, table.cosine, "o-", color=COLORS[2])
    axes[1].set(ylabel="cosine(g_B, g)", title="direction of the step")
    ax = axes[2]
    ax.loglog(B, table.seconds_per_update, "o-", color=COLORS[3], label="measured (median)")
    t0 = table.seconds_per_update[0] / B[0]
    ax.loglog(B, [t0 * b for b in B], ":", color="black", label="∝ |B| (examples touched)")
    ax.set(ylabel="seconds per update", title="cost of one update")
    ax.legend()
    for ax in axes:
        ax.set_xlabel("batch size |B| (examples per update)")
    return fig
