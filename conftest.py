"""Run the pages: every code block of every Markdown page and every notebook under docs/ is a test.

The parser and the evaluators live in tests/_pages.py (read its docstring); this file hands them
to pytest. From ``docs/**/*.md`` Sybil collects:

* ```` ```python ```` blocks: executed (no output is compared);
* ```` ```pycon ```` blocks: doctests, their printed output compared with
  NORMALIZE_WHITESPACE, ELLIPSIS and NUMBER (a float matches when the printed value rounds to
  the digits the page writes); one test per block;
* ``<!-- invisible-code-block: python ... -->``: executed, not shown on the page (use them to
  assert numbers that appear in prose or math);
* ``<!-- skip: next -->`` / ``<!-- skip: start -->`` ... ``<!-- skip: end -->`` and
  ``<!-- clear-namespace -->`` directives.

From every notebook of the nav (a jupytext percent ``.py``) it collects one test per code cell.
Each page ends with a ``numbers`` test: every number its prose states is backed by its section's
code or printed output, read from what the blocks recorded as they ran (the page runs once).

Blocks indented inside admonitions, collapsible solutions and content tabs are found too.
All blocks of one page run in page order in one namespace, like a reader who pastes them
into a fresh Python session. A test is reported as ``docs/<page>.md::line:<N>``, N being the
line of the block's opening fence (a notebook cell's `# %%` line), and ``docs/<page>::numbers``.

Blocks that look like code but would silently not run fail instead: a ```` ```py ````-style
language the tests do not know, a ``>>>`` session outside a ``pycon`` block, or a ``pycon``
block without any ``>>>`` example.

Markers (registered in pyproject.toml): every page test and every doctest of the package is
``pages`` (they print numbers: `make test` runs them again on another kernel path) and the
page tests are ``slow`` (`make test-fast` leaves them out).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Figures in tests never open a window (and never need a display).
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from _nav import nav_notebooks
from _pages import DOCS, PageSybil

# pytest --doctest-modules must not import the hooks under docs/ (the notebooks are filtered below).
collect_ignore_glob = ["docs/hooks/*"]

PAGES = PageSybil(notebooks=nav_notebooks())
pytest_collect_file = PAGES.pytest()


class _NotebooksAreNotModules:
    """--doctest-modules would import a notebook (running it): only Sybil collects them."""

    @pytest.hookimpl(wrapper=True)
    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector):
        collected = yield
        if file_path.suffix == ".py" and DOCS in file_path.resolve().parents:
            return [node for node in collected if not isinstance(node, _doctest())]
        return collected


def _doctest() -> type:
    from _pytest.doctest import DoctestModule

    return DoctestModule


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_NotebooksAreNotModules(), "d2l-notebooks-are-not-modules")


# `make test` runs two pytest-xdist workers with `--dist loadgroup`. Items of one group run in
# one worker, in collection order: the pages (each page's blocks share a namespace, and the tests
# that read their records must see every page run in the same process) and the browser tests
# (one server on the port the site was built for). Other tests go to whichever worker is free.
PAGES_GROUP = pytest.mark.xdist_group("pages")
BROWSER_GROUP = pytest.mark.xdist_group("browser")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the page and doctest items; run the tests that read the pages' records last."""
    from _pytest.doctest import DoctestItem

    for item in items:
        if DOCS in item.path.resolve().parents:
            item.add_marker(pytest.mark.pages)
            item.add_marker(pytest.mark.slow)
            item.add_marker(PAGES_GROUP)
        elif isinstance(item, DoctestItem):
            item.add_marker(pytest.mark.pages)
        if item.get_closest_marker("after_pages") is not None:
            item.add_marker(PAGES_GROUP)
        if item.path.name == "test_browser.py":
            item.add_marker(BROWSER_GROUP)
    items.sort(key=lambda item: item.get_closest_marker("after_pages") is not None)
