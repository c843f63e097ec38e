"""Every page of the built site in headless Chromium, served over http from localhost.

A page fails on: a console error or uncaught exception, a failed request (HTTP >= 400 or a
network error), any request to another host, math that MathJax left untypeset or could
not parse (raw `\\(`, `$`, or no `mjx-container` in an `.arithmatex` element), or raw TeX left
in prose. Checks run after `document.fonts.ready` and MathJax's `startup.promise`.
Instant navigation is checked too (math typeset on pages reached without a reload), and light
and dark screenshots of one theory page and one notebook page are saved under artifacts/.

Chromium: Debian's package (`apt-get install chromium`), driven over the DevTools protocol by
tests/_cdp.py (stdlib only). Where no Chromium is found, these tests are skipped, loudly.
"""

from __future__ import annotations

import base64
import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from _cdp import Chromium, Page
from _nav import REPO, nav_pages, page_url

ARTIFACTS = REPO / "artifacts" / "screenshots"
SCREENSHOT_PAGES = ["theory/loss-and-risk.md", "implementation/concise.py"]
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"]
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
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    executable = find_chromium()
    if executable is None:
        pytest.skip(MISSING_CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium") / "profile"
    profile.mkdir()
    browser = Chromium(executable, profile)
    page = None
    try:
        page = Page(browser.page_ws_url())
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        # Every page load is a first visit: no palette remembered from the previous page.
        page.call(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": "if (location.protocol.startsWith('http')) localStorage.clear();"},
        )
        yield page
    finally:
        if page is not None:
            page.close()
        browser.stop()


def set_scheme(tab: Page, site_url: str, scheme: str) -> None:
    """Emulate the OS colour scheme: Material follows it on a first visit (the `tab` fixture
    empties localStorage, where Material keeps the palette in use, before each page load)."""
    features = [{"name": "prefers-color-scheme", "value": scheme}]
    tab.call("Emulation.setEmulatedMedia", {"features": features})


def load(tab: Page, url: str) -> None:
    """Open `url` in a clean state: events from the previous page are dropped."""
    tab.call("Page.navigate", {"url": "about:blank"})
    tab.wait_for("Page.loadEventFired")
    tab.events.clear()
    tab.call("Page.navigate", {"url": url})
    tab.wait_for("Page.loadEventFired", timeout=60)


# Waits for fonts, MathJax and images, then reports what is wrong with the math on the page.
CHECK_PAGE_JS = r"""
(async () => {
  await document.fonts.ready;
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise) return {fatal: "MathJax did not load"};
  await mj.startup.promise;
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


def _console_text(params: dict[str, Any]) -> str:
    args = params.get("args", [])
    return " ".join(str(a.get("value", a.get("description", ""))) for a in args)


def problems(tab: Page, origin: str, report: dict[str, Any]) -> list[str]:
    """Everything wrong on the page just loaded: from the browser's events and the report."""
    found: list[str] = []
    if report.get("fatal"):
        return [report["fatal"]]
    urls: dict[str, str] = {}
    for event in tab.events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and not url.startswith(
                origin
            ):
                found.append(f"request to another host: {url}")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            url = urls.get(params["requestId"], params["requestId"])
            found.append(f"failed request: {url} ({params.get('errorText')})")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            found.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            found.append(f"console.{params['type']}: {_console_text(params)}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            found.append(f"uncaught exception: {text}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            found.append(f"browser log error: {entry.get('text')} {entry.get('url', '')}")
    found += [f"math not typeset: {t!r}" for t in report["untypeset"]]
    found += [f"raw TeX in the text: {t!r}" for t in report["rawTex"]]
    found += [f"MathJax could not typeset: {t!r}" for t in report["texErrors"]]
    found += [f"math glyph missing from the SVG cache: #{g}" for g in report["missingGlyphs"]]
    return found


def test_page_in_browser(tab: Page, site_url: str, nav_page: str) -> None:
    set_scheme(tab, site_url, "light")
    load(tab, site_url + page_url(nav_page))
    report = tab.evaluate(CHECK_PAGE_JS, timeout=60)
    found = problems(tab, site_url, report)
    assert not found, f"{nav_page}:\n" + "\n".join(found)
    assert report["h1"].strip(), f"{nav_page} has no title"
    assert report["typeset"] >= report["arithmatex"]


@pytest.mark.parametrize("target", ["theory/loss-and-risk.md", "implementation/concise.py"])
def test_math_after_instant_navigation(tab: Page, site_url: str, target: str) -> None:
    # Material's instant navigation swaps the content without a reload; the document$
    # subscription in docs/javascripts/mathjax.js must typeset the new page.
    set_scheme(tab, site_url, "light")
    load(tab, site_url)
    path = urlsplit(site_url + page_url(target)).path
    # Material intercepts only links listed in sitemap.xml, which it fetches after load.
    tab.evaluate(
        "(async () => { for (let i = 0; i < 200; i++) {"
        "   if (performance.getEntriesByType('resource').some("
        "       (e) => e.name.endsWith('/sitemap.xml') && e.responseEnd > 0)) break;"
        "   await new Promise((r) => setTimeout(r, 25)); }"
        " await new Promise((r) => setTimeout(r, 100)); })()"
    )
    clicked = tab.evaluate(
        "(() => { window.__noReload = true;"
        " window.__oldH1 = document.querySelector('.md-content h1').textContent;"
        f" const a = [...document.querySelectorAll('a')].find("
        f"   (a) => new URL(a.href).pathname === {path!r});"
        " if (!a) return false; a.click(); return true; })()"
    )
    assert clicked, f"the home page has no link to {target}"
    arrived = tab.evaluate(
        "(async () => { for (let i = 0; i < 200; i++) {"
        f"   const math = [...document.querySelectorAll('.md-content .arithmatex')];"
        f"   const h1 = document.querySelector('.md-content h1');"
        "   const typeset = document.querySelectorAll('.md-content mjx-container').length;"
        f"   if (location.pathname === {path!r} && h1 && h1.textContent !== window.__oldH1"
        "       && typeset && math.every((el) => el.querySelector('mjx-container'))) break;"
        "   await new Promise((r) => setTimeout(r, 50)); }"
        " return {path: location.pathname, noReload: window.__noReload === true}; })()",
        timeout=30,
    )
    assert arrived["path"] == path, f"navigation did not reach {path}"
    assert arrived["noReload"], "the page was reloaded: instant navigation is off"
    report = tab.evaluate(CHECK_PAGE_JS, timeout=60)
    found = problems(tab, site_url, report)
    assert not found, f"{target} after instant navigation:\n" + "\n".join(found)
    assert report["typeset"] >= report["arithmatex"]
    assert report["typeset"] > 0, f"no typeset math on {target} after instant navigation"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("target", SCREENSHOT_PAGES)
def test_screenshot(tab: Page, site_url: str, target: str, scheme: str) -> None:
    set_scheme(tab, site_url, scheme)
    try:
        load(tab, site_url + page_url(target))
        report = tab.evaluate(CHECK_PAGE_JS, timeout=60)
        assert report["scheme"] == ("slate" if scheme == "dark" else "default")
        metrics = tab.call("Page.getLayoutMetrics")
        height = min(int(metrics["cssContentSize"]["height"]), 6000)
        shot = tab.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
            },
            timeout=60,
        )
    finally:
        set_scheme(tab, site_url, "light")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = page_url(target).strip("/").replace("/", "_")
    out = ARTIFACTS / f"{name}-{scheme}.png"
    out.write_bytes(base64.b64decode(shot["data"]))
    assert out.stat().st_size > 10_000


def test_screenshot_pages_are_in_the_nav() -> None:
    assert set(SCREENSHOT_PAGES) <= set(nav_pages())
