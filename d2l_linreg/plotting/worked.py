"""The figures of the two worked-example pages, drawn from the package's worked examples.

Each function takes no argument (the page's problem is fixed), returns a
:class:`~d2l_linreg.plotting.PageFigure`, and stores the numbers it draws in ``fig.data``: they
are the fields of :func:`d2l_linreg.worked_examples.sgd_update` and
:func:`d2l_linreg.worked_examples.normal_equation_no_bias`, the functions the pages call.
"""

from __future__ import annotations

import torch

from d2l_linreg.closed_form import fit_least_squares
from d2l_linreg.plotting._base import PageFigure, _figure, scheme
from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

__all__ = ["normal_equation_picture", "sgd_step"]


def sgd_step() -> PageFigure:
    """sgd-update.md: the two points, the line before and after one SGD step, the exact line."""
    s = scheme()
    step = sgd_update()
    X = torch.tensor(step.x, dtype=torch.float64).reshape(-1, 1)
    exact = fit_least_squares(X, torch.tensor(step.y, dtype=torch.float64).reshape(-1, 1))
    w_exact, b_exact = float(exact.w[0]), float(exact.b)
    xs = [0.0, 2.5]
    lines = {
        "before": (step.w, step.b),
        "after": (step.w_new, step.b_new),
        "exact": (w_exact, b_exact),
    }
    fig, (ax,) = _figure(1, width=5.2, height=3.8)
    styles = {
        "before": ("before the step", s.muted, "-"),
        "after": ("after one step", s.colors[0], "-"),
        "exact": ("least-squares line", s.colors[2], ":"),
    }
    for key, (w, b) in lines.items():
        label, color, style = styles[key]
        ax.plot(xs, [w * x + b for x in xs], style, color=color, linewidth=1.8, label=label)
    after = [step.w_new * x + step.b_new for x in step.x]
    for x, y, y_hat in zip(step.x, step.y, after, strict=True):  # the residuals left after
        ax.plot([x, x], [y, y_hat], "--", color=s.colors[1], linewidth=1.0)
    ax.scatter(step.x, step.y, s=40, color=s.colors[1], zorder=3, label="the two examples")
    ax.set(xlabel="feature $x$", ylabel="target $y$", title="one minibatch SGD step")
    ax.set(xlim=xs, ylim=(-0.5, 6.5))
    ax.legend(loc="upper left")
    fig.data = {"x": step.x, "y": step.y, "lines": lines, "y_hat_after": after}
    return fig


def normal_equation_picture() -> PageFigure:
    """normal-equation.md (example): y projected onto the line spanned by X, r normal to it."""
    s = scheme()
    sol = normal_equation_no_bias()
    X = torch.tensor(sol.x, dtype=torch.float64)
    y = torch.tensor(sol.y, dtype=torch.float64)
    y_hat = torch.tensor(sol.y_hat, dtype=torch.float64)
    fig, (ax,) = _figure(1, width=3.9, height=4.6)
    t = torch.tensor([-0.1, 2.0], dtype=torch.float64)
    ax.plot((t * X[0]).tolist(), (t * X[1]).tolist(), color=s.muted, linewidth=1.0)
    ax.text(
        float(1.85 * X[0]) + 0.08, float(1.85 * X[1]), "$w\\,\\mathbf{X}$", color=s.muted, va="top"
    )

    def arrow(
        start: torch.Tensor, end: torch.Tensor, color: str, style: str = "-", width: float = 1.8
    ) -> None:
        props = {"arrowstyle": "-|>", "color": color, "linewidth": width, "linestyle": style}
        ax.annotate("", xy=end.tolist(), xytext=start.tolist(), arrowprops=props)

    zero = torch.zeros(2, dtype=torch.float64)
    arrow(zero, y, s.colors[1])
    ax.text(float(y[0]) + 0.08, float(y[1]) - 0.05, "$\\mathbf{y}$", color=s.colors[1], fontsize=13)
    arrow(zero, y_hat, s.colors[2])
    ax.text(
        float(y_hat[0]) - 0.55,
        float(y_hat[1]) + 0.05,
        "$\\hat{\\mathbf{y}} = w^* \\mathbf{X}$",
        color=s.colors[2],
        fontsize=12,
    )
    arrow(zero, X, s.colors[0], width=3.0)  # on top of y_hat: both lie on one line
    ax.text(float(X[0]) + 0.1, float(X[1]) - 0.1, "$\\mathbf{X}$", color=s.colors[0], fontsize=13)
    arrow(y, y_hat, s.colors[3], "--")
    mid = (y + y_hat) / 2
    ax.text(
        float(mid[0]) + 0.05, float(mid[1]) + 0.05, "$\\mathbf{r}$", color=s.colors[3], fontsize=13
    )
    a = 0.12  # the right-angle mark at the foot of the perpendicular
    r = y_hat - y
    u, v = -r / r.norm(), -y_hat / y_hat.norm()
    corner = torch.stack([y_hat + a * u, y_hat + a * u + a * v, y_hat + a * v]).T.tolist()
    ax.plot(*corner, color=s.foreground, linewidth=1.0)
    ax.set_aspect("equal")
    ax.set(xlim=(-0.2, 2.6), ylim=(-0.2, 3.8))
    ax.set(xlabel="coordinate 1 (example 1)", ylabel="coordinate 2 (example 2)")
    ax.set_title("least squares as a projection")
    fig.data = {"X": sol.x, "y": sol.y, "w": sol.w, "y_hat": sol.y_hat, "r": sol.r}
    return fig
