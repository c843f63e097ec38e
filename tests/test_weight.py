"""The weight budget (issue 11): what a reader's browser downloads on a cold load of each page.

Every page of the nav is opened in a fresh headless Chromium context (no cache, no service
worker) by benchmarks/page_weight.py, the script behind `make weight`: the bodies of every
response are summed, uncompressed. A page over 1.5 MB, or an HTML file over 300 kB, fails.
Bytes, not times: the numbers are the same on every machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _nav import REPO, nav_pages

BUDGET = 1_500_000  # as in benchmarks/page_weight.py

HTML_BUDGET = 300_000

pytestmark = pytest.mark.slow


def test_every_page_loads_under_the_budget(built_site: Path) -> None:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip(
            "no Chromium found: the page weights were NOT measured (apt-get install chromium)"
        )
    pages = nav_pages()
    # In its own process: the browser tests of the same session hold Playwright's sync API.
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "page_weight.py"), str(built_site), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    weights = json.loads(done.stdout)
    assert sorted(weights) == sorted(pages)
    for page, sizes in weights.items():
        # Sanity: the measurement saw the page, its stylesheets, its script and its math fonts.
        assert sizes["html"] > 10_000 and sizes["css"] > 10_000 and sizes["js"] > 10_000, page
    heavy = [
        f"{page}: {sizes['total'] / 1e6:.2f} MB ({sizes})"
        for page, sizes in weights.items()
        if sizes["total"] > BUDGET or sizes["html"] > HTML_BUDGET
    ]
    assert not heavy, f"over {BUDGET / 1e6} MB per page or {HTML_BUDGET / 1e3} kB of HTML:\n" + (
        "\n".join(heavy)
    )
