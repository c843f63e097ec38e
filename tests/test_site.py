"""Tests over the built site (`mkdocs build --strict`, once per session: see conftest.py).

They check what a reader gets without internet: every internal link and anchor resolves,
nothing is loaded from another host, MathJax is served by the site, and every notebook page
links to its downloadable source.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import jupytext
import pytest
from _nav import DOCS, nav_notebooks, nav_pages, page_html_path, page_url
from bs4 import BeautifulSoup

SITE_ROOT_URL = "http://site.invalid/"  # a base to resolve relative links against


class PageParser(HTMLParser):
    """Collects ids (anchor targets), links and loaded assets of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []  # <a href>: followed by the reader
        self.assets: list[tuple[str, str]] = []  # (what, url): loaded by the browser
        self.inline: list[str] = []  # text of inline <script> and <style>
        self.downloads: list[str] = []  # <a download href>
        self.images_alt: list[str | None] = []
        self._in_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
            if "download" in a:
                self.downloads.append(a["href"])
        if tag == "link" and a.get("href"):
            rel = set(a.get("rel", "").lower().split())
            if rel & {"stylesheet", "preload", "modulepreload", "icon", "manifest", "prefetch"}:
                self.assets.append((f"link rel={a['rel']}", a["href"]))
            elif rel & {"canonical", "alternate", "prev", "next"}:
                pass  # not loaded by the browser
            else:
                self.assets.append((f"link rel={a.get('rel')}", a["href"]))
        for attr in ("src", "data", "poster"):
            if a.get(attr) and tag in (
                "script",
                "img",
                "iframe",
                "source",
                "video",
                "audio",
                "embed",
                "object",
                "track",
                "input",
            ):
                self.assets.append((f"{tag} {attr}", a[attr]))
        if a.get("srcset"):
            for candidate in a["srcset"].split(","):
                self.assets.append((f"{tag} srcset", candidate.strip().split(" ")[0]))
        if tag == "img":
            self.images_alt.append(a.get("alt"))
        if a.get("style"):
            self.inline.append(a["style"])
        self._in_inline = tag in ("script", "style") and "src" not in a

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in_inline = False

    def handle_data(self, data: str) -> None:
        if self._in_inline:
            self.inline.append(data)


_parsed: dict[Path, PageParser] = {}


def parse(path: Path) -> PageParser:
    if path not in _parsed:
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        _parsed[path] = parser
    return _parsed[path]


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


def url_of(site: Path, html: Path) -> str:
    rel = html.relative_to(site).as_posix()
    return SITE_ROOT_URL + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def target_file(site: Path, url: str) -> Path | None:
    """The file a same-site URL points to, or None if it leaves the site."""
    if not url.startswith(SITE_ROOT_URL):
        return None
    rel = unquote(urlsplit(url).path)[len(urlsplit(SITE_ROOT_URL).path) :]
    path = site / rel
    return path / "index.html" if (rel == "" or rel.endswith("/")) else path


def is_external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.IGNORECASE))


# -- the build -------------------------------------------------------------------------------


def test_every_nav_page_is_built(built_site: Path, nav_page: str) -> None:
    assert (DOCS / nav_page).is_file(), f"nav lists {nav_page}, but docs/{nav_page} is missing"
    html = page_html_path(built_site, nav_page)
    assert html.is_file(), f"{nav_page} was not built to {html.relative_to(built_site)}"
    assert "md-content" in html.read_text(encoding="utf-8")


def test_build_log_has_no_warnings(built_site: Path) -> None:
    # --strict already fails on mkdocs warnings; this also catches warnings that plugins
    # only log (and keeps the log readable). The kernel's own transport notice is not ours.
    log = (built_site / ".build.log").read_text(encoding="utf-8")
    warnings = [line for line in log.splitlines() if re.match(r"^(WARNING|ERROR)\b", line.strip())]
    assert not warnings, "\n".join(warnings)


# -- links and anchors -------------------------------------------------------------------------


def test_internal_links_and_anchors_resolve(built_site: Path) -> None:
    broken = []
    for html in html_pages(built_site):
        page = parse(html)
        base = url_of(built_site, html)
        urls = [("a href", u) for u in page.links] + page.assets
        for what, raw in urls:
            if not raw or raw.startswith(("mailto:", "data:", "javascript:", "blob:")):
                continue
            if is_external(raw):
                continue  # plain links to other sites are allowed; assets are tested below
            url = urljoin(base, raw)
            target = target_file(built_site, url)
            where = f"{html.relative_to(built_site)}: {what}={raw!r}"
            if target is None:
                broken.append(f"{where} leaves the site")
                continue
            if not target.is_file():
                broken.append(f"{where} -> {target.relative_to(built_site)} does not exist")
                continue
            fragment = unquote(urlsplit(url).fragment)
            if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{where}: no id {fragment!r} in {target.relative_to(built_site)}")
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:50])


# -- nothing from another host -----------------------------------------------------------------

_REMOTE_IN_CODE = [
    re.compile(r"""url\(\s*['"]?\s*(?:https?:)?//""", re.I),  # CSS url(...), fonts included
    re.compile(r"""@import\s+(?:url\()?\s*['"]?\s*(?:https?:)?//""", re.I),
    re.compile(r"""\bimport\s*\(\s*['"](?:https?:)?//""", re.I),  # dynamic JS import
    re.compile(r"""\bfrom\s+['"](?:https?:)?//""", re.I),  # static JS module import
]


def test_no_asset_from_another_host(built_site: Path) -> None:
    remote = []
    for html in html_pages(built_site):
        page = parse(html)
        rel = html.relative_to(built_site)
        remote += [f"{rel}: {what}={url}" for what, url in page.assets if is_external(url)]
        for text in page.inline:
            remote += [
                f"{rel}: inline code: {m.group(0)}..."
                for p in _REMOTE_IN_CODE
                for m in p.finditer(text)
            ]
    for css in sorted(built_site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote += [
            f"{css.relative_to(built_site)}: {m.group(0)}..."
            for p in _REMOTE_IN_CODE
            for m in p.finditer(text)
        ]
    assert not remote, "assets from other hosts:\n" + "\n".join(sorted(set(remote))[:50])


def test_no_web_fonts(built_site: Path) -> None:
    # theme.font: false. Material would otherwise link fonts.googleapis.com on every page.
    for html in html_pages(built_site):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html


# -- math ----------------------------------------------------------------------------------------


def test_math_is_typeset_when_the_site_is_built(built_site: Path) -> None:
    # docs/hooks/site.py typesets every formula with MathJax at build time: pages load no
    # MathJax script, link the shared math stylesheet, whose web fonts the site serves.
    css = built_site / "assets" / "mathjax" / "math.css"
    fonts = re.findall(r'url\("([^"]+)"\)', css.read_text(encoding="utf-8"))
    assert "./MathJax_Main-Regular.woff" in fonts
    for font in fonts:
        assert (css.parent / font).stat().st_size > 1_000, f"{font} missing or truncated"
    for html in html_pages(built_site):
        if html.name == "404.html":
            continue
        assets = parse(html).assets
        names = [urlsplit(url).path.rsplit("/", 1)[-1] for _, url in assets]
        assert "math.css" in names, f"{html}: no math stylesheet ({names})"
        assert not [n for n in names if "mathjax" in n.lower() or n == "startup.js"], names
        text = html.read_text(encoding="utf-8")
        assert "data-mjx-error" not in text and "<mjx-merror" not in text, html


def test_theory_pages_have_math_for_mathjax(built_site: Path) -> None:
    # arithmatex (generic) wraps every formula in an `.arithmatex` element as \( \) or \[ \];
    # the browser test checks that MathJax typesets each of them.
    theory = [p for p in nav_pages() if p.startswith("theory/")]
    assert theory
    for path in theory:
        text = page_html_path(built_site, path).read_text(encoding="utf-8")
        assert 'class="arithmatex"' in text, f"no math on {path}"


# -- notebooks -------------------------------------------------------------------------------


def test_notebook_page_links_its_sources(built_site: Path, nav_notebook: str) -> None:
    html = page_html_path(built_site, nav_notebook)
    source = DOCS / nav_notebook
    downloads = parse(html).downloads
    name = source.name
    expected = [name] + ([source.stem + ".ipynb"] if source.suffix == ".py" else [])
    for file_name in expected:
        assert file_name in downloads, f"{html}: no download link to {file_name} ({downloads})"
        # the link is relative: it resolves next to the page, also from file:// and sub-paths
        assert (html.parent / file_name).is_file(), f"{file_name} not copied next to {html}"
    if source.suffix == ".py":
        # The downloads are the source's cells after an install cell (the `.py` also after a
        # cell that saves figures, each bare last-line value wrapped to save it when a figure).
        cells = [c.source for c in jupytext.read(source).cells]
        script = [c.source for c in jupytext.read(html.parent / name).cells]
        assert "%pip install" in script[0] and "def _save_figure" in script[1]
        unwrapped = [re.sub(r"_save_figure\((\w+)\)$", r"\1", c) for c in script[2:]]
        assert unwrapped == cells, f"{name}: the download is not the page's notebook"
        notebook = json.loads((html.parent / (source.stem + ".ipynb")).read_text("utf-8"))
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert code_cells, "the .ipynb twin has no code cells"
        assert all(not c["outputs"] for c in code_cells), "the .ipynb twin must ship no outputs"
        assert ["".join(c["source"]) for c in notebook["cells"][1:]] == cells
        assert "# %pip install d2l_linreg-" in "".join(notebook["cells"][0]["source"])
    else:
        assert (html.parent / name).read_bytes() == source.read_bytes()


def test_notebook_page_hides_tagged_cells(built_site: Path, nav_notebook: str) -> None:
    # `hide-cell` cells run at build but are removed from the page; every other code cell is
    # shown (mkdocs-jupyter wraps each shown code cell once in an id-less jp-CodeCell div).
    text = page_html_path(built_site, nav_notebook).read_text(encoding="utf-8")
    cells = jupytext.read(DOCS / nav_notebook).cells
    shown = [
        c for c in cells if c.cell_type == "code" and "hide-cell" not in c.metadata.get("tags", [])
    ]
    rendered = re.findall(r'<div class="jp-Cell jp-CodeCell[^"]*">', text)
    assert len(rendered) == len(shown)
    hide_input = [c for c in shown if "hide-input" in c.metadata.get("tags", [])]
    inputs = text.count('<div class="jp-Cell-inputWrapper"')
    markdown_cells = sum(c.cell_type == "markdown" for c in cells)
    assert inputs == len(shown) - len(hide_input) + markdown_cells


def test_notebook_figures_have_alt_text(built_site: Path, nav_notebook: str) -> None:
    # A figure's alt text comes from its cell header: `# %% alt="..."` (docs/hooks/site.py).
    alts = parse(page_html_path(built_site, nav_notebook)).images_alt
    missing = [a for a in alts if not a or a.startswith("No description has been provided")]
    assert not missing, (
        f"{len(missing)} figure(s) on {nav_notebook} have no alt text: give the cell that "
        'draws each one an alt, e.g. `# %% alt="Training loss falls from 8.9 to 0.0001"`'
    )


def test_notebook_cells_with_alt_text_draw_their_figure(
    built_site: Path, nav_notebook: str
) -> None:
    # A cell whose header carries alt="..." must show a figure with that text: this fails if
    # figures vanish from the pages (a kernel without the inline backend draws nothing).
    alts = parse(page_html_path(built_site, nav_notebook)).images_alt
    cells = jupytext.read(DOCS / nav_notebook).cells
    wanted = [
        c.metadata["alt"]
        for c in cells
        if c.cell_type == "code"
        and c.metadata.get("alt")
        and "hide-cell" not in c.metadata.get("tags", [])
    ]
    for alt in wanted:
        assert alt in alts, f"no figure with alt={alt!r} on {nav_notebook}"


def test_notebook_pages_have_no_nbconvert_loaders(built_site: Path, nav_notebook: str) -> None:
    text = page_html_path(built_site, nav_notebook).read_text(encoding="utf-8")
    assert "text/x-mathjax-config" not in text
    assert "cdnjs" not in text and "mermaid.esm" not in text
    assert '<script src="">' not in text


def test_nav_urls_are_directory_urls() -> None:
    # page_url() mirrors mkdocs' use_directory_urls; keep them in step.
    assert page_url("index.md") == ""
    assert page_url("pitfalls/index.md") == "pitfalls/"
    assert page_url("implementation/scratch.py") == "implementation/scratch/"
    assert nav_notebooks(), "the nav lists no notebook"


def test_notebook_solution_cells_are_folded(built_site: Path, nav_notebook: str) -> None:
    # Cells tagged `solution` are wrapped in a closed <details>, like `??? success "Solution"`.
    text = page_html_path(built_site, nav_notebook).read_text(encoding="utf-8")
    cells = jupytext.read(DOCS / nav_notebook).cells
    solutions = [c for c in cells if "solution" in c.metadata.get("tags", [])]
    folded = re.findall(
        r'<details class="success"><summary>Solution</summary><div class="jp-Cell jp-CodeCell[^"]*'
        r'celltag_solution[^"]*">',
        text,
    )
    assert len(folded) == len(solutions)
    assert text.count("<details") == text.count("</details>")


# -- weight --------------------------------------------------------------------------------------

MAX_HTML_BYTES = 300_000


def test_no_html_page_over_300_kB(built_site: Path) -> None:
    # Notebook pages once inlined ~575 kB of JupyterLab CSS and base64 figures (1.26 MB).
    heavy = {
        str(html.relative_to(built_site)): html.stat().st_size
        for html in html_pages(built_site)
        if html.stat().st_size > MAX_HTML_BYTES
    }
    assert not heavy, f"HTML pages over {MAX_HTML_BYTES} bytes: {heavy}"


def test_notebook_css_and_figures_are_shared_files(built_site: Path, nav_notebook: str) -> None:
    html = page_html_path(built_site, nav_notebook)
    page = parse(html)
    assert not any(len(text) > 10_000 for text in page.inline), "a large inline <style>/<script>"
    sheets = [url for what, url in page.assets if "stylesheet" in what and "jupyter-" in url]
    assert len(sheets) == 1, f"{html}: no link to the shared notebook CSS ({page.assets})"
    images = [url for what, url in page.assets if what == "img src"]
    assert not [u for u in images if u.startswith("data:")], "a figure is still a data: URL"
    for url in images:
        assert (html.parent / url).is_file() and url in page.links, f"{url}: no file or no link"


# -- the API reference (mkdocstrings) -------------------------------------------------------------

API_PAGES = ("api.md", "api-topics.md")


def _api_headings(site: Path) -> dict[str, str]:
    """id -> text of every heading of the API pages (mkdocstrings' ids are the dotted paths)."""
    from bs4 import BeautifulSoup

    headings = {}
    for page in API_PAGES:
        soup = BeautifulSoup(page_html_path(site, page).read_text(encoding="utf-8"), "html.parser")
        for h in soup.select("article :is(h2, h3, h4)[id^='d2l_linreg.']"):
            h.select_one("a.headerlink").decompose()
            headings[h["id"]] = " ".join(h.get_text(" ").split())
    return headings


def _signature_text(obj: object) -> str:
    """`name(a, b=1, *, c=None)` as the API page writes it: no annotations."""
    import inspect

    sig = inspect.signature(obj)  # type: ignore[arg-type]
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    plain = sig.replace(parameters=params, return_annotation=inspect.Signature.empty)
    return f"{obj.__name__}{plain}"  # type: ignore[attr-defined]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_api_reference_lists_core_functions_with_signatures(built_site: Path) -> None:
    import d2l_linreg as d2l

    headings = _api_headings(built_site)
    for name in ("fit_least_squares", "train", "synthetic_data"):
        anchor = f"d2l_linreg.{name}"
        assert anchor in headings, f"the API page has no entry {anchor}"
        expected = _signature_text(getattr(d2l, name))
        assert _squash(expected) in _squash(headings[anchor]), (
            f"{anchor}: the heading {headings[anchor]!r} does not show {expected!r}"
        )


def test_api_reference_lists_every_public_name(built_site: Path) -> None:
    import inspect

    import d2l_linreg as d2l

    headings = _api_headings(built_site)
    missing = []
    for name in d2l.__all__:
        plot = name.startswith("plot_")  # loaded lazily: documented with d2l.plotting
        anchor = f"d2l_linreg.{'plotting.' if plot else ''}{name}"
        if anchor not in headings:
            missing.append(f"d2l.{name}")
        elif callable(getattr(d2l, name)) and not inspect.isclass(getattr(d2l, name)):
            assert _squash(_signature_text(getattr(d2l, name))) in _squash(headings[anchor])
    topics = [
        n
        for n in dir(d2l)
        if not n.startswith("_")
        and inspect.ismodule(getattr(d2l, n))
        and getattr(d2l, n).__name__ == f"d2l_linreg.{n}"
        and n not in ("cli", "cli_train")  # the command line (imported by its tests), not an API
    ]
    assert len(topics) >= 10, topics
    for topic in topics:
        module = getattr(d2l, topic)
        names = getattr(module, "__all__", None) or [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and getattr(obj, "__module__", None) == module.__name__
            and (inspect.isfunction(obj) or inspect.isclass(obj))
        ]
        for name in names:
            documented = {f"d2l_linreg.{topic}.{name}", f"d2l_linreg.{name}"} & headings.keys()
            in_facade = name in d2l.__all__ and getattr(d2l, name) is getattr(module, name)
            if not documented and not (in_facade and f"d2l_linreg.plotting.{name}" in headings):
                missing.append(f"d2l.{topic}.{name}")
    assert not missing, f"public names without an entry on the API pages: {missing}"


def test_api_reference_typesets_docstring_math(built_site: Path) -> None:
    # `$$...$$` in a docstring goes through arithmatex (generic), like the pages' math.
    html = page_html_path(built_site, "api.md").read_text(encoding="utf-8")
    math = re.findall(r'<div class="arithmatex"[^>]*>(.*?)</div>', html, re.DOTALL)
    # typeset at build time: MathJax's output, with the formula as assistive MathML (\ell)
    assert any("<mjx-container" in m and "<mi>\u2113</mi>" in m for m in math), (
        "squared_loss's formula is not math"
    )
    assert "$$" not in re.sub(r'<div class="arithmatex".*?</div>', "", html, flags=re.DOTALL)


def test_pages_link_functions_to_the_api_reference(built_site: Path) -> None:
    def api_links(page: str) -> set[str]:
        links = re.findall(
            r'<a class="d2l-api-link" href="([^"]+)"',
            page_html_path(built_site, page).read_text(encoding="utf-8"),
        )
        return {urlsplit(link).fragment for link in links}

    assert "d2l_linreg.synthetic_data" in api_links("implementation/synthetic-data.md")
    assert "d2l_linreg.train" in api_links("implementation/scratch.py")  # a notebook page
    assert "d2l_linreg.fit_least_squares" in api_links("numerics/normal-equation-breaks.md")
    home = page_html_path(built_site, "index.md").read_text(encoding="utf-8")
    assert re.search(r'<a href="api/">API reference</a>', home), "the home page links no API page"
    for page in nav_pages():
        for link in re.findall(r'class="d2l-api-link" href="([^"]+)"', _read(built_site, page)):
            assert urlsplit(link).fragment.startswith("d2l_linreg."), f"{page}: {link}"


def _read(site: Path, page: str) -> str:
    return page_html_path(site, page).read_text(encoding="utf-8")


def test_home_and_notebook_pages_offer_the_wheel(built_site: Path, nav_notebook: str) -> None:
    wheels = sorted(p.name for p in (built_site / "downloads").glob("d2l_linreg-*.whl"))
    assert len(wheels) == 1, wheels
    for page in ("index.md", nav_notebook):
        html = page_html_path(built_site, page)
        parsed = parse(html)
        links = [u for u in parsed.downloads if u.endswith("downloads/" + wheels[0])]
        assert links, f"{page}: no download link to the wheel"
        assert (html.parent / links[0]).resolve() == (built_site / "downloads" / wheels[0])
        assert f"pip install {wheels[0]}" in _read(built_site, page)


# -- every Markdown page's code as a script (docs/hooks/site.py, page_script) -------------------


def _hook() -> Any:
    """docs/hooks/site.py as a module: the tests use the build's own extraction."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("d2l_site_hook", DOCS / "hooks" / "site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MARKDOWN_PAGES = [page for page in nav_pages() if page.endswith(".md")]


@pytest.mark.parametrize("page", MARKDOWN_PAGES)
def test_markdown_page_offers_its_code_as_a_script_that_runs(
    built_site: Path, page: str, tmp_path: Path
) -> None:
    hook = _hook()
    blocks = hook.page_blocks(DOCS / page)
    html = page_html_path(built_site, page)
    dest = built_site / hook.script_dest(page, use_directory_urls=True)
    if not blocks:
        assert not dest.exists() and "d2l-page-script" not in html.read_text(encoding="utf-8")
        return
    script = dest.read_text(encoding="utf-8")
    code = "".join(f"\n{block}" for block in blocks)
    guarded = textwrap.indent(code, "    ")  # a page that starts processes: under a main guard
    assert script.endswith((code, guarded)), f"{dest}: not the page's code"
    assert ">>>" not in script
    assert (html.parent / dest.name).resolve() == dest.resolve()
    assert dest.name in parse(html).downloads, f"{page}: no download link to {dest.name}"
    # Run it as a reader would: a fresh interpreter, an empty folder, the package importable.
    (tmp_path / dest.name).write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(DOCS.parent), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, dest.name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{dest.name} failed:\n{(proc.stdout + proc.stderr)[-4000:]}"


# -- the alias rule: `d2l` here is d2l_linreg, not D2L's package (docs/hooks/site.py) ---------


@pytest.mark.parametrize("page", nav_pages())
def test_pages_importing_the_package_as_d2l_show_the_alias_box(built_site: Path, page: str) -> None:
    source = (DOCS / page).read_text(encoding="utf-8")
    imports = bool(_hook().ALIAS_IMPORT.search(source))
    soup = BeautifulSoup(_read(built_site, page), "html.parser")
    boxes = soup.select("details.d2l-alias")
    assert len(boxes) == int(imports), (
        f"{page}: {len(boxes)} alias boxes, imports as d2l: {imports}"
    )
    if imports:  # under the title, before any code, naming the three clashing functions
        assert boxes[0].find_previous("h1") is not None and boxes[0].find_previous("pre") is None
        for name in ("synthetic_data", "load_array", "sgd"):
            assert f"d2l.{name}(" in boxes[0].get_text(), (page, name)


def test_alias_pattern_matches_the_import_lines_only() -> None:
    pattern = _hook().ALIAS_IMPORT
    assert pattern.search(">>> import d2l_linreg as d2l\n") and pattern.search(
        "import d2l_linreg as d2l"
    )
    assert not pattern.search("import d2l_linreg\n") and not pattern.search(
        "import d2l_linreg as d2lx"
    )
    assert not pattern.search("# we never write: from d2l import torch as d2l")


_MARKER_TEXT = re.compile(r"<!--|-->|invisible-code-block")


def test_no_page_shows_a_hidden_block_or_a_marker(built_site: Path) -> None:
    """Hidden check blocks and the number markers (`<!-- from: ... -->`) never reach the reader:
    a `#` line at the top of an invisible block once turned it into a heading and printed it."""
    shown = []
    for html in html_pages(built_site):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article") or soup
        for code in article.find_all(["pre", "code"]):
            code.decompose()  # code may quote a marker
        for line in article.get_text("\n").split("\n"):
            if _MARKER_TEXT.search(line):
                shown.append(f"{html.relative_to(built_site)}: {line.strip()[:80]!r}")
    assert shown == [], "\n".join(shown)
