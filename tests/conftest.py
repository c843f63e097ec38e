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
