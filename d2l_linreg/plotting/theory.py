"""The figures of the theory pages, each built from the data and code of its page.

Every function takes no argument (the page's problem is fixed), returns a
:class:`~d2l_linreg.plotting.PageFigure`, and stores the numbers it draws in ``fig.data`` so that
``tests/test_figures.py`` can compare them with what the page prints. The colours follow the
active scheme (:func:`~d2l_linreg.plotting._base.use_scheme`).
"""

from __future__ import annotations

import functools
import math

import torch
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle
from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # type: ignore[import-untyped]
from torch import nn

from d2l_linreg.closed_form import fit_least_squares
from d2l_linreg.data import data_iter, synthetic_data
from d2l_linreg.likelihood import gaussian_nll
from d2l_linreg.models.gradients import minibatch_gradients
from d2l_linreg.models.scratch import squared_loss
from d2l_linreg.plotting._base import PageFigure, _figure, scheme
from d2l_linreg.plotting.contours import plot_loss_contours

__all__ = ["fit_residuals", "gd_vs_sgd", "half_vs_mse", "neuron", "noise_densities", "projection"]


def neuron() -> PageFigure:
    """linear-model.md: the model as one neuron, inputs x_1..x_d and 1, weights w_1..w_d and b."""
    s = scheme()
    fig, (ax,) = _figure(1, width=5.6, height=3.6, grid=False)
    ax.set_axis_off()
    ax.set_aspect("equal")
    inputs = [("$x_1$", 3.0, "$w_1$"), ("$x_2$", 2.0, "$w_2$"), ("$x_d$", 0.5, "$w_d$")]
    inputs.append(("$1$", -0.5, "$b$"))
    out = (4.0, 1.25)
    radius = 0.36
    for label, y, weight in inputs:
        bias = label == "$1$"
        color = s.colors[1] if bias else s.colors[0]
        ax.add_patch(Circle((0.0, y), radius, fill=False, edgecolor=color, linewidth=1.6))
        ax.text(0.0, y, label, ha="center", va="center", fontsize=13)
        dx, dy = out[0], out[1] - y
        norm = math.hypot(dx, dy)
        start = (radius * dx / norm, y + radius * dy / norm)
        end = (out[0] - radius * dx / norm, out[1] - radius * dy / norm)
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.3},
        )
        ax.text(1.6, y + 0.4 * (out[1] - y) + 0.18, weight, ha="center", va="bottom", fontsize=12)
    ax.text(0.0, 1.3, "$\\vdots$", ha="center", va="center", fontsize=14)
    ax.add_patch(Circle(out, radius, fill=False, edgecolor=s.foreground, linewidth=1.8))
    ax.text(*out, "$\\hat y$", ha="center", va="center", fontsize=13)
    ax.text(0.0, 3.75, "input layer", ha="center", fontsize=10, color=s.muted)
    ax.text(out[0], out[1] + 0.65, "output layer", ha="center", fontsize=10, color=s.muted)
    ax.text(
        2.0,
        -1.45,
        "$\\hat y = w_1 x_1 + w_2 x_2 + \\cdots + w_d x_d + b$",
        ha="center",
        fontsize=12,
    )
    ax.set(xlim=(-0.6, 4.7), ylim=(-1.7, 4.0))
    fig.data = {"inputs": [label for label, _, _ in inputs], "weights": [w for *_, w in inputs]}
    return fig


def _one_feature_data() -> tuple[torch.Tensor, torch.Tensor]:
    """loss-and-risk.md's data: 50 examples of y ≈ 2x + noise."""
    return synthetic_data([2.0], 0.0, 50, noise=0.5, seed=0)


def fit_residuals() -> PageFigure:
    """loss-and-risk.md: the data, the least-squares line y_hat = w x, and each residual."""
    s = scheme()
    X, y = _one_feature_data()
    fit = fit_least_squares(X, y, fit_intercept=False)
    w = float(fit.w[0])
    x, t = X[:, 0].double(), y[:, 0].double()
    y_hat = w * x
    fig, (ax,) = _figure(1, width=5.4, height=3.8)
    segments = [
        [(a, c), (a, h)] for a, c, h in zip(x.tolist(), t.tolist(), y_hat.tolist(), strict=True)
    ]
    ax.add_collection(
        LineCollection(segments, colors=s.colors[1], linewidths=1.0, label="residual")
    )
    ax.scatter(x.tolist(), t.tolist(), s=14, color=s.colors[0], label="example $(x, y)$", zorder=3)
    lo, hi = float(x.min()), float(x.max())
    ax.plot(
        [lo, hi], [w * lo, w * hi], color=s.foreground, linewidth=1.5, label="fit $\\hat y = wx$"
    )
    ax.set(xlabel="feature $x$", ylabel="target $y$", title="residuals $r = \\hat y - y$")
    ax.legend(loc="upper left")
    fig.data = {"x": x.tolist(), "y": t.tolist(), "w": w, "r": (y_hat - t).tolist()}
    return fig


def half_vs_mse() -> PageFigure:
    """loss-and-risk.md: the ½-loss and nn.MSELoss over a grid of w, one minimizer, a factor 2."""
    s = scheme()
    X, y = _one_feature_data()
    ws = torch.linspace(0.0, 4.0, 401)  # the page's grid
    half = torch.stack([squared_loss(X * w, y).mean() for w in ws])
    mse = torch.stack([nn.MSELoss()(X * w, y) for w in ws])
    w_min = ws[half.argmin()].item()
    fig, (ax,) = _figure(1, width=5.4, height=3.8)
    ax.plot(ws.tolist(), mse.tolist(), color=s.colors[1], label="nn.MSELoss: mean of $r^2$")
    ax.plot(ws.tolist(), half.tolist(), color=s.colors[0], label="ours: mean of $\\frac{1}{2} r^2$")
    ax.axvline(w_min, color=s.muted, linestyle="--", linewidth=1, label="the common minimizer")
    ax.set(xlabel="weight $w$", ylabel="loss", title="same minimizer, values a factor 2 apart")
    ax.legend(loc="upper center")
    fig.data = {"ws": ws.tolist(), "half": half.tolist(), "mse": mse.tolist(), "w_min": w_min}
    return fig


@functools.cache  # drawn twice per build (light and dark): train once; nothing mutates it
def _sgd_paths() -> dict[str, torch.Tensor]:
    """minibatch-sgd.md's loop (3 epochs, batch 10, lr 0.03), and as many full-batch steps."""
    X, y = synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
    w, b, lr = torch.zeros(2, 1), torch.zeros(1), 0.03
    sgd = [w.flatten()]
    for epoch in range(3):
        for XB, yB in data_iter(10, X, y, seed=epoch):
            grad_w, grad_b = minibatch_gradients(XB, yB, w, b)
            w, b = w - lr * grad_w, b - lr * grad_b
            sgd.append(w.flatten())
    w, b = torch.zeros(2, 1), torch.zeros(1)
    gd = [w.flatten()]
    for _ in range(len(sgd) - 1):
        grad_w, grad_b = minibatch_gradients(X, y, w, b)
        w, b = w - lr * grad_w, b - lr * grad_b
        gd.append(w.flatten())
    return {"X": X, "y": y, "sgd": torch.stack(sgd), "gd": torch.stack(gd)}


def gd_vs_sgd() -> PageFigure:
    """minibatch-sgd.md: loss contours over (w1, w2), the full-batch and the minibatch path."""
    s = scheme()
    run = _sgd_paths()
    fit = fit_least_squares(run["X"], run["y"])
    assert fit.residuals is not None  # an in-memory fit keeps its residuals
    Xd, r_star = run["X"].double(), fit.residuals.double().reshape(-1)
    G = Xd.T @ Xd / len(Xd)  # the loss at b = b* is L* + ½ (w - w*)ᵀ G (w - w*): X^T r* = 0
    floor = 0.5 * float((r_star**2).mean())
    w_star = fit.w.double()

    def loss(W1: torch.Tensor, W2: torch.Tensor) -> torch.Tensor:
        D = torch.stack([W1 - w_star[0], W2 - w_star[1]])  # (2, m, m)
        return floor + 0.5 * torch.einsum("i...,ij,j...->...", D, G, D)

    sgd, gd = run["sgd"].double(), run["gd"].double()
    fig = plot_loss_contours(
        loss, path=sgd, bounds=(-0.4, 2.6, -3.9, 0.5), title="loss over $(w_1, w_2)$ at $b = b^*$"
    )
    ax = fig.axes[0]
    ax.lines[0].set_label("minibatch SGD")
    ax.lines[0].set_linewidth(0.8)
    ax.plot(gd[:, 0], gd[:, 1], "-", color=s.colors[0], linewidth=2.0, label="gradient descent")
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=8)
    assert isinstance(fig, PageFigure)  # plot_loss_contours draws on _figure
    fig.data = {"sgd": sgd.tolist(), "gd": gd.tolist(), "w_star": w_star.tolist()}
    return fig


def noise_densities() -> PageFigure:
    """probabilistic-view.md: Gaussian noise densities for several σ, and their NLL vs ½ r²."""
    s = scheme()
    sigmas = (0.5, 1.0, 2.0)  # 0.5 is the page's noise
    r = torch.linspace(-4.0, 4.0, 401, dtype=torch.float64).reshape(-1, 1)
    zero = torch.zeros_like(r)
    fig, (left, right) = _figure(2, width=4.0, height=3.4)
    densities, nlls = [], []
    for color, sigma in zip(s.colors, sigmas, strict=False):
        nll = gaussian_nll(r, zero, torch.tensor([math.log(sigma)], dtype=torch.float64))
        density = torch.exp(-nll).reshape(-1)
        shifted = (nll - nll.min()).reshape(-1)  # the NLL without its constant: r² / (2σ²)
        label = f"$\\sigma = {sigma:g}$"
        left.plot(r.reshape(-1).tolist(), density.tolist(), color=color, label=label)
        right.plot(r.reshape(-1).tolist(), shifted.tolist(), color=color, label=label)
        densities.append(density.tolist())
        nlls.append(shifted.tolist())
    squared = squared_loss(r, zero).reshape(-1)
    right.plot(
        r.reshape(-1).tolist(),
        squared.tolist(),
        linestyle=(0, (1.5, 2.5)),
        color=s.foreground,
        linewidth=2.2,
        label="squared loss $\\frac{1}{2} r^2$",
    )
    left.set(xlabel="noise $\\epsilon$", ylabel="density $p(\\epsilon)$", title="Gaussian noise")
    right.set(
        xlabel="residual $r$", ylabel="NLL minus its constant", title="negative log-likelihood"
    )
    right.set_ylim(0.0, 8.0)
    left.legend(loc="upper right", fontsize=8)
    right.legend(loc="upper center", fontsize=8)
    fig.data = {
        "sigmas": sigmas,
        "r": r.reshape(-1).tolist(),
        "density": densities,
        "nll": nlls,
        "squared": squared.tolist(),
    }
    return fig


def projection() -> PageFigure:
    """normal-equation.md: y, its projection X w* onto the column space, the residual normal to it.

    Three examples and two features, so that the picture fits in three dimensions: the columns of
    X span a plane, the least-squares prediction is the foot of the perpendicular from y.
    """
    s = scheme()
    X = torch.tensor([[1.0, 0.4], [0.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([[1.3], [0.9], [1.0]], dtype=torch.float64)
    fit = fit_least_squares(X, y, fit_intercept=False)
    y_hat = (X @ fit.w.double()).reshape(-1)
    r = y_hat - y.reshape(-1)
    fig = PageFigure(figsize=(5.4, 4.2), layout="constrained")
    fig.patch.set_facecolor(s.background)
    ax = fig.add_subplot(projection="3d")
    ax.set_facecolor(s.background)
    ax.set_axis_off()
    ax.view_init(elev=18, azim=-62)
    plane = [(-0.2, -0.2, 0.0), (1.6, -0.2, 0.0), (1.6, 1.4, 0.0), (-0.2, 1.4, 0.0)]
    ax.add_collection3d(Poly3DCollection([plane], facecolor=s.muted, alpha=0.22, edgecolor=s.muted))
    ax.text(
        -0.2,
        1.4,
        0.0,
        "column space of $\\mathbf{X}$",
        color=s.muted,
        fontsize=10,
        ha="right",
        va="bottom",
    )

    def arrow(v: torch.Tensor, color: str, width: float = 1.8) -> None:
        ax.quiver(0, 0, 0, *v.tolist(), color=color, linewidth=width, arrow_length_ratio=0.08)

    arrow(X[:, 0], s.colors[0], 1.4)
    arrow(X[:, 1], s.colors[0], 1.4)
    ax.text(*(X[:, 0] * 1.08).tolist(), "$\\mathbf{x}_{:,1}$", color=s.colors[0], fontsize=11)
    ax.text(*(X[:, 1] * 1.1).tolist(), "$\\mathbf{x}_{:,2}$", color=s.colors[0], fontsize=11)
    yv = y.reshape(-1)
    arrow(yv, s.colors[1])
    ax.text(*(yv * 1.06).tolist(), "$\\mathbf{y}$", color=s.colors[1], fontsize=13)
    arrow(y_hat, s.colors[2])
    ax.text(
        *(y_hat * 1.05 + torch.tensor([0.0, 0.05, 0.0], dtype=torch.float64)).tolist(),
        "$\\hat{\\mathbf{y}} = \\mathbf{X}\\mathbf{w}^*$",
        color=s.colors[2],
        fontsize=12,
    )
    line = torch.stack([yv, y_hat]).T.tolist()
    ax.plot(*line, linestyle="--", color=s.colors[3], linewidth=1.8)
    middle = (yv + y_hat) / 2
    ax.text(*(middle + 0.06).tolist(), "$\\mathbf{r}^*$", color=s.colors[3], fontsize=13)
    a = 0.12  # the right-angle mark at the foot of the perpendicular
    u, v = -r / r.norm(), -y_hat / y_hat.norm()
    corner = torch.stack([y_hat + a * u, y_hat + a * u + a * v, y_hat + a * v]).T.tolist()
    ax.plot(*corner, color=s.foreground, linewidth=1.0)
    ax.set(xlim=(-0.2, 1.6), ylim=(-0.2, 1.4), zlim=(0.0, 1.05))
    ax.set_box_aspect((1.8, 1.6, 1.05), zoom=1.1)
    fig.data = {"X": X.tolist(), "y": yv.tolist(), "w": fit.w.tolist(), "y_hat": y_hat.tolist()}
    fig.data["r"] = r.tolist()
    return fig
