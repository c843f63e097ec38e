"""MkDocs hooks for the d2l_linreg site (listed under `hooks:` in mkdocs.yml).

What they do, and why (see "Site tooling" in ARCHITECTURE.md):

* Every `.py`/`.ipynb` page listed in `nav:` is added to mkdocs-jupyter's `include:` list,
  so a new notebook needs only its nav entry; no other `.py` under docs/ becomes a page.
* Math is typeset when the site is built, by MathJax 3 run with node (render_math.js, on the
  components of the installed `mathjax` package, PyPI: django-static-mathjax): pages carry
  MathJax's output, `assets/mathjax/` holds its stylesheet and web fonts, and no MathJax script
  runs in the browser. No page loads anything from another host.
* nbconvert puts a MathJax 2 loader (from a CDN by default), its configuration, and a
  mermaid loader (a CDN import) into every notebook page: they are removed; the site's
  build-time MathJax typesets notebook markdown cells too (render_math).
* Figures in notebooks get alt text from their cell's `alt` metadata, written in the
  jupytext cell header: `# %% alt="Loss against epoch: it falls from 8.4 to 0.0001"`
  (nbconvert would otherwise write "No description has been provided for this image").
* A notebook page's table of contents is rebuilt from the headings of its HTML: mkdocs-jupyter
  builds it from a Markdown export that drops inline code, so a heading such as
  "The loop through `d2l.train`" got a TOC link to an id that does not exist.
* The downloads of each notebook page (after the build, written with jupytext): the `.py`
  (replacing the source that `include_source` copied) and an outputs-free `.ipynb` twin. Both
  start with a commented `%pip install <wheel>` cell; the `.py` saves its figures as PNG files
  next to itself when run as a script.
* The API reference (docs/api.md, docs/api-topics.md, rendered by mkdocstrings): on every other
  page, the first use of each documented `d2l.name` or `d2l.topic.name` (inline code or a code
  block) links to its entry. This runs in `on_env`, once every page is rendered and the
  autorefs plugin knows every entry's URL; a name with no entry stays plain text.
* A wheel of the package is built with the site into `downloads/` (`pip wheel --no-deps` on a
  copy of the sources, so no stale `build/` folder leaks into it; a file of the site, so that
  links to it are validated); its file name is
  `config.extra.d2l_wheel`, which the notebook download box (overrides/main.html) and the home
  page (the `<!-- d2l:install -->` marker) use for the one `pip install` line.
* Every Markdown page with code offers it as one script (`page.py` next to the page), made
  from its visible code blocks with the suite's own page parser (tests/_pages.py); see
  `page_script` below. tests/test_site.py runs every such script.
"""

from __future__ import annotations

import base64
import doctest
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from html import escape as html_escape
from pathlib import Path
from typing import Any

import jupytext
import nbformat
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


REPO = Path(__file__).resolve().parents[2]
DOWNLOADS = "downloads"


def wheel_name() -> str:
    """The file name `pip wheel` gives the package (pure Python: `py3-none-any`)."""
    # pyproject.toml's [project] table; tomllib is Python 3.11+, the project supports 3.10.
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = dict(re.findall(r'^(name|version) = "([^"]+)"', project, re.MULTILINE))
    name = re.sub(r"[-_.]+", "_", fields["name"]).lower()
    return f"{name}-{fields['version']}-py3-none-any.whl"


def install_line(wheel: str) -> str:
    """The one command that installs the downloaded wheel (torch, numpy, matplotlib with it)."""
    return f"pip install {wheel}"


def build_wheel(dest: Path) -> Path:
    """`pip wheel --no-deps` of a fresh copy of the sources into `dest`; the wheel's path."""
    with tempfile.TemporaryDirectory(prefix="d2l-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(REPO / name, src / name)
        shutil.copytree(
            REPO / "d2l_linreg",
            src / "d2l_linreg",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        dest.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [
                *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
                *("--no-index", "-q", "-w", str(dest), str(src)),
            ],
            capture_output=True,
            text=True,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"building the wheel failed:\n{proc.stdout}{proc.stderr}")
    wheel = dest / wheel_name()
    if not wheel.is_file():
        raise RuntimeError(f"pip wheel wrote {sorted(os.listdir(dest))}, not {wheel.name}")
    return wheel


def on_config(config: Any) -> Any:
    config["extra"]["d2l_wheel"] = wheel_name()
    config["extra"]["d2l_install"] = install_line(wheel_name())
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


# Math is typeset when the site is built (docs/hooks/render_math.js, run with the system's node on
# the MathJax 3 components of the installed package): pages ship MathJax's CHTML output, with
# assistive MathML for screen readers, one shared stylesheet and the web fonts it names (a
# browser fetches only those a page uses); no MathJax script runs in the browser, which saves
# about 800 kB of every cold page load. The file:// build (`make offline`) gets SVG output
# instead, each equation with its glyphs: browsers refuse web fonts from a folder.
MATH_CSS = f"{MATHJAX_DEST}/math.css"
MATH_ELEMENTS = ".arithmatex, .jp-RenderedMarkdown"  # pymdownx.arithmatex; notebook markdown
RENDER_MATH_JS = Path(__file__).with_name("render_math.js")


def _offline(config: Any) -> bool:
    plugin = config["plugins"].get("material/offline")
    return bool(plugin is not None and plugin.config.enabled)


def _mathjax_files(config: Any) -> list[File]:
    root = _mathjax_root()
    fonts = root / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
    sources = [root / "LICENSE"] + ([] if _offline(config) else sorted(fonts.glob("*.woff")))
    return [
        File.generated(config, f"{MATHJAX_DEST}/{src.name}", abs_src_path=str(src))
        for src in sources
    ]


def render_math(files: Files, config: Any) -> None:
    """Replace the math of every page by MathJax's output; write the shared stylesheet."""
    node = shutil.which("node")
    if node is None:  # pragma: no cover - depends on the environment
        raise RuntimeError("the site's math is typeset with node at build time: install nodejs")
    found: list[tuple[Any, BeautifulSoup, list[Tag]]] = []
    for file in files:
        page = file.page
        if page is None or not page.content:
            continue
        soup = _soup(page.content)
        elements = [
            el
            for el in soup.select(MATH_ELEMENTS)
            if not any(parent in el.parents for parent in soup.select(MATH_ELEMENTS))
        ]
        if elements:
            found.append((page, soup, elements))
    request = {
        "es5": str(_mathjax_root() / "es5"),
        "output": "svg" if _offline(config) else "chtml",
        "fontURL": ".",  # relative to math.css, which lies next to the fonts
        "fragments": [str(el) for _, _, elements in found for el in elements],
    }
    done = subprocess.run(
        [node, str(RENDER_MATH_JS)], input=json.dumps(request), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{RENDER_MATH_JS.name} failed:\n{done.stderr}")
    result = json.loads(done.stdout)
    if result["errors"]:
        raise RuntimeError("MathJax could not typeset: " + "; ".join(result["errors"]))
    rendered = iter(result["fragments"])
    for page, soup, elements in found:
        for el in elements:
            el.replace_with(_soup(next(rendered)))
        page.content = str(soup)
    dest = Path(config["site_dir"]) / MATH_CSS
    dest.parent.mkdir(parents=True, exist_ok=True)
    css = re.sub(r"\n{3,}", "\n\n", result["css"])  # MathJax leaves many blank lines
    dest.write_text(css, encoding="utf-8")
    log.info("math: %d elements typeset, %d bytes of CSS", len(request["fragments"]), len(css))


def on_files(files: Files, config: Any) -> Files:
    for file in _mathjax_files(config):
        files.append(file)
    # The wheel is a file of the site like any other, so that links to it are validated.
    wheel = build_wheel(Path(tempfile.mkdtemp(prefix="d2l-wheel-out-")))
    files.append(File.generated(config, f"{DOWNLOADS}/{wheel.name}", abs_src_path=str(wheel)))
    add_page_scripts(files, config)
    return files


# ---- the notebook CSS, trimmed to the rules the notebook pages use ------------------------------
# JupyterLab's CSS (~590 kB) styles every widget of JupyterLab; a notebook page uses a few of
# them. Once every page is rendered (on_env), each style rule is kept only if one of its
# selectors matches an element of some notebook page's content (tinycss2 parses the CSS,
# soupsieve, BeautifulSoup's selector engine, matches). Pseudo-classes and pseudo-elements are
# removed before matching (`a:hover::after` is kept when some `a` exists), which can only keep
# more; `:root`/`html`/`body` rules (the --jp-* variables), @font-face, @keyframes and any
# selector the engine cannot read are kept. The file is named by the trimmed CSS's hash.

_PSEUDO = re.compile(r"::?[A-Za-z-]+(\((?:[^()]|\([^()]*\))*\))?")
_ALWAYS = re.compile(r"^\s*(:root|html|body|\*)?\s*$")
# The colour scheme is an attribute of <body> that the reader switches: always "matches".
_SCHEME = re.compile(r"\[data-md-color-[a-z]+(=[^\]]*)?\]")
# A page's content sits in Material's article; rules may name these ancestors.
_ANCESTORS = (
    '<div class="md-content"><article class="md-content__inner md-typeset">{}</article></div>'
)

NOTEBOOK_CSS: dict[str, str] = {}  # the untrimmed CSS, by its placeholder file name


# A class or id that no notebook page has rules a selector out before soupsieve runs (which
# is slow: a selector that matches nothing walks the whole document). Names are read outside
# attribute brackets and strings; a selector with a functional pseudo-class or an escape is left
# to soupsieve.
_NAMES = re.compile(r"([.#])(-?[_a-zA-Z][\w-]*)")
_BRACKETS = re.compile(r"\[[^\]]*\]|\"[^\"]*\"|'[^']*'")


class _Pages:
    """Every notebook page's content in one document, with the classes and ids it uses."""

    def __init__(self, contents: list[str]) -> None:
        self.soup = _soup(_ANCESTORS.format("".join(contents)))
        self.classes = {c for tag in self.soup.find_all(class_=True) for c in tag.get("class", [])}
        self.ids = {str(tag["id"]) for tag in self.soup.find_all(id=True)}
        self.seen: dict[str, bool] = {}  # selector -> used (a selector recurs in many rules)


def _could_match(selector: str, pages: _Pages) -> bool:
    if "(" in selector or "\\" in selector:
        return True
    for kind, name in _NAMES.findall(_BRACKETS.sub("", selector)):
        if name not in (pages.classes if kind == "." else pages.ids):
            return False
    return True


def _selector_used(selector: str, pages: _Pages) -> bool:
    plain = _SCHEME.sub("", _PSEUDO.sub("", selector)).strip()
    if _ALWAYS.match(plain) or re.match(r"^(:root|html|body)\b", selector.strip()):
        return True
    if plain not in pages.seen:
        try:
            used = _could_match(plain, pages) and pages.soup.select_one(plain) is not None
        except Exception:  # a selector soupsieve does not support: keep the rule
            used = True
        pages.seen[plain] = used
    return pages.seen[plain]


def trim_css(css: str, pages: _Pages) -> str:
    import tinycss2

    def keep(rules: list[Any]) -> list[str]:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = tinycss2.serialize(rule.prelude).split(",")
                if any(_selector_used(sel, pages) for sel in selectors):
                    out.append(rule.serialize())
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
                inner = keep(tinycss2.parse_rule_list(rule.content, True, True))
                if inner:
                    prelude = tinycss2.serialize(rule.prelude)
                    out.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
            elif rule.type == "at-rule":
                out.append(rule.serialize())
        return out

    return "\n".join(keep(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))


def write_trimmed_notebook_css(files: Files, config: Any) -> None:
    """Trim the collected notebook CSS against every notebook page, write it, fix the links."""
    notebook_pages = [f.page for f in files if f.page is not None and is_notebook_page(f.page)]
    pages = _Pages([page.content or "" for page in notebook_pages])
    for placeholder, css in NOTEBOOK_CSS.items():
        trimmed = trim_css(css, pages)
        digest = hashlib.sha256(trimmed.encode()).hexdigest()[:12]
        name = f"{NOTEBOOK_CSS_DEST}/jupyter-{digest}.css"
        dest = Path(config["site_dir"]) / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(trimmed, encoding="utf-8")
        log.info("notebook CSS: %d bytes, trimmed to %d", len(css), len(trimmed))
        old, new = posixpath.basename(placeholder), posixpath.basename(name)
        for page in notebook_pages:
            page.content = page.content.replace(old, new)


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
    """mkdocs-jupyter inlines the same ~590 kB of JupyterLab CSS into every notebook page: link
    one shared file instead. It is written, trimmed, once every page is rendered
    (`write_trimmed_notebook_css`); until then the link names a placeholder."""
    styles = soup.find_all("style")
    if not styles:
        return
    css = "\n".join(style.get_text() for style in styles)
    name = (
        f"{NOTEBOOK_CSS_DEST}/jupyter-untrimmed{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    )
    NOTEBOOK_CSS[name] = css
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


# The alias rule (one for the whole site): pages write `import d2l_linreg as d2l`, the alias of
# D2L's own package; every page that does shows this box under its title, so that a reader who
# also follows D2L cannot paste into the wrong namespace. D2L's signatures are those of its
# `d2l/torch.py` (the book's package).
ALIAS_IMPORT = re.compile(r"^\s*(?:>>> )?import d2l_linreg as d2l\b", re.M)
ALIAS_BOX = """<details class="warning d2l-alias"><summary>Here <code>d2l</code> is this site's package,
<code>d2l_linreg</code>, not D2L's <code>d2l</code></summary>
<p>The code imports <code>import d2l_linreg as d2l</code>, the alias the book <em>Dive into Deep
Learning</em> gives its own package. They are different packages, and three names exist in both
with different arguments or behaviour:</p>
<ul>
<li><code>d2l.synthetic_data(w, b, num_examples, noise=0.01, *, seed=None)</code>: D2L's
<code>synthetic_data(w, b, num_examples)</code> has no <code>noise</code> or <code>seed</code> and
draws from the global random state.</li>
<li><code>d2l.load_array(data, batch_size, *, shuffle=True, seed=None)</code>: D2L's
<code>load_array(data_arrays, batch_size, is_train=True)</code> calls the shuffle flag
<code>is_train</code> and takes no seed.</li>
<li><code>d2l.sgd(params, lr, batch_size)</code>: the step for a <em>summed</em> loss
(<code>p -= lr * p.grad / batch_size</code>), as in D2L's earlier editions; D2L's current
chapter steps with an <code>SGD</code> class and a mean loss, here <code>d2l.SGDScratch</code>.</li>
</ul>
<p>If you work with both, do not alias this one: <code>import d2l_linreg</code>.</p></details>"""


def add_alias_box(soup: BeautifulSoup, page: Any) -> None:
    """The alias box under the title of a page whose code imports the package as `d2l`."""
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    title = soup.find("h1")
    if ALIAS_IMPORT.search(source) and title is not None:
        title.insert_after(_soup(ALIAS_BOX))


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    if not is_notebook_page(page):
        soup = _soup(html)
        set_copy_text(soup)
        add_script_link(soup, page, config)
        add_alias_box(soup, page)
        return str(soup)
    soup = _soup(html)
    add_alias_box(soup, page)
    remove_nbconvert_loaders(soup)
    page.toc = get_toc(toc_tokens(soup))
    add_alt_text(soup, _rendered_code_cells(page, config))
    collapse_solutions(soup)
    share_notebook_css(soup, page, config)
    figures_as_files(soup, page)
    return str(soup)


# The downloads of a notebook page. Their first cell installs the package from the site's wheel
# (commented out: the suite runs the sources, and a reader runs it once); the `.py` also saves
# every figure next to itself when run as a script, where nothing would display it.
INSTALL_CELL = """# Run this once in a fresh environment, with {wheel} (from this notebook's page)
# saved next to the notebook: remove the leading "# " and run the cell.
# %pip install {wheel}"""

SAVE_FIGURES_CELL = """# Run as a script (`python {name}`), nothing displays a figure: each one is saved next to the
# script instead, as {stem}-figure-1.png, ... In Jupyter, figures show as usual.
import sys as _sys
from pathlib import Path as _Path


def _save_figure(value):
    # Run as a script: save a figure as a PNG next to the script. Return `value` unchanged.
    if hasattr(value, "savefig") and "ipykernel" not in _sys.modules:
        _save_figure.count += 1
        script = _Path(__file__).resolve()
        path = script.with_name(f"{{script.stem}}-figure-{{_save_figure.count}}.png")
        value.savefig(path, dpi=110)
        print(f"figure saved: {{path.name}}")
    return value


_save_figure.count = 0"""
_BARE_NAME = re.compile(r"^[A-Za-z_]\w*$")


def download_notebook(src: Path, wheel: str, *, script: bool) -> Any:
    """The notebook a reader downloads: the install cell first; for the `.py`, figures saved."""
    notebook = jupytext.read(src)
    install = INSTALL_CELL.format(wheel=wheel)
    # In the `.py`, jupytext reads `# %pip` as the magic and writes it back commented; in the
    # `.ipynb` the cell holds the comment itself, so that "run all" does not install.
    cells = [
        jupytext.reads(install, fmt="py:percent").cells[0]
        if script
        else nbformat.v4.new_code_cell(install, id="install")
    ]
    if script:
        save = SAVE_FIGURES_CELL.format(name=src.name, stem=src.stem)
        cells.append(jupytext.reads(save, fmt="py:percent").cells[0])
        for cell in notebook.cells:
            lines = cell.source.rstrip().split("\n")
            if cell.cell_type == "code" and _BARE_NAME.match(lines[-1]):
                lines[-1] = f"_save_figure({lines[-1]})"
                cell.source = "\n".join(lines)
    notebook.cells = cells + notebook.cells
    return notebook


def write_downloads(config: Any) -> None:
    """Replace the `.py` that mkdocs-jupyter copied next to each notebook page, and write its
    outputs-free `.ipynb` twin (jupytext)."""
    site = Path(config["site_dir"])
    wheel = config["extra"]["d2l_wheel"]
    for path in nav_notebooks(config):
        src = Path(config["docs_dir"]) / path
        if src.suffix != ".py":
            continue
        dest_dir = site / Path(path).with_suffix("")  # directory URLs: page/ holds index.html
        if not (dest_dir / src.name).is_file():
            dest_dir = site / Path(path).parent  # offline build: page.html next to the sources
        script = download_notebook(src, wheel, script=True)
        jupytext.write(script, dest_dir / src.name, fmt="py:percent")
        twin = download_notebook(src, wheel, script=False)
        jupytext.write(twin, dest_dir / (src.stem + ".ipynb"), fmt="ipynb")


API_PAGES = ("api.md", "api-topics.md")
_D2L_NAME = re.compile(r"^d2l\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")


def api_identifiers(dotted: str) -> list[str]:
    """Where `d2l.<dotted>` may be documented: under its own path, or (a topic's name that is
    also in the chapter's API, `d2l.training.train`) at the top, or with the figures."""
    parts = dotted.split(".")
    candidates = [f"d2l_linreg.{dotted}"]
    if len(parts) == 2:
        candidates.append(f"d2l_linreg.{parts[1]}")
    if len(parts) == 1:
        candidates.append(f"d2l_linreg.plotting.{parts[0]}")
    return candidates


def _pygments_name(code: Tag) -> list[tuple[str, list[Tag]]]:
    """In a highlighted block, each `d2l.a.b` as its dotted name and its token spans."""
    found = []
    for span in code.find_all("span", class_="n", string="d2l"):
        tokens, names = [span], []
        node = span.next_sibling
        while (
            isinstance(node, Tag)
            and node.get("class") == ["o"]
            and node.string == "."
            and isinstance(node.next_sibling, Tag)
            and node.next_sibling.get("class") == ["n"]
        ):
            tokens += [node, node.next_sibling]
            names.append(node.next_sibling.get_text())
            node = node.next_sibling.next_sibling
        if names:
            found.append((".".join(names), tokens))
    return found


def link_api_names(html: str, url_of: Any) -> str:
    """Link the first use of each documented `d2l.…` name of a page to the API reference.
    `url_of(identifier)` returns the URL relative to the page, or raises KeyError."""
    soup = _soup(html)
    linked: set[str] = set()

    def resolve(dotted: str) -> str | None:
        """The URL of the entry, the first time the page names it; None otherwise."""
        for identifier in api_identifiers(dotted):
            try:
                url = url_of(identifier)
            except KeyError:
                continue
            if identifier in linked:
                return None
            linked.add(identifier)
            return url
        return None

    for code in soup.find_all("code"):
        if code.find_parent(["a", "h1", "h2", "h3", "h4", "h5", "h6"]):
            continue
        if code.parent is not None and code.parent.name == "pre":
            for dotted, tokens in _pygments_name(code):
                url = resolve(dotted)
                if url:
                    link = soup.new_tag("a", attrs={"href": url, "class": "d2l-api-link"})
                    tokens[0].insert_before(link)
                    for token in tokens:
                        link.append(token.extract())
        else:
            match = _D2L_NAME.match(code.get_text())
            url = match and resolve(match.group(1))
            if url:
                code.wrap(soup.new_tag("a", attrs={"href": url, "class": "d2l-api-link"}))
    return str(soup)


def index_api_summaries_only(html: str) -> str:
    """The search index (loaded by every page) keeps each API entry's name, signature and first
    paragraph; the rest of a docstring (arguments, returns, examples) is `data-search-exclude`:
    indexed whole, the API pages would double the index that every page of the site loads."""
    soup = _soup(html)
    for contents in soup.select("div.doc-object:not(.doc-module) > div.doc-contents"):
        first_paragraph = contents.find("p", recursive=False)
        for child in contents.find_all(True, recursive=False):
            if child is not first_paragraph and "doc-children" not in child.get("class", []):
                child["data-search-exclude"] = ""
    return str(soup)


SEARCH_EXCLUDED_CODE = "div.highlight, div.highlight-ipynb, div.jp-OutputArea"


def index_prose_only(html: str) -> str:
    """Code blocks and notebook outputs are left out of the search index, which every page
    loads (they were 42 % of it); prose, headings and inline code stay searchable, and every
    function is found by name on the API pages."""
    soup = _soup(html)
    for block in soup.select(SEARCH_EXCLUDED_CODE):
        block["data-search-exclude"] = ""
    return str(soup)


def on_env(env: Any, config: Any, files: Files) -> Any:
    write_trimmed_notebook_css(files, config)
    render_math(files, config)
    for file in files:
        if file.page is not None and file.page.content:
            file.page.content = index_prose_only(file.page.content)
    autorefs = config["plugins"].get("autorefs")
    if autorefs is None:
        return env
    for file in files:
        page = file.page
        if page is not None and page.content and file.src_uri in API_PAGES:
            page.content = index_api_summaries_only(page.content)
        if page is None or not page.content or file.src_uri in API_PAGES:
            continue
        if "d2l" not in page.content:
            continue

        def url_of(identifier: str, page: Any = page) -> str:
            return str(autorefs.get_item_url(identifier, from_url=page.url)[0])

        page.content = link_api_names(page.content, url_of)
    return env


INSTALL_MARKER = "<!-- d2l:install -->"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """The home page's install box: a link to the wheel and the `pip install` line."""
    if INSTALL_MARKER not in markdown:
        return markdown
    wheel = config["extra"]["d2l_wheel"]
    href = _relative_url(f"{DOWNLOADS}/{wheel}", page)
    box = (
        '!!! tip "Install the package without cloning"\n'
        f"    Download the wheel [{wheel}]({href}){{: download='{wheel}' }} (built with this\n"
        "    site), then, in the folder where you saved it:\n\n"
        f"    ```bash\n    {install_line(wheel)}\n    ```\n\n"
        "    That also installs what it needs (PyTorch, NumPy, Matplotlib). Every notebook page\n"
        "    offers its notebook for download with the same line in its first cell.\n"
    )
    return markdown.replace(INSTALL_MARKER, box)


def on_post_build(config: Any) -> None:
    write_downloads(config)


# ---- the code of a Markdown page, as a script ---------------------------------------------------
# Extracted with the suite's own page parser (tests/_pages.py, Sybil's lexers), so the script
# holds exactly the blocks the page tests run: ```python blocks whole, ```pycon blocks as their
# `>>>` examples (prompts removed, expected output dropped), in page order. The hidden check
# blocks (`<!-- invisible-code-block: python -->`) are left out: they are the tests' assertions,
# and tests/test_copy_paste.py proves the visible blocks run without them.

SCRIPT_HEADER = """# {title}: the code of this page of the d2l_linreg site ({src}), as one script.
# Written when the site is built, from the page's code blocks in order (prompts removed,
# expected output dropped). It needs the package: {install}
"""


def _page_parser() -> Any:
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import _pages  # the suite's page parser (Sybil)

    return _pages


def page_blocks(path: Path) -> list[str]:
    """The Python sources of a Markdown page's visible code blocks, in page order."""
    pages = _page_parser()
    document = pages.PageSybil(notebooks=[]).parse(path)
    for _, region in document.regions:
        parsed = region.parsed
        if parsed is not None and not isinstance(parsed, (pages.Block, pages.NumbersCheck)):
            raise RuntimeError(
                f"{path}: a Sybil directive ({type(parsed).__name__}) that the page's "
                "downloadable script does not handle; extend docs/hooks/site.py (page_script)"
            )
    return [_script_code(block) for block in pages.blocks_of(document) if block.visible]


_RAISES = """try:
{code}except Exception as error:  # the page shows this error on purpose
    print(f"{{type(error).__name__}}: {{error}}")
"""


def _script_code(block: Any) -> str:
    """A block as script code. A `>>>` example whose expected output is a traceback raises on
    purpose: in the script it is wrapped in try/except and prints the error instead."""
    if block.language != "pycon":
        return block.source if block.source.endswith("\n") else block.source + "\n"
    code = []
    for example in doctest.DocTestParser().get_examples(block.source):
        if example.exc_msg is None:
            code.append(example.source)
        else:
            code.append(_RAISES.format(code=textwrap.indent(example.source, "    ")))
    return "".join(code)


_STARTS_PROCESSES = re.compile(r"\brun_local\(|multiprocessing|\bspawn\b")
_MAIN_GUARD = """
# The page starts processes: they import this file again, so the code runs under the guard.
if __name__ == "__main__":
"""


def page_script(path: Path, title: str, src: str, install: str) -> str | None:
    """The downloadable script of a Markdown page; None for a page without code."""
    blocks = page_blocks(path)
    if not blocks:
        return None
    header = SCRIPT_HEADER.format(title=title, src=src, install=install)
    code = "".join(f"\n{block}" for block in blocks)
    if _STARTS_PROCESSES.search(code):
        # Child processes started with "spawn" import the script again: without the guard
        # each child would run the page once more (Python's multiprocessing guidelines).
        return header + _MAIN_GUARD + textwrap.indent(code, "    ")
    return header + code


def script_dest(src_uri: str, use_directory_urls: bool) -> str:
    """Where a Markdown page's script goes: next to the page's HTML file."""
    page = Path(src_uri).with_suffix("")
    if page.name == "index" or not use_directory_urls:
        return (page.parent / f"{page.name}.py").as_posix()
    return (page / f"{page.name}.py").as_posix()


def add_page_scripts(files: Files, config: Any) -> None:
    scripts = {}
    for src_uri in nav_paths(config["nav"] or []):
        if not src_uri.endswith(".md"):
            continue
        path = Path(config["docs_dir"]) / src_uri
        heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        text = page_script(
            path,
            title=heading.group(1).strip() if heading else src_uri,
            src=f"docs/{src_uri}",
            install=config["extra"]["d2l_install"],
        )
        if text is None:
            continue
        dest = script_dest(src_uri, config["use_directory_urls"])
        files.append(File.generated(config, dest, content=text))
        scripts[src_uri] = dest
    config["extra"]["d2l_scripts"] = scripts


def add_script_link(soup: BeautifulSoup, page: Any, config: Any) -> None:
    """A box at the end of a Markdown page with code: its code as a script, and how to run it."""
    dest = config["extra"].get("d2l_scripts", {}).get(page.file.src_uri)
    if dest is None:
        return
    name = posixpath.basename(dest)
    box = _soup(
        '<div class="admonition info d2l-page-script"><p class="admonition-title">'
        "Run this page's code yourself</p><p>Download "
        f'<a href="{_relative_url(dest, page)}" download="{name}">{name}</a>: the code blocks '
        "of this page in order, as one script (prompts removed, outputs dropped); run it with "
        f"<code>python {name}</code> after <code>{config['extra']['d2l_install']}</code>.</p>"
        "</div>"
    )
    soup.append(box)
