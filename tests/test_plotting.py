"""Tests of d2l_linreg.plotting: figures are returned, opaque, labelled, drawable; bad input fails."""

from __future__ import annotations

import io
from types import SimpleNamespace

import matplotlib.colors as mcolors
import pytest
import torch
from matplotlib.figure import Figure

from d2l_linreg.diagnostics import residual_case
from d2l_linreg.noise import gradient_noise
from d2l_linreg.plotting import (
    plot_gradient_noise,
    plot_loss_contours,
    plot_loss_curves,
    plot_residuals,
)

HISTORY = SimpleNamespace(
    step_loss=[4.0, 2.0, 1.0, 0.5, 0.4, 0.3], train_loss=[2.0, 0.4], val_loss=[2.2, 0.5]
)


def _check_figure(fig: Figure, num_axes: int) -> None:
    """Opaque white background, every panel labelled, and the figure renders without warnings."""
    assert isinstance(fig, Figure)
    assert mcolors.to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == num_axes
    for ax in panels:
        assert ax.get_xlabel() and ax.get_ylabel(), ax.get_title()
        assert mcolors.to_rgba(ax.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # warnings are errors: a deprecated call fails here
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_loss_curves_show_steps_and_epochs() -> None:
    fig = plot_loss_curves(HISTORY, title="run")
    _check_figure(fig, 2)
    steps, epochs = fig.axes
    assert list(steps.lines[0].get_ydata()) == HISTORY.step_loss
    assert [list(line.get_ydata()) for line in epochs.lines] == [
        HISTORY.train_loss,
        HISTORY.val_loss,
    ]
    assert fig.get_suptitle() == "run"


def test_loss_curves_accept_a_real_history_without_validation() -> None:
    from d2l_linreg import linear_model, squared_loss, synthetic_data, train

    X, y = synthetic_data([2.0, -3.4], 4.2, 200, seed=0)
    net = linear_model(2, seed=0)
    history = train(
        net, squared_loss, torch.optim.SGD(net.parameters(), lr=0.03), (X, y), num_epochs=2, seed=0
    )
    fig = plot_loss_curves(history)
    _check_figure(fig, 2)
    assert len(fig.axes[1].lines) == 1  # train only


def test_loss_curves_need_some_losses() -> None:
    with pytest.raises(ValueError, match=r"history must have a non-empty step_loss or train_loss"):
        plot_loss_curves(SimpleNamespace(step_loss=[], train_loss=[]))


@pytest.mark.parametrize(
    ("with_feature", "with_groups", "panels"),
    [(False, False, 1), (True, False, 2), (True, True, 3), (False, True, 2)],
)
def test_residual_plot_has_one_panel_per_view(
    with_feature: bool, with_groups: bool, panels: int
) -> None:
    X, y, groups = residual_case("shifted", 60, seed=0)
    y_hat = 1 + 2 * X
    fig = plot_residuals(
        y_hat, y, feature=X if with_feature else None, groups=groups if with_groups else None
    )
    _check_figure(fig, panels)
    scatter = fig.axes[0].collections[0]
    assert len(scatter.get_offsets()) == 60
    # The points are the residuals r = y_hat - y (the project's sign), not y - y_hat.
    assert scatter.get_offsets()[:, 1].tolist() == pytest.approx(
        (y_hat - y).reshape(-1).tolist(), rel=1e-6
    )


def test_residual_plot_rejects_float_groups() -> None:
    with pytest.raises(TypeError, match="groups must hold integer labels"):
        plot_residuals(torch.zeros(4), torch.zeros(4), groups=torch.zeros(4))


def test_contours_of_a_callable_with_a_path() -> None:
    path = torch.tensor([[2.0, 1.0], [1.0, -0.5], [0.0, 0.0]])
    fig = plot_loss_contours(lambda W1, W2: W1**2 + 10 * W2**2, path=path, labels=("a", "b"))
    _check_figure(fig, 1)
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")
    drawn = ax.lines[0].get_xydata()
    assert drawn.tolist() == path.tolist()
    x0, x1 = ax.get_xlim()
    assert x0 < 0.0 and x1 > 2.0  # the default bounds contain the whole path


def test_contours_from_data_contain_the_least_squares_minimizer() -> None:
    g = torch.Generator().manual_seed(0)
    X = torch.randn(100, 2, generator=g) * torch.tensor([1.0, 10.0])  # unscaled features
    y = X @ torch.tensor([[2.0], [-0.3]])
    fig = plot_loss_contours(X, y, title="unscaled")
    _check_figure(fig, 1)
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < 2.0 < x1 and y0 < -0.3 < y1
    assert ax.get_title() == "unscaled"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((lambda a, b: a + b,), {}, r"bounds are required for a callable loss without a path"),
        (
            (lambda a, b: a + b,),
            {"path": torch.zeros(3, 3)},
            r"path must have shape \(k, 2\) \(got \(3, 3\)\)",
        ),
        ((torch.zeros(5, 3), torch.zeros(5, 1)), {}, r"X must have exactly 2 columns .* \(got 3\)"),
        ((torch.zeros(5, 2),), {}, r"y is required when loss is the data X"),
    ],
)
def test_contours_reject_bad_input(args: tuple, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        plot_loss_contours(*args, **kwargs)


def test_gradient_noise_figure_plots_the_table() -> None:
    X = torch.randn(2048, 2, generator=torch.Generator().manual_seed(0))
    table = gradient_noise(
        X, X @ torch.tensor([[2.0], [-3.4]]) + 4.2, batch_sizes=[1, 8, 64], num_draws=20, seed=0
    )
    fig = plot_gradient_noise(table)
    _check_figure(fig, 3)
    noise_panel = fig.axes[0]
    assert list(noise_panel.lines[0].get_ydata()) == table.rel_error
    assert list(noise_panel.lines[1].get_ydata()) == table.predicted_rel_error
    assert noise_panel.get_xscale() == noise_panel.get_yscale() == "log"
