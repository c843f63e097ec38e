"""Every notebook in the nav runs, top to bottom, in a fresh namespace: one test per notebook.

Notebooks are jupytext percent scripts, so each one runs here as the plain Python script a
reader downloads (`python scratch.py`, which the page's download box promises), in-process
with `runpy`: no kernel start (~3 s each) and torch is already imported. The Jupyter path
(a kernel executing cell by cell, errors fatal) is covered by the site build that
tests/test_site.py runs. Cells tagged `hide-cell` run here too: they hold the asserts.
pytest's `filterwarnings = error` applies: a notebook that warns fails.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import jupytext
import matplotlib
import pytest
from _nav import DOCS


def _run_ipynb(path: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(path)}
    for index, cell in enumerate(jupytext.read(path).cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{path}[cell {index}]", "exec"), namespace)
    return namespace


def test_notebook_runs(nav_notebook: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = DOCS / nav_notebook
    assert path.is_file(), f"nav lists {nav_notebook}, but docs/{nav_notebook} is missing"
    assert matplotlib.get_backend().lower() == "agg", "figures must not need a display"
    monkeypatch.chdir(path.parent)  # as when a reader runs the downloaded file next to it
    try:
        if path.suffix == ".py":
            runpy.run_path(str(path), run_name="__main__")
        else:
            _run_ipynb(path)
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
