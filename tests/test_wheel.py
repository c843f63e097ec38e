"""The package as a reader without a clone gets it: the wheel the site offers for download,
installed in a fresh virtual environment, runs every notebook the site offers for download.

One test, marked slow (tests/conftest.py lists the module): it needs the built site (the
session's `built_site`), a fresh venv and about 25 packages. PyTorch is installed from a local
CPU wheel (`D2L_TORCH_WHEEL`, or the one under /opt/wheels): from the index, `torch==2.13.0`
would be a multi-GB CUDA build. The rest (NumPy, Matplotlib and their dependencies) come from
the configured index, pinned by constraints.txt. Measured on the 2-core machine: about 95 s for
the venv and the install, about 80 s for the six notebooks.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from _nav import nav_notebooks, page_html_path

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _torch_wheel() -> Path | None:
    found = os.environ.get("D2L_TORCH_WHEEL") or next(
        iter(sorted(glob.glob("/opt/wheels/torch-2.13.0*-cp311-*.whl"))), None
    )
    return Path(found) if found else None


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a reader: no PYTHONPATH pointing into this repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _run(cmd: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def fresh_python(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv (no system site-packages) with the site's wheel installed; its python."""
    torch_wheel = _torch_wheel()
    if torch_wheel is None or sys.version_info[:2] != (3, 11):
        pytest.skip("no local torch 2.13.0 CPU wheel for Python 3.11 (set D2L_TORCH_WHEEL)")
    wheels = sorted((built_site / "downloads").glob("d2l_linreg-*.whl"))
    assert len(wheels) == 1, f"the site offers {wheels}, not one wheel"
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], venv.parent, 300)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run([*pip, "--no-deps", str(torch_wheel)], venv.parent, 600)
    _run([*pip, "-c", str(REPO / "constraints.txt"), str(wheels[0])], venv.parent, 600)
    return python


def test_downloaded_notebooks_run_against_the_wheel(
    built_site: Path, fresh_python: Path, tmp_path: Path
) -> None:
    where = _run(
        [str(fresh_python), "-c", "import d2l_linreg; print(d2l_linreg.__file__)"], tmp_path, 120
    ).stdout.strip()
    assert str(REPO) not in where and "site-packages" in where, where
    wheel = next((built_site / "downloads").glob("d2l_linreg-*.whl")).name
    for nav_notebook in nav_notebooks():
        page = page_html_path(built_site, nav_notebook)
        stem = Path(nav_notebook).stem
        script = page.parent / f"{stem}.py"
        twin = jupytext.read(page.parent / f"{stem}.ipynb")
        # The first cell of both downloads installs the wheel (commented out).
        assert f"\n# %pip install {wheel}\n" in script.read_text(encoding="utf-8"), nav_notebook
        assert f"# %pip install {wheel}" in twin.cells[0].source, nav_notebook
        # Run as a script in an empty folder, with the fresh venv's python: it saves each figure
        # the page shows next to itself.
        work = tmp_path / stem
        work.mkdir()
        (work / script.name).write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
        _run([str(fresh_python), script.name], work, 600)
        saved = sorted(p.name for p in work.glob(f"{stem}-figure-*.png"))
        shown = sorted(p.name for p in page.parent.glob(f"{stem}-figure-*.png"))
        assert len(saved) == len(shown), f"{nav_notebook}: saved {saved}, the page shows {shown}"
