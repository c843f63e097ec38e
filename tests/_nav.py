"""The site's nav and URLs, read from mkdocs.yml (shared by the site tests)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mkdocs.utils import yaml_load

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MKDOCS_YML = REPO / "mkdocs.yml"

# The site's hook decides which nav entries are pages and notebooks; the tests ask it, not a copy.
_spec = importlib.util.spec_from_file_location("d2l_site_hook", DOCS / "hooks" / "site.py")
assert _spec is not None and _spec.loader is not None
_hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hook)
NOTEBOOK_SUFFIXES: tuple[str, ...] = _hook.NOTEBOOK_SUFFIXES


def nav_pages() -> list[str]:
    """Every page listed in mkdocs.yml's `nav:`, as paths relative to docs/."""
    config = yaml_load(MKDOCS_YML.read_text(encoding="utf-8"))  # knows !ENV
    return list(_hook.nav_paths(config["nav"]))


def nav_notebooks() -> list[str]:
    return [p for p in nav_pages() if p.endswith(NOTEBOOK_SUFFIXES)]


def page_url(path: str) -> str:
    """The site URL (relative to the site root) of a nav page, with directory URLs."""
    stem = path.rsplit(".", 1)[0]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def page_html_path(site: Path, path: str) -> Path:
    return site / page_url(path) / "index.html"
