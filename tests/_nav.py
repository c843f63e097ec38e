"""The site's nav and URLs, read from mkdocs.yml (shared by the site tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.utils import yaml_load

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MKDOCS_YML = REPO / "mkdocs.yml"
NOTEBOOK_SUFFIXES = (".py", ".ipynb")


def _flatten(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _flatten(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _flatten(value)]
    return []


def nav_pages() -> list[str]:
    """Every page listed in mkdocs.yml's `nav:`, as paths relative to docs/."""
    config = yaml_load(MKDOCS_YML.read_text(encoding="utf-8"))  # knows !ENV
    return _flatten(config["nav"])


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
