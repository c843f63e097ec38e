"""The figures of the theory and worked-example pages (d2l_linreg.plotting.pages, docs/hooks/figures.py).

Every theory and worked-example page embeds at least one figure by name, with alt text; every
registered figure renders in both colour schemes, byte-stable; and the numbers each figure draws
are the ones its page prints (each test below names the page and the numbers).
"""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path
from types import ModuleType

import pytest
import torch
from matplotlib.collections import LineCollection

from d2l_linreg.errors import InputValueError
from d2l_linreg.plotting import pages, theory, worked

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("theory/*.md")) + sorted((ROOT / "docs").glob("examples/*.md"))


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("figures_hook", ROOT / "docs/hooks/figures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = _hook()


def _figures_of(page: Path) -> list[tuple[str, str]]:
    text = page.read_text(encoding="utf-8")
    return [(m["alt"], m["name"]) for m in HOOK.FIGURE.finditer(text)]


def test_every_theory_and_example_page_shows_a_named_figure_with_alt_text() -> None:
    assert len(PAGES) == 7, [p.name for p in PAGES]  # 5 theory pages, 2 worked examples
    used = []
    for page in PAGES:
        found = _figures_of(page)
        assert found, f"{page.relative_to(ROOT)} embeds no ![alt](figure:NAME)"
        for alt, name in found:
            assert name in pages.FIGURES, f"{page.name}: unknown figure {name!r}"
            assert len(alt.split()) >= 8, f"{page.name}: the alt text of {name!r} says too little"
        used += [name for _, name in found]
    assert len(used) >= 8
    assert sorted(used) == sorted(pages.FIGURES), "every registered figure is on exactly one page"


def test_the_hook_embeds_a_light_and_a_dark_image_and_refuses_bad_references() -> None:
    out = HOOK.embed("Text\n\n![What it shows](figure:sgd-step)\n", "examples/sgd-update.md")
    assert out == (
        "Text\n\n![What it shows](../figures/sgd-step-light.svg#only-light)\n"
        "![What it shows](../figures/sgd-step-dark.svg#only-dark)\n"
    )
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=r"no figure named 'nope'"):
        HOOK.embed("![alt](figure:nope)", "theory/x.md")
    with pytest.raises(PluginError, match=r"has no alt text"):
        HOOK.embed("![ ](figure:sgd-step)", "theory/x.md")


@pytest.mark.parametrize("name", sorted(pages.FIGURES))
def test_every_figure_renders_in_both_schemes(name: str) -> None:
    light, dark = pages.render(name, "light"), pages.render(name, "dark")
    assert light.startswith(b"<?xml") and dark.startswith(b"<?xml")
    assert b"fill: #ffffff" in light and b"#1e2029" not in light  # the background of each scheme
    assert b"fill: #1e2029" in dark and b"fill: #ffffff" not in dark
    fig = pages.FIGURES[name]()
    assert fig.data, "the figure keeps the numbers it draws"
    for ax in fig.axes:
        if ax.axison and ax.get_label() != "<colorbar>":
            assert ax.get_xlabel() and ax.get_ylabel(), (name, ax.get_title())


def test_the_svg_is_byte_stable_and_bad_names_are_refused() -> None:
    assert pages.render("normal-equation-picture") == pages.render("normal-equation-picture")
    assert b"<dc:date>" not in pages.render("normal-equation-picture")
    with pytest.raises(InputValueError, match=r"name must be one of the page figures"):
        pages.render("nope")
    with pytest.raises(InputValueError, match=r"scheme must be one of \('light', 'dark'\)"):
        pages.render("sgd-step", scheme="slate")


def test_sgd_step_draws_the_lines_of_the_worked_example() -> None:
    # examples/sgd-update.md: w, b = 0, 0 before; 0.65, 0.4 after; the line through both points
    # is w = 2, b = 1; after the step the predictions are 1.05 and 1.7.
    fig = worked.sgd_step()
    lines = fig.data["lines"]
    assert lines["before"] == (0.0, 0.0)
    assert [round(v, 10) for v in lines["after"]] == [0.65, 0.4]
    assert [round(v, 10) for v in lines["exact"]] == [2.0, 1.0]
    assert [round(v, 10) for v in fig.data["y_hat_after"]] == [1.05, 1.7]
    drawn = {line.get_label(): line for line in fig.axes[0].lines}
    w, b = lines["after"]
    after = drawn["after one step"]
    assert list(after.get_ydata()) == [w * x + b for x in after.get_xdata()]
    assert set(drawn["before the step"].get_ydata()) == {0.0}
    offsets = fig.axes[0].collections[0].get_offsets().tolist()
    assert offsets == [[1.0, 3.0], [2.0, 5.0]]  # the two examples


def test_normal_equation_picture_is_the_projection_of_the_worked_example() -> None:
    # examples/normal-equation.md: w* = 1.6, predictions (1.6, 3.2), residuals (-0.4, 0.2), X^T r = 0.
    fig = worked.normal_equation_picture()
    d = fig.data
    assert d["X"] == (1.0, 2.0) and d["y"] == (2.0, 3.0) and d["w"] == 1.6
    assert [round(v, 10) for v in d["y_hat"]] == [1.6, 3.2]
    assert [round(v, 10) for v in d["r"]] == [-0.4, 0.2]
    assert abs(sum(x * r for x, r in zip(d["X"], d["r"], strict=True))) < 1e-15
    arrows = [a.xy for a in fig.axes[0].texts if getattr(a, "arrow_patch", None) is not None]
    assert (1.6, 3.2) in [tuple(round(v, 10) for v in xy) for xy in arrows]


def test_projection_residual_is_orthogonal_to_the_column_space() -> None:
    d = theory.projection().data
    X, y = torch.tensor(d["X"], dtype=torch.float64), torch.tensor(d["y"], dtype=torch.float64)
    y_hat = torch.tensor(d["y_hat"], dtype=torch.float64)
    r = torch.tensor(d["r"], dtype=torch.float64)
    assert (X.T @ r).abs().max() < 1e-12  # normal to both columns
    assert r.norm() > 0.5  # y is out of the plane: the picture shows a residual
    assert torch.allclose(y.norm() ** 2, y_hat.norm() ** 2 + r.norm() ** 2)  # Pythagoras


def test_gd_vs_sgd_follows_the_loop_of_the_page() -> None:
    # minibatch-sgd.md "The whole algorithm" prints w = (1.9997, -3.3992) after 3 epochs of 100 steps.
    fig = theory.gd_vs_sgd()
    sgd, gd = torch.tensor(fig.data["sgd"]), torch.tensor(fig.data["gd"])
    assert sgd.shape == gd.shape == (301, 2)
    assert [round(v, 4) for v in sgd[-1].tolist()] == [1.9997, -3.3992]
    w_star = torch.tensor(fig.data["w_star"])
    assert (gd[-1] - w_star).abs().max() < 0.01 and (gd[0] == 0).all()
    ax = fig.axes[0]
    drawn = {line.get_label(): line for line in ax.lines}
    assert drawn["gradient descent"].get_xdata().tolist() == gd[:, 0].tolist()
    assert drawn["minibatch SGD"].get_ydata().tolist() == sgd[:, 1].tolist()


def test_noise_densities_are_gaussians_whose_nll_is_the_scaled_squared_loss() -> None:
    d = theory.noise_densities().data
    r = torch.tensor(d["r"], dtype=torch.float64)
    assert 0.5 in d["sigmas"] and 1.0 in d["sigmas"]  # the page's noise, and unit variance
    for sigma, density, nll in zip(d["sigmas"], d["density"], d["nll"], strict=True):
        p = torch.tensor(density, dtype=torch.float64)
        assert max(density) == pytest.approx(1 / (sigma * math.sqrt(2 * math.pi)), rel=1e-12)
        mass = torch.trapezoid(p, r).item()
        assert mass == pytest.approx(math.erf(4 / (sigma * math.sqrt(2))), abs=1e-4)
        assert torch.allclose(torch.tensor(nll, dtype=torch.float64), r**2 / (2 * sigma**2))
    unit = d["nll"][d["sigmas"].index(1.0)]
    assert torch.allclose(torch.tensor(unit), torch.tensor(d["squared"]))


def test_loss_and_risk_figures_use_the_page_data() -> None:
    # loss-and-risk.md: both losses bottom out at the grid point 1.96, values a factor 2 apart.
    d = theory.half_vs_mse().data
    assert round(d["w_min"], 2) == 1.96
    assert torch.allclose(torch.tensor(d["mse"]), 2 * torch.tensor(d["half"]))
    fig = theory.fit_residuals()
    f = fig.data
    assert len(f["x"]) == 50 and abs(f["w"] - 1.96) < 0.01  # the least-squares w, near the grid's
    r = [f["w"] * x - y for x, y in zip(f["x"], f["y"], strict=True)]
    assert f["r"] == pytest.approx(r, abs=1e-12)
    (segments,) = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    lengths = [seg[1][1] - seg[0][1] for seg in segments.get_segments()]
    assert lengths == pytest.approx(f["r"], abs=1e-12)  # each segment is its residual


def test_neuron_shows_inputs_weights_bias_and_one_output() -> None:
    fig = theory.neuron()
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"$x_1$", "$x_2$", "$x_d$", "$1$", "$w_1$", "$w_d$", "$b$", "$\\hat y$"} <= texts
    assert fig.data["inputs"][-1] == "$1$" and fig.data["weights"][-1] == "$b$"


@pytest.mark.slow
def test_the_built_pages_show_each_figure_in_both_schemes(built_site: Path) -> None:
    from _nav import page_html_path

    for page in PAGES:
        rel = page.relative_to(ROOT / "docs").as_posix()
        html = page_html_path(built_site, rel).read_text(encoding="utf-8")
        for alt, name in _figures_of(page):
            for scheme in ("light", "dark"):
                src = f"figures/{name}-{scheme}.svg#only-{scheme}"
                tags = re.findall(rf'<img[^>]*src="[./]*{re.escape(src)}"[^>]*>', html)
                assert len(tags) == 1, (rel, name, scheme)
                assert f'alt="{alt}"' in tags[0]
                assert (built_site / f"figures/{name}-{scheme}.svg").stat().st_size > 1000
