"""MkDocs hooks for the d2l_linreg site (listed under `hooks:` in mkdocs.yml).

What they do, and why (see "Site tooling" in ARCHITECTURE.md):

* Every `.py`/`.ipynb` page listed in `nav:` is added to mkdocs-jupyter's `include:` list,
  so a new notebook needs only its nav entry; no other `.py` under docs/ becomes a page.
* MathJax 3 is served by the site itself: the components the pages use (TeX input, CHTML
  output and its fonts, assistive MathML) and the TeX extensions it may autoload are copied
  from the installed `mathjax` package (PyPI: django-static-mathjax) into `assets/mathjax/`. No page loads anything from another host.
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

import base64
import hashlib
import logging
import os
import posixpath
import re
from html import escape as html_escape
from pathlib import Path
from typing import Any

import jupytext
from bs4 import BeautifulSoup, Comment, Tag
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.hooks.d2l_linreg")

NOTEBOOK_SUFFIXES = (".py", ".ipynb")
MATHJAX_DEST = "assets/mathjax"
NOTEBOOK_CSS_DEST = "assets/stylesheets"


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
    if not (root / "es5" / "startup.js").is_file():  # pragma: no cover
        raise RuntimeError(f"no es5/startup.js under {root}; reinstall django-static-mathjax")
    return root


# MathJax as components instead of the combined tex-svg.js (2.1 MB, 1 MB of it SVG glyph
# outlines): the TeX input with the packages the pages use (others autoload on first use),
# CHTML output with its web fonts (the browser fetches only the font files a page needs), and
# the assistive MathML that screen readers read. docs/javascripts/mathjax.js lists them.
MATHJAX_COMPONENTS = [
    "startup.js",
    "core.js",
    "input/tex-base.js",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
    "output/svg.js",  # used from file:// (web fonts are refused there): mathjax.js
    "output/svg/fonts/tex.js",
    "a11y/assistive-mml.js",
]


def _mathjax_files(config: Any) -> list[File]:
    root = _mathjax_root()
    es5 = root / "es5"
    sources = [es5 / name for name in MATHJAX_COMPONENTS] + [root / "LICENSE"]
    sources += sorted((es5 / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    # TeX packages: those loaded at start and those autoloaded on first use (\boldsymbol, ...).
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


def is_notebook_page(page: Any) -> bool:
    return hasattr(page, "nb_url")


# The page content that mkdocs-jupyter renders is edited with an HTML parser (BeautifulSoup on
# the standard library's html.parser), never with regular expressions over the markup.


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _is_comment(node: Any, text: str) -> bool:
    return isinstance(node, Comment) and node.strip() == text


def remove_nbconvert_loaders(soup: BeautifulSoup) -> None:
    """nbconvert's loaders: MathJax 2 (its `<!-- Load mathjax -->` ... `<!-- End of mathjax
    configuration -->` block, a `text/x-mathjax-config` script, a script whose src is empty or on
    a CDN) and the mermaid module script that imports from a CDN."""
    for start in soup.find_all(string=lambda s: _is_comment(s, "Load mathjax")):
        node = start
        while node is not None:
            following = node.next_sibling
            node.extract()
            if _is_comment(node, "End of mathjax configuration"):
                break
            node = following
    for script in soup.find_all("script"):
        kind, src = script.get("type", ""), script.get("src")
        if (
            kind == "text/x-mathjax-config"
            or (kind == "module" and "mermaid" in script.get_text())
            or (src is not None and (src == "" or re.match(r"^(https?:)?//", src)))
        ):
            script.decompose()


NO_ALT = "No description has been provided for this image"


def code_cells(soup: BeautifulSoup) -> list[Tag]:
    """The code cells of the page, in order. mkdocs-jupyter wraps each code cell in an outer
    `<div class="jp-Cell jp-CodeCell ...">` (no id) around nbconvert's own (with an id)."""
    return [
        div
        for div in soup.find_all("div", class_="jp-CodeCell")
        if "jp-Cell" in div["class"] and not div.has_attr("id")
    ]


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


def add_alt_text(soup: BeautifulSoup, cells: list[Any]) -> None:
    """Give each figure the `alt` metadata of the code cell that drew it."""
    for div, cell in zip(code_cells(soup), cells, strict=False):
        alt = cell.metadata.get("alt") or ""
        if alt:
            for img in div.find_all("img", alt=NO_ALT):
                img["alt"] = alt


def toc_tokens(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Nested TOC tokens (as the Markdown toc extension makes them) from HTML headings."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for heading in soup.find_all(re.compile(r"^h[1-6]$"), id=True):
        level = int(heading.name[1])
        name = "".join(
            str(text)
            for text in heading.find_all(string=True)
            if not isinstance(text, Comment) and not text.find_parent("a", class_="anchor-link")
        )
        token = {
            "level": level,
            "id": heading["id"],
            "name": html_escape(name.strip(), quote=False),
            "children": [],
        }
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def collapse_solutions(soup: BeautifulSoup) -> None:
    """A notebook cell tagged `solution` (jupytext: `# %% tags=["solution"]`) is folded like the
    `??? success "Solution"` admonitions of the Markdown pages, in a closed `<details>`."""
    for div in code_cells(soup):
        if "celltag_solution" in div["class"]:
            details = soup.new_tag("details", attrs={"class": "success"})
            summary = soup.new_tag("summary")
            summary.string = "Solution"
            div.wrap(details)
            div.insert_before(summary)


def pycon_code(code: Tag) -> str:
    """The code of a `pycon` block without prompts and output: the lines that Pygments starts
    with a prompt token (`<span class="gp">>>> </span>` or `... `), prompt removed. Output lines
    (class `go`), doctest ellipses in them included, are dropped."""
    lines: list[str] = []
    current: list[str] = []
    is_code: bool | None = None  # None: nothing seen yet on this line
    for text in code.find_all(string=True):
        prompt = "gp" in (text.parent.get("class") or [])
        for piece in re.split(r"(\n)", str(text)):
            if piece == "\n":
                if is_code:
                    lines.append("".join(current))
                current, is_code = [], None
            elif piece:
                if is_code is None:
                    is_code = prompt
                if is_code and not prompt:
                    current.append(piece)
    if is_code:
        lines.append("".join(current))
    return "\n".join(line.rstrip() for line in lines)


def set_copy_text(soup: BeautifulSoup) -> None:
    """Material's copy button copies the `data-copy` attribute of the code element when it has
    one (its own `innerText` otherwise): on `>>>` blocks, the code alone, ready to paste."""
    for code in soup.select("div.language-pycon pre > code"):
        code["data-copy"] = pycon_code(code)


def _relative_url(target: str, page: Any) -> str:
    """`target` (a path from the site root) relative to the page's HTML file."""
    return posixpath.relpath(target, posixpath.dirname(page.file.dest_uri) or ".")


def share_notebook_css(soup: BeautifulSoup, page: Any, config: Any) -> None:
    """mkdocs-jupyter inlines the same ~575 kB of JupyterLab CSS into every notebook page: write
    it once, as a file named by its content's hash, and link it from each page instead."""
    styles = soup.find_all("style")
    if not styles:
        return
    css = "\n".join(style.get_text() for style in styles)
    name = f"{NOTEBOOK_CSS_DEST}/jupyter-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    dest = Path(config["site_dir"]) / name
    if not dest.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(css, encoding="utf-8")
    link = soup.new_tag("link", attrs={"rel": "stylesheet", "href": _relative_url(name, page)})
    styles[0].replace_with(link)
    for style in styles[1:]:
        style.decompose()


def figures_as_files(soup: BeautifulSoup, page: Any) -> None:
    """nbconvert embeds each figure as a base64 `data:` URL (a third of a page's weight, and
    no way to open it at full size): write each one as a PNG next to the page, and link the
    figure to its file (a click shows it at full size)."""
    dest_dir = Path(page.file.abs_dest_path).parent
    stem = Path(page.file.src_uri).stem
    for number, img in enumerate(soup.select("img[src^='data:image/png;base64,']"), start=1):
        name = f"{stem}-figure-{number}.png"
        dest_dir.mkdir(parents=True, exist_ok=True)
        (dest_dir / name).write_bytes(base64.b64decode(img["src"].split(",", 1)[1]))
        img["src"] = name
        link = soup.new_tag(
            "a",
            attrs={"href": name, "class": "d2l-figure", "title": "Open the figure at full size"},
        )
        img.wrap(link)


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    if not is_notebook_page(page):
        if "language-pycon" not in html:
            return html
        soup = _soup(html)
        set_copy_text(soup)
        return str(soup)
    soup = _soup(html)
    remove_nbconvert_loaders(soup)
    page.toc = get_toc(toc_tokens(soup))
    add_alt_text(soup, _rendered_code_cells(page, config))
    collapse_solutions(soup)
    share_notebook_css(soup, page, config)
    figures_as_files(soup, page)
    return str(soup)


def on_post_page(output: str, page: Any, config: Any) -> str:
    src = Path(page.file.abs_src_path or "")
    if is_notebook_page(page) and src.suffix == ".py":
        dest_dir = Path(page.file.abs_dest_path).parent
        dest_dir.mkdir(parents=True, exist_ok=True)
        notebook = jupytext.read(src)
        jupytext.write(notebook, dest_dir / (src.stem + ".ipynb"), fmt="ipynb")
    return output
