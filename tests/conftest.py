"""Shared fixtures for the site tests: the nav, and the site built once per session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _nav import nav_notebooks, nav_pages

REPO = Path(__file__).resolve().parent.parent


# Tests that take seconds each (training runs, subprocesses, the site, the browser, mypy):
# marked `slow`, so that `make test-fast` (`-m "not slow"`) stays well under a minute.
SLOW_MODULES = frozenset({"test_site.py", "test_browser.py"})
SLOW_TESTS = (
    "test_cli.py::test_module_entry_point_exit_status",
    "test_likelihood.py::test_gradient_descent_on_the_nll_lands_on_least_squares",
    "test_likelihood.py::test_sigma_path_starts_at_the_rms_target_and_shrinks_to_the_fit",
    "test_likelihood.py::test_small_noise_with_a_large_step_fails_loudly_not_silently",
    "test_noise.py::test_spread_falls_as_one_over_sqrt_batch_size",
    "test_bias.py::test_weight_decay_on_all_params_pulls_the_bias_towards_zero",
    "test_bias.py::test_weight_decay_groups_leave_the_bias_unpenalized",
    "test_baselines.py::test_mlp_beats_linear_only_on_a_nonlinear_problem",
    "test_baselines.py::test_compare_with_mlp_is_the_same_call_for_both_models",
    "test_baselines.py::test_diabetes_sgd_agrees_with_closed_form_and_beats_the_mean",
    "test_closed_form.py::test_fast_path_declines_an_ill_conditioned_problem_and_qr_is_exact",
    "test_closed_form.py::test_fast_path_on_large_problems_agrees_with_sklearn",
    "test_api.py::test_import_does_not_load_matplotlib_until_a_plot_is_asked_for",
    "test_diagnostics.py::test_false_flag_rate_on_adequate_models_is_near_alpha",
    "test_distributed.py::test_torchrun_cli_prints_one_json_equal_to_one_process",
    "test_distributed.py::test_uneven_and_empty_pieces_match_one_process",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = f"{item.path.name}::{getattr(item, 'originalname', item.name)}"
        if item.path.name in SLOW_MODULES or name.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`nav_page` and `nav_notebook` parameters: one test per page / notebook in the nav."""
    if "nav_page" in metafunc.fixturenames:
        metafunc.parametrize("nav_page", nav_pages())
    if "nav_notebook" in metafunc.fixturenames:
        metafunc.parametrize("nav_notebook", nav_notebooks())


@pytest.fixture(scope="session")
def site_port() -> int:
    """A free localhost port for the browser test's server, known before the build."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Path:
    """The site, built once with `mkdocs build --strict` (never -q: mkdocs #4126)."""
    site = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "D2L_SITE_URL": f"http://127.0.0.1:{site_port}/",  # instant navigation needs it
    }
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr)[-6000:]
        pytest.fail(
            f"`mkdocs build --strict` failed (exit {proc.returncode}) after {seconds:.1f} s:\n{log}",
            pytrace=False,
        )
    (site / ".build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return site
