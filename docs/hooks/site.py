"""MkDocs hooks for the d2l_linreg site (listed under `hooks:` in mkdocs.yml).

What they do, and why (see "Site tooling" in ARCHITECTURE.md):

* Every `.py`/`.ipynb` page listed in `nav:` is added to mkdocs-jupyter's `include:` list,
  so a new notebook needs only its nav entry; no other `.py` under docs/ becomes a page.
* MathJax 3 (SVG output) is served by the site itself: `tex-svg.js` and the TeX extensions
  it may autoload are copied from the installed `mathjax` package (PyPI: django-static-mathjax)
  into `assets/mathjax/`. No page loads anything from another host.
* nbconvert puts a MathJax 2 loader (from a CDN by default), its configuration, and a
  mermaid loader (a CDN import) into every notebook page: they are removed; the site's
  MathJax typesets notebook markdown cells too (docs/javascripts/mathjax.js).
* Figures in notebooks get alt text from their cell's `alt` metadata, written in the
  jupytext cell header: `# %% alt="Loss against epoch: it falls from 8.4 to 0.0001"`
  (nbconvert would otherwise write "No description has been provided for this image").
* A notebook page's table of contents is rebuilt from the headings of its HTML: mkdocs-jupyter
  builds it from a Markdown export that drops inline code, so a heading such as
  "The loop through `d2l.train`" got a TOC link to an id that does not exist.
* Next to each notebook's `.py` source (copied by `include_source`), an outputs-free
  `.ipynb` twin is written with jupytext, so readers can download either.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from html import escape as html_escape
from pathlib import Path
from typing import Any

import jupytext
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.hooks.d2l_linreg")

NOTEBOOK_SUFFIXES = (".py", ".ipynb")
MATHJAX_DEST = "assets/mathjax"


def nav_paths(nav: Any) -> list[str]:
    """All page paths in a `nav:` structure (nested lists and one-key dicts)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in nav_paths(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in nav_paths(value)]
    return []


def nav_notebooks(config: Any) -> list[str]:
    """The nav entries that are notebooks (paths relative to docs/)."""
    return [p for p in nav_paths(config["nav"] or []) if p.endswith(NOTEBOOK_SUFFIXES)]


def on_config(config: Any) -> Any:
    # Notebook kernels inherit this process's environment: with MPLBACKEND=Agg (as set for
    # tests) figures would silently not appear on the pages. Force Jupyter's inline backend.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    plugin = config["plugins"].get("mkdocs-jupyter")
    if plugin is None:
        raise RuntimeError("docs/hooks/site.py expects the mkdocs-jupyter plugin in mkdocs.yml")
    include = plugin.config["include"]
    for path in nav_notebooks(config):
        if path not in include:
            include.append(path)
    return config


def _mathjax_root() -> Path:
    try:
        import mathjax  # django-static-mathjax: a top-level package with the MathJax files
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "MathJax is served by the site itself and comes from the PyPI package "
            "django-static-mathjax; install it with: pip install -e '.[docs]'"
        ) from exc
    root = Path(mathjax.__file__).parent / "static" / "mathjax"
    if not (root / "es5" / "tex-svg.js").is_file():  # pragma: no cover
        raise RuntimeError(f"no es5/tex-svg.js under {root}; reinstall django-static-mathjax")
    return root


def _mathjax_files(config: Any) -> list[File]:
    root = _mathjax_root()
    es5 = root / "es5"
    sources = [es5 / "tex-svg.js", root / "LICENSE"]
    # TeX packages that tex-svg.js autoloads on first use (\boldsymbol, \cancel, ...).
    sources += sorted((es5 / "input" / "tex" / "extensions").rglob("*.js"))
    files = []
    for src in sources:
        rel = src.relative_to(es5) if src.is_relative_to(es5) else Path(src.name)
        files.append(
            File.generated(config, f"{MATHJAX_DEST}/{rel.as_posix()}", abs_src_path=str(src))
        )
    return files


def on_files(files: Files, config: Any) -> Files:
    for file in _mathjax_files(config):
        files.append(file)
    return files


# nbconvert's loaders: MathJax 2 (src from a CDN, or "" when custom_mathjax_url is empty),
# its text/x-mathjax-config block, and the mermaid module script that imports from a CDN.
_NBCONVERT_SCRIPTS = [
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(r'<script[^>]*type="text/x-mathjax-config"[^>]*>.*?</script>', re.S),
    re.compile(r'<script[^>]*type="module"[^>]*>(?:(?!</script>).)*mermaid.*?</script>', re.S),
    re.compile(r'<script\s+src="(?:|https?://[^"]*)"\s*>\s*</script>', re.S),
]


def is_notebook_page(page: Any) -> bool:
    return hasattr(page, "nb_url")


NO_ALT = 'alt="No description has been provided for this image"'
# mkdocs-jupyter wraps each code cell in an outer `<div class="jp-Cell jp-CodeCell ...">` (no id)
# around nbconvert's own (with an id): the outer one starts a code cell.
_CELL_START = re.compile(r'<div class="jp-Cell jp-(?:CodeCell[^"]*">|MarkdownCell|RawCell)')


def _rendered_code_cells(page: Any, config: Any) -> list[Any]:
    """The notebook's code cells that nbconvert renders (`hide-cell` ones are removed)."""
    plugin = config["plugins"]["mkdocs-jupyter"]
    removed = set(plugin.config["remove_tag_config"].get("remove_cell_tags", []))
    notebook = jupytext.read(page.file.abs_src_path)
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and not removed & set(cell.metadata.get("tags", []))
    ]


def _add_alt_text(html: str, page: Any, config: Any) -> str:
    """Give each figure the `alt` metadata of the code cell that drew it."""
    if NO_ALT not in html:
        return html
    cells = iter(_rendered_code_cells(page, config))
    starts = [m.start() for m in _CELL_START.finditer(html)] + [len(html)]
    pieces = [html[: starts[0]]]
    for begin, end in itertools.pairwise(starts):
        chunk = html[begin:end]
        if chunk.startswith('<div class="jp-Cell jp-CodeCell'):
            cell = next(cells, None)
            alt = (cell.metadata.get("alt") if cell is not None else None) or ""
            if alt:
                chunk = chunk.replace(NO_ALT, f'alt="{html_escape(alt, quote=True)}"')
        pieces.append(chunk)
    return "".join(pieces)


_HEADING = re.compile(r'<h([1-6])\s+id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def toc_tokens(html: str) -> list[dict[str, Any]]:
    """Nested TOC tokens (as the Markdown toc extension makes them) from HTML headings."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for match in _HEADING.finditer(html):
        level = int(match.group(1))
        name = _TAG.sub("", _ANCHOR_LINK.sub("", match.group(3))).strip()
        token = {"level": level, "id": match.group(2), "name": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


# A notebook cell tagged `solution` (jupytext: `# %% tags=["solution"]`) is folded like the
# `??? success "Solution"` admonitions of the Markdown pages: nbconvert cannot fold a cell.
_SOLUTION_CELL = re.compile(r'<div class="jp-Cell jp-CodeCell[^"]*\bcelltag_solution\b[^"]*">')
_DIV_TAG = re.compile(r"<(/?)div\b")
SOLUTION_OPEN = '<details class="success"><summary>Solution</summary>'


def collapse_solutions(html: str) -> str:
    """Wrap each `solution`-tagged code cell (its whole outer div) in a closed `<details>`."""
    pieces, pos = [], 0
    for match in _SOLUTION_CELL.finditer(html):
        if match.start() < pos:
            continue
        depth = 0
        for tag in _DIV_TAG.finditer(html, match.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = html.index(">", tag.start()) + 1
                pieces += [html[pos : match.start()], SOLUTION_OPEN, html[match.start() : end]]
                pieces.append("</details>")
                pos = end
                break
    pieces.append(html[pos:])
    return "".join(pieces)


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    if not is_notebook_page(page):
        return html
    for pattern in _NBCONVERT_SCRIPTS:
        html = pattern.sub("", html)
    page.toc = get_toc(toc_tokens(html))
    return collapse_solutions(_add_alt_text(html, page, config))


def on_post_page(output: str, page: Any, config: Any) -> str:
    src = Path(page.file.abs_src_path or "")
    if is_notebook_page(page) and src.suffix == ".py":
        dest_dir = Path(page.file.abs_dest_path).parent
        dest_dir.mkdir(parents=True, exist_ok=True)
        notebook = jupytext.read(src)
        jupytext.write(notebook, dest_dir / (src.stem + ".ipynb"), fmt="ipynb")
    return output
