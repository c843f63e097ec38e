"""Figures of a training run: loss curves, residual plots, gradient noise against batch size.

Every function builds a :class:`~d2l_linreg.plotting.PageFigure` directly (no pyplot state,
nothing to close; a notebook shows it as a PNG when it is the value of a cell), with an opaque
background and labelled axes, and returns it. Nothing here runs during training: pass the
:class:`~d2l_linreg.History` (or the result tables) afterwards.
"""

from __future__ import annotations

from typing import Any

import torch  # noqa: F401  (the examples use it)
from matplotlib.figure import Figure

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError
from d2l_linreg.plotting._base import _figure, scheme

__all__ = ["plot_gradient_noise", "plot_loss_curves", "plot_residuals"]


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
    s = scheme()
    fig, axes = _figure(2 if step_loss and train_loss else 1)
    if step_loss:
        ax = axes[0]
        ax.plot(range(1, len(step_loss) + 1), step_loss, color=s.colors[0], linewidth=0.8)
        ax.set(xlabel="step", ylabel="minibatch loss", yscale="log", title="per step")
    if train_loss:
        ax = axes[-1]
        epochs = range(1, len(train_loss) + 1)
        ax.plot(epochs, train_loss, "o-", color=s.colors[0], label="train")
        if val_loss:
            ax.plot(
                range(1, len(val_loss) + 1), val_loss, "s--", color=s.colors[1], label="validation"
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
    s = scheme()
    fig, axes = _figure(len(views) + (g is not None))
    colors = [s.colors[0]] if g is None else [s.colors[int(i) % len(s.colors)] for i in g]
    for ax, (label, x) in zip(axes, views, strict=False):
        ax.scatter(x.tolist(), r.tolist(), s=9, c=colors, alpha=0.6, linewidths=0)
        ax.axhline(0.0, color=s.foreground, linewidth=1)
        ax.set(xlabel=label, ylabel="residual r = ŷ - y", title=f"residual vs {label.split()[0]}")
    if g is not None:
        ax = axes[-1]
        k = int(g.max()) + 1
        boxes = ax.boxplot(
            [r[g == i].tolist() for i in range(k)],
            tick_labels=[str(i) for i in range(k)],
            patch_artist=True,
            medianprops={"color": s.foreground},
        )
        for i, box in enumerate(boxes["boxes"]):  # the colours of the scatter points
            box.set(facecolor=s.colors[i % len(s.colors)], alpha=0.45)
        ax.axhline(0.0, color=s.foreground, linewidth=1)
        ax.set(xlabel="group", ylabel="residual r = ŷ - y", title="residual by group")
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
    s = scheme()
    fig, axes = _figure(3, width=4.0)
    ax = axes[0]
    ax.loglog(B, table.rel_error, "o-", color=s.colors[0], label="measured (RMS)")
    ax.loglog(
        B, table.predicted_rel_error, "--", color=s.colors[1], label="theory √(tr Σ / |B|) / ‖g‖"
    )
    ax.set(ylabel="relative error ‖g_B − g‖ / ‖g‖", title="noise falls as 1/√|B|")
    ax.legend()
    axes[1].semilogx(B, table.cosine, "o-", color=s.colors[2])
    axes[1].set(ylabel="cosine(g_B, g)", title="direction of the step")
    ax = axes[2]
    ax.loglog(B, table.seconds_per_update, "o-", color=s.colors[3], label="measured (median)")
    t0 = table.seconds_per_update[0] / B[0]
    ax.loglog(B, [t0 * b for b in B], ":", color=s.foreground, label="∝ |B| (examples touched)")
    ax.set(ylabel="seconds per update", title="cost of one update")
    ax.legend()
    for ax in axes:
        ax.set_xlabel("batch size |B| (examples per update)")
    return fig
