"""Every page of the built site in headless Chromium, served over http from localhost.

A page fails on: a console error or uncaught exception, a failed request (HTTP >= 400 or a
network error), any request to another host, math that MathJax left untypeset or could
not parse (raw `\\(`, `$`, or no `mjx-container` in an `.arithmatex` element), or raw TeX left
in prose. Checks run after `document.fonts.ready` (the math is typeset when the site is built).
Instant navigation is checked too (math typeset on pages reached without a reload), and that
the figures and equations of two pages are drawn (their pixels are not one flat colour).

Chromium: Debian's package (`apt-get install chromium`), driven by Playwright's Python API
(`executable_path=`; Playwright never downloads a browser here: `playwright install` is never
run). Where no Chromium is found, these tests are skipped, loudly.
"""

from __future__ import annotations

import ast
import doctest
import functools
import io
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from _nav import REPO, nav_pages, page_html_path, page_url
from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageStat
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

ARTIFACTS = REPO / "artifacts" / "screenshots"  # full-page screenshots: artifacts, not checks
DRAWN_PAGES = ["theory/loss-and-risk.md", "beyond/residuals.py"]
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"]
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: this machine has no internet
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
]
DESKTOP = {"width": 1280, "height": 900}
MISSING_CHROMIUM = (
    "\n" + "!" * 78 + "\n"
    "!!  BROWSER TESTS SKIPPED: no Chromium found (looked for /usr/bin/chromium, chromium,\n"
    "!!  chromium-browser, google-chrome). Math typesetting, console errors and requests\n"
    "!!  to other hosts were NOT checked. Install it: apt-get install -y chromium\n" + "!" * 78
)


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path, site_port: int) -> Iterator[str]:
    # The port the site was built for (site_url): Material's instant navigation needs it.
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Tab:
    """A page in a fresh browser context (no storage carried over: Material follows the
    emulated OS colour scheme on a first visit), recording what goes wrong while it loads."""

    def __init__(self, browser: Browser, scheme: str, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(color_scheme=scheme, viewport=viewport)  # type: ignore[arg-type]
        self.page: Page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught exception: {error}"))

    def _failed(self, request: Request) -> None:
        self.errors.append(f"failed request: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            self.errors.append(f"console.{message.type}: {message.text}")

    def load(self, url: str) -> None:
        self.requests.clear()
        self.errors.clear()
        self.page.goto(url, wait_until="load", timeout=60_000)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tabs(browser: Browser) -> Iterator[Any]:
    opened: list[Tab] = []

    def open_tab(scheme: str = "light", viewport: dict[str, int] = DESKTOP) -> Tab:
        opened.append(Tab(browser, scheme, viewport))
        return opened[-1]

    yield open_tab
    for tab in opened:
        tab.close()


# Waits for fonts and images, then reports what is wrong with the math on the page.
CHECK_PAGE_JS = r"""
(async () => {
  await document.fonts.ready;
  // Math is typeset when the site is built (docs/hooks/site.py): no MathJax runs here.
  await Promise.all([...document.images].map(
    (img) => img.complete ? null : img.decode().catch(() => null)));
  const content = document.querySelector(".md-content");
  const arithmatex = [...content.querySelectorAll(".arithmatex")];
  const untypeset = [];
  for (const el of arithmatex) {
    if (!el.querySelector("mjx-container")) {
      untypeset.push(el.textContent.trim().slice(0, 120));
      continue;
    }
    let rest = "";
    for (const node of el.childNodes) if (node.nodeName !== "MJX-CONTAINER") rest += node.textContent;
    if (/\\\(|\\\)|\\\[|\\\]|\$/.test(rest)) untypeset.push(rest.trim().slice(0, 120));
  }
  const skip = "pre, code, script, style, textarea, mjx-container, .arithmatex, .jp-OutputArea";
  const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT
                                                     : NodeFilter.FILTER_ACCEPT,
  });
  const tex = /\$[^$\n]*[\\^_{}][^$\n]*\$|\\\(|\\\[|\\begin\{/;
  const rawTex = [];
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent;
    if (tex.test(text)) rawTex.push(text.trim().slice(0, 120));
  }
  // SVG glyphs are <use href="#id"> references into a shared cache: each must resolve.
  const missingGlyphs = new Set();
  for (const use of content.querySelectorAll("mjx-container use")) {
    const ref = (use.getAttribute("href") || use.getAttribute("xlink:href") || "").slice(1);
    if (ref && !document.getElementById(ref)) missingGlyphs.add(ref);
  }
  const texErrors = [...document.querySelectorAll("[data-mjx-error], mjx-merror")].map(
    (e) => e.getAttribute("data-mjx-error") || e.textContent);
  await new Promise((resolve) => setTimeout(resolve, 100));  // let late requests show up
  return {
    arithmatex: arithmatex.length,
    typeset: content.querySelectorAll("mjx-container").length,
    untypeset, rawTex, texErrors, missingGlyphs: [...missingGlyphs].slice(0, 10),
    scheme: document.body.getAttribute("data-md-color-scheme"),
    h1: (content.querySelector("h1") || {}).textContent || "",
  };
})()
"""


def problems(tab: Tab, origin: str, report: dict[str, Any]) -> list[str]:
    """Everything wrong on the page just loaded: from the browser's events and the report."""
    if report.get("fatal"):
        return [report["fatal"]]
    found = list(tab.errors)
    for url in tab.requests:
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and not url.startswith(origin):
            found.append(f"request to another host: {url}")
    found += [f"math not typeset: {t!r}" for t in report["untypeset"]]
    found += [f"raw TeX in the text: {t!r}" for t in report["rawTex"]]
    found += [f"MathJax could not typeset: {t!r}" for t in report["texErrors"]]
    found += [f"math glyph missing from the SVG cache: #{g}" for g in report["missingGlyphs"]]
    return found


def check_page(tab: Tab, origin: str, name: str) -> dict[str, Any]:
    report = tab.page.evaluate(CHECK_PAGE_JS)
    found = problems(tab, origin, report)
    assert not found, f"{name}:\n" + "\n".join(found)
    assert report["h1"].strip(), f"{name} has no title"
    assert report["typeset"] >= report["arithmatex"]
    return report


# Every display equation, folded and inactive-tab ones included, at the current viewport width:
# those drawn at 4 px or less (Material's phone layout once shrank them all to 1x1 px), and
# whether the page itself scrolls sideways (a wide equation must scroll inside its own box).
MATH_SIZES_JS = r"""
(async () => {
  // Let the layout settle after a resize: Material's header and drawer run CSS transitions.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  for (const details of document.querySelectorAll(".md-content details")) details.open = true;
  if (!document.getElementById("show-all-tabs")) {
    const style = document.createElement("style");
    style.id = "show-all-tabs";
    style.textContent = ".md-content .tabbed-block { display: block !important; }";
    document.head.append(style);
  }
  const math = [...document.querySelectorAll(".md-content mjx-container[display='true']")];
  const small = [];
  for (const el of math) {
    const box = (el.querySelector("svg") || el).getBoundingClientRect();
    if (!(box.width > 4 && box.height > 4)) {
      const tex = el.closest(".arithmatex, p, li, div");
      small.push(`${box.width.toFixed(1)}x${box.height.toFixed(1)} px: `
                 + (tex ? tex.textContent.trim().slice(0, 60) : ""));
    }
  }
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map((el) => `${el.tagName}.${el.className}`);
  return {count: math.length, small, wide,
          pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
})()
"""
WIDTHS = {"phone": 390, "tablet": 768, "desktop": 1280}
AXE_FAILS_ON = ("critical", "serious")


def axe_violations(page: Page) -> list[str]:
    """axe-core's critical and serious findings on the page (axe.min.js from the
    axe-playwright-python wheel: nothing is fetched at test time)."""
    response = Axe().run(page).response
    found = []
    for violation in response["violations"]:
        if violation["impact"] in AXE_FAILS_ON:
            nodes = "; ".join(node["html"][:100] for node in violation["nodes"][:3])
            found.append(
                f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} element(s)):"
                f" {violation['help']}: {nodes}"
            )
    return found


def test_page_in_browser(tabs: Any, built_site: Path, site_url: str, nav_page: str) -> None:
    # One load of each page in the light scheme: what went wrong while loading, the math,
    # axe-core, the display equations at three widths, then the copy buttons of `>>>` blocks.
    tab = tabs("light")
    tab.load(site_url + page_url(nav_page))
    check_page(tab, site_url, nav_page)
    found = axe_violations(tab.page)
    assert not found, f"{nav_page}, light scheme: axe-core finds:\n" + "\n".join(found)
    for name, width in WIDTHS.items():
        tab.page.set_viewport_size({"width": width, "height": 900})
        sizes = tab.page.evaluate(MATH_SIZES_JS)
        assert not sizes["small"], (
            f"{nav_page} at {width} px ({name}): {len(sizes['small'])} of {sizes['count']} "
            "display equations are drawn at 4 px or less:\n" + "\n".join(sizes["small"][:10])
        )
        assert sizes["pageWidth"] <= sizes["viewport"], (
            f"{nav_page} at {width} px ({name}): the page is {sizes['pageWidth']} px wide "
            f"and scrolls sideways (past the right edge: {sizes['wide']})"
        )
    if "language-pycon" in page_html_path(built_site, nav_page).read_text("utf-8"):
        tab.page.set_viewport_size(DESKTOP)
        check_copy_buttons(tab, nav_page)


# Records what the page puts on the clipboard: Material's copy button (clipboard.js) selects the
# text in a hidden textarea and runs the browser's copy command, which fires `copy`.
RECORD_COPIES_JS = r"""
(() => {
  window.__copied = [];
  document.addEventListener("copy", () => {
    const el = document.activeElement;
    window.__copied.push(el && "value" in el
      ? el.value.slice(el.selectionStart, el.selectionEnd)
      : String(document.getSelection()));
  }, true);
  for (const details of document.querySelectorAll(".md-content details")) details.open = true;
  const style = document.createElement("style");
  style.textContent = ".md-content .tabbed-block { display: block !important; }";
  document.head.append(style);
})()
"""


def check_copy_buttons(tab: Tab, nav_page: str) -> None:
    """A `>>>` block's copy button must copy the code alone (no prompts, no output), so that it
    pastes into Python or Jupyter (docs/hooks/site.py gives Material the text to copy)."""
    page = tab.page
    page.evaluate(RECORD_COPIES_JS)
    blocks = page.locator(".md-content div.language-pycon")
    assert blocks.count() > 0
    for i in range(blocks.count()):
        block = blocks.nth(i)
        shown = block.locator("pre > code").inner_text()
        block.hover()
        block.locator("button[data-md-type='copy']").click()
        page.wait_for_function(f"window.__copied.length > {i}")
        copied = page.evaluate(f"window.__copied[{i}]")
        where = f"{nav_page}, >>> block {i + 1}"
        assert copied.strip(), f"{where}: the copy button copied nothing"
        prompts = [line for line in copied.splitlines() if line.startswith((">>>", "..."))]
        assert not prompts, f"{where}: prompts in the copied text: {prompts[:3]}"
        tree = ast.parse(copied, filename=where)  # a SyntaxError fails the test
        # As many statements as the `>>>` examples shown hold (the API page's docstrings put
        # several on one line: `opt.zero_grad(); loss.backward(); opt.step()`).
        statements = sum(
            len(ast.parse(example.source).body)
            for example in doctest.DocTestParser().get_examples(shown)
        )
        assert len(tree.body) == statements, (
            f"{where}: {statements} statements shown, {len(tree.body)} copied:\n{copied}"
        )
        for line in copied.splitlines():
            assert line in shown, f"{where}: copied {line!r}, which the block does not show"


def test_page_in_dark_scheme(tabs: Any, site_url: str, nav_page: str) -> None:
    tab = tabs("dark")
    tab.load(site_url + page_url(nav_page))
    report = check_page(tab, site_url, nav_page)
    assert report["scheme"] == "slate", "Material did not follow the dark OS scheme"
    found = axe_violations(tab.page)
    assert not found, f"{nav_page}, dark scheme: axe-core finds:\n" + "\n".join(found)


@pytest.mark.parametrize("target", ["theory/loss-and-risk.md", "implementation/concise.py"])
def test_math_after_instant_navigation(tabs: Any, site_url: str, target: str) -> None:
    # Material's instant navigation swaps the content without a reload: the new page's math
    # (typeset at build time) must show, with the shared math stylesheet.
    tab = tabs("light")
    tab.load(site_url)
    page = tab.page
    path = urlsplit(site_url + page_url(target)).path
    # Material intercepts only links listed in sitemap.xml, which it fetches after load.
    page.evaluate(
        "(async () => { for (let i = 0; i < 200; i++) {"
        "   if (performance.getEntriesByType('resource').some("
        "       (e) => e.name.endsWith('/sitemap.xml') && e.responseEnd > 0)) break;"
        "   await new Promise((r) => setTimeout(r, 25)); }"
        " await new Promise((r) => setTimeout(r, 100)); })()"
    )
    clicked = page.evaluate(
        "(() => { window.__noReload = true;"
        " window.__oldH1 = document.querySelector('.md-content h1').textContent;"
        f" const a = [...document.querySelectorAll('a')].find("
        f"   (a) => new URL(a.href).pathname === {path!r});"
        " if (!a) return false; a.click(); return true; })()"
    )
    assert clicked, f"the home page has no link to {target}"
    arrived = page.evaluate(
        "(async () => { for (let i = 0; i < 200; i++) {"
        "   const math = [...document.querySelectorAll('.md-content .arithmatex')];"
        "   const h1 = document.querySelector('.md-content h1');"
        "   const typeset = document.querySelectorAll('.md-content mjx-container').length;"
        f"   if (location.pathname === {path!r} && h1 && h1.textContent !== window.__oldH1"
        "       && typeset && math.every((el) => el.querySelector('mjx-container'))) break;"
        "   await new Promise((r) => setTimeout(r, 50)); }"
        " return {path: location.pathname, noReload: window.__noReload === true}; })()"
    )
    assert arrived["path"] == path, f"navigation did not reach {path}"
    assert arrived["noReload"], "the page was reloaded: instant navigation is off"
    report = check_page(tab, site_url, f"{target} after instant navigation")
    assert report["typeset"] > 0, f"no typeset math on {target} after instant navigation"


def pixel_spread(png: bytes) -> float:
    """The largest standard deviation of a colour channel: about 0 for a blank area."""
    with Image.open(io.BytesIO(png)) as image:
        return max(ImageStat.Stat(image.convert("RGB")).stddev)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("target", DRAWN_PAGES)
def test_figures_and_equations_are_drawn(
    tabs: Any, site_url: str, target: str, scheme: str
) -> None:
    # A figure that failed to decode, or an equation drawn at 1x1 px or in the background
    # colour, is a flat area: its pixels would all be (nearly) one colour.
    tab = tabs(scheme)
    tab.load(site_url + page_url(target))
    report = check_page(tab, site_url, target)
    assert report["scheme"] == ("slate" if scheme == "dark" else "default")
    page = tab.page
    # Visible ones only: a figure's other-scheme variant is hidden (Material's #only-dark/light).
    drawn = page.locator(
        ".md-content img:visible, .md-content mjx-container[display='true']:visible"
    )
    assert drawn.count() > 0, f"{target} has no figure and no display equation"
    for i in range(min(drawn.count(), 6)):
        element = drawn.nth(i)
        element.scroll_into_view_if_needed()
        box = element.bounding_box()
        assert box and box["width"] > 4 and box["height"] > 4, f"element {i} is {box}"
        spread = pixel_spread(element.screenshot())
        assert spread > 10, f"{target} ({scheme}): element {i} looks blank (spread {spread:.1f})"
    # The full page, kept for a person to look at (an artifact: nothing is asserted on it).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = page_url(target).strip("/").replace("/", "_")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}.png"), full_page=True)


def test_drawn_pages_are_in_the_nav() -> None:
    assert set(DRAWN_PAGES) <= set(nav_pages())


# -- the site opened from a folder (`make offline`) --------------------------------------------


def test_offline_site_from_a_folder(tabs: Any, offline_site: Path) -> None:
    # From index.html: a nav link opens its page (not a directory listing), math renders with
    # no request leaving the folder, and search shows results.
    tab = tabs("light")
    origin = offline_site.as_uri() + "/"
    tab.load(origin + "index.html")
    check_page(tab, origin, "index.html from a folder")
    page = tab.page
    target = "theory/loss-and-risk.html"
    link = page.locator(f"nav.md-nav--primary a[href$='{target}']").first
    assert link.count() == 1, f"no nav link to {target}"
    link.evaluate("(a) => a.click()")  # the link may sit in a collapsed nav section
    page.wait_for_url(f"**/{target}")
    report = check_page(tab, origin, f"{target} from a folder")
    assert report["typeset"] > 0 and "Loss and risk" in report["h1"]
    leaving = [url for url in tab.requests if not url.startswith((origin, "data:", "blob:"))]
    assert not leaving, f"requests leaving the folder: {leaving[:5]}"
    search = page.locator("input.md-search__input")
    search.click()
    # Material says "Initializing search" until its search worker has loaded the index.
    page.wait_for_function(
        "!/Initializing/.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=20_000,
    )
    search.press_sequentially("normal equation", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=20_000)
    assert results.count() > 0, "search from file:// shows no result"
    assert not tab.errors, "\n".join(tab.errors)


def test_built_pages_never_point_at_localhost(offline_site: Path) -> None:
    # Built without D2L_SITE_URL (the one setting for the published address): no canonical
    # link or sitemap entry may name this machine.
    local = re.compile(r"(127\.0\.0\.1|localhost)[:/]")
    found = []
    for html in offline_site.rglob("*.html"):
        for link in re.findall(r"<link[^>]*rel=\"canonical\"[^>]*>", html.read_text("utf-8")):
            if local.search(link):
                found.append(f"{html.relative_to(offline_site)}: {link}")
    sitemap = (offline_site / "sitemap.xml").read_text("utf-8")
    found += [f"sitemap.xml: {m}" for m in local.findall(sitemap)]
    assert not found, "\n".join(found[:10])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_figures_show_the_variant_of_the_reader_s_scheme(
    tabs: Any, site_url: str, scheme: str
) -> None:
    # The figures of the theory and example pages (docs/hooks/figures.py) come in a light and a
    # dark SVG: the reader's scheme's one is loaded and drawn (not a flat area), the other is
    # hidden. Each shown figure is saved to artifacts/figures/NAME-SCHEME.png for a person.
    other = "dark" if scheme == "light" else "light"
    targets = [f"theory/{p.name}" for p in sorted((REPO / "docs/theory").glob("*.md"))]
    targets += [f"examples/{p.name}" for p in sorted((REPO / "docs/examples").glob("*.md"))]
    out = REPO / "artifacts" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    tab = tabs(scheme)
    shown = 0
    for target in targets:
        tab.load(site_url + page_url(target))
        images = tab.page.locator('.md-content img[src*="figures/"]').all()
        assert images, f"{target} shows no figure"
        for image in images:
            src = image.get_attribute("src") or ""
            if src.endswith(f"#only-{other}"):
                assert not image.is_visible(), f"{target} ({scheme}): {src} is shown"
                continue
            assert src.endswith(f"#only-{scheme}"), src
            image.scroll_into_view_if_needed()
            assert image.evaluate("i => i.complete && i.naturalWidth > 0"), f"{src} did not load"
            png = image.screenshot()
            assert pixel_spread(png) > 10, f"{target} ({scheme}): {src} looks blank"
            (out / f"{Path(src.split('#')[0]).stem}.png").write_bytes(png)
            shown += 1
    assert shown >= 8
