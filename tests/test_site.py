"""Tests over the built site (`mkdocs build --strict`, once per session: see conftest.py).

They check what a reader gets without internet: every internal link and anchor resolves,
nothing is loaded from another host, MathJax is served by the site, and every notebook page
links to its downloadable source.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jupytext
from _nav import DOCS, nav_notebooks, nav_pages, page_html_path, page_url

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


def test_mathjax_is_served_by_the_site(built_site: Path) -> None:
    mathjax = built_site / "assets" / "mathjax"
    for component in ("startup.js", "core.js", "input/tex-base.js", "output/chtml.js"):
        assert (mathjax / component).stat().st_size > 10_000, f"{component} missing or truncated"
    assert (mathjax / "input/tex/extensions/boldsymbol.js").is_file()  # autoloaded on use
    assert (mathjax / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()
    for html in html_pages(built_site):
        if html.name == "404.html":
            continue
        scripts = [url for what, url in parse(html).assets if what == "script src"]
        names = [urlsplit(url).path.rsplit("/", 1)[-1] for url in scripts]
        assert "mathjax.js" in names and "startup.js" in names, f"{html}: {names}"
        assert names.index("mathjax.js") < names.index("startup.js"), "config after MathJax"


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
    assert (html.parent / name).read_bytes() == source.read_bytes()
    if source.suffix == ".py":
        notebook = json.loads((html.parent / (source.stem + ".ipynb")).read_text("utf-8"))
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert code_cells, "the .ipynb twin has no code cells"
        assert all(not c["outputs"] for c in code_cells), "the .ipynb twin must ship no outputs"
        assert len(notebook["cells"]) == len(jupytext.read(source).cells)


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
