"""Every notebook in the nav runs, top to bottom, in a fresh namespace, as one test per code cell.

Notebooks are jupytext percent scripts. The page tests (root conftest.py, tests/_pages.py) run
each one once per session, cell by cell in one namespace, as the reader's Jupyter does: in the
notebook's folder, ``__name__ == "__main__"``, a cell's last expression shown; cells tagged
``hide-cell`` run too (they hold the asserts). Their output feeds the number check
(``docs/<notebook>.py::numbers``). They run in-process: no kernel start (~3 s each) and torch
is already imported. The Jupyter path (a kernel executing cell by cell, errors fatal) is covered
by the site build that tests/test_site.py runs. pytest's ``filterwarnings = error`` applies: a
notebook that warns fails.

This file checks that the page tests see every notebook of the nav, every code cell of it.
"""

from __future__ import annotations

import jupytext
import matplotlib
from _nav import DOCS, nav_notebooks
from _pages import PageSybil, blocks_of

SYBIL = PageSybil(notebooks=nav_notebooks())


def test_every_code_cell_of_every_nav_notebook_is_a_page_test(nav_notebook: str) -> None:
    path = DOCS / nav_notebook
    assert path.is_file(), f"nav lists {nav_notebook}, but docs/{nav_notebook} is missing"
    assert SYBIL.should_parse(path), f"docs/{nav_notebook} is not collected by the page tests"
    cells = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    blocks = blocks_of(SYBIL.parse(path))
    assert len(blocks) == len(cells) > 0
    assert all(b.language == "cell" for b in blocks)
    assert matplotlib.get_backend().lower() == "agg", "figures must not need a display"
