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
from filelock import FileLock

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


# Under pytest-xdist (`make test` runs two workers), the site is built once for the whole run:
# the first worker that needs it builds it under a file lock, in a folder all workers share, and
# the others wait for it and reuse it (pytest-xdist's documented pattern for session fixtures).
# Run without xdist, the same code builds it once for the session.


def _shared(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder every worker of this run sees (the base temp's parent under xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mkdocs_build(site: Path, env: dict[str, str], cache: Path, what: str) -> None:
    """`mkdocs build --strict` into `site` (never -q: mkdocs #4126), once per run: a failed build
    leaves its log beside the site, and the next worker fails with it instead of building again.

    mkdocs-jupyter's cache is on, in a folder of this run's own: the second build (offline)
    reuses the notebooks the first executed, against the same package. Never a cache kept
    between runs: its key ignores changes to d2l_linreg.
    """
    failed = site.with_name(site.name + ".failed")
    if failed.exists():
        pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
    if (site / ".build.log").exists():
        return
    env = {
        **env,
        "NO_MKDOCS_2_WARNING": "1",
        "D2L_NOTEBOOK_CACHE": "true",
        "D2L_NOTEBOOK_CACHE_DIR": str(cache),
    }
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr)[-6000:]
        message = f"{what} failed (exit {proc.returncode}) after {seconds:.1f} s:\n{log}"
        failed.write_text(message, encoding="utf-8")
        pytest.fail(message, pytrace=False)
    (site / ".build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The site, built once per run with `mkdocs build --strict`, for the address in
    `site/.port` (Material's instant navigation needs the address it is served at)."""
    shared = _shared(tmp_path_factory, worker_id)
    site = shared / "site"
    with FileLock(shared / "site.lock"):
        port = site.with_name("site.port")
        if not port.exists():
            port.write_text(str(_free_port()), encoding="utf-8")
        env = {**os.environ, "D2L_SITE_URL": f"http://127.0.0.1:{port.read_text()}/"}
        env.pop("D2L_OFFLINE", None)
        mkdocs_build(site, env, shared / "notebook-cache", "`mkdocs build --strict`")
    return site


@pytest.fixture(scope="session")
def site_port(built_site: Path) -> int:
    """The localhost port the site was built for (the browser test serves it there)."""
    return int(built_site.with_name("site.port").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def offline_site(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, built_site: Path
) -> Path:
    """The site as `make offline` builds it (D2L_OFFLINE=true: Material's offline plugin), after
    `built_site`, whose executed notebooks it reuses."""
    shared = _shared(tmp_path_factory, worker_id)
    site = shared / "site-offline"
    with FileLock(shared / "site.lock"):
        env = {**os.environ, "D2L_OFFLINE": "true"}
        env.pop("D2L_SITE_URL", None)
        mkdocs_build(site, env, shared / "notebook-cache", "the offline build (`make offline`)")
    return site
