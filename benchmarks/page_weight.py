"""What a reader's browser downloads on a cold load of each page of a built site.

    python benchmarks/page_weight.py SITE_DIR            # every page of the nav, a table
    python benchmarks/page_weight.py SITE_DIR --json     # the same, as JSON (before/after diffs)

Each page is opened in a fresh headless Chromium context (the system Chromium, driven by
Playwright; nothing is downloaded): no cache, no service worker. The site is served over http
from SITE_DIR on a free port. After the load, `document.fonts.ready` (the math is typeset when
the site is built: its stylesheet and web fonts count as `math`) and the search worker's index,
the script sums the bodies of every response (uncompressed bytes, as the files lie on disk) and
splits them by kind. Goal (issue 11): every page under 1.5 MB, no
HTML page over 300 kB. Bytes, not times: the numbers are the same on every machine.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _nav import nav_pages, page_url  # the suite's reading of mkdocs.yml's nav

BUDGET = 1_500_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
WAIT = """async () => {
  await document.fonts.ready;
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def kind(url: str) -> str:
    path = urlsplit(url).path
    if "/assets/mathjax/" in path:
        return "math"
    if path.endswith("search_index.json") or "/workers/search" in path:
        return "search"
    if path.endswith((".html", "/")):
        return "html"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if path.endswith((".png", ".svg", ".jpg", ".webp")):
        return "images"
    if path.endswith((".woff", ".woff2")):
        return "fonts"
    return "other"


def weigh(site: Path, pages: list[str]) -> dict[str, dict[str, int]]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise SystemExit("no chromium on PATH (apt-get install -y chromium)")
    result: dict[str, dict[str, int]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for page_path in pages:
                context = browser.new_context(service_workers="block")
                tab = context.new_page()
                responses: list[Any] = []
                tab.on("response", lambda response, into=responses: into.append(response))
                tab.goto(root + page_url(page_path), wait_until="load")
                tab.evaluate(WAIT)
                tab.wait_for_load_state("networkidle")
                sizes: Counter[str] = Counter()
                for response in responses:
                    if response.status == 200:
                        sizes[kind(response.url)] += len(response.body())
                sizes["total"] = sum(sizes.values())
                result[page_path] = dict(sizes)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    result = weigh(args.site, nav_pages())
    if args.json:
        print(json.dumps(result, indent=1))
        return
    kinds = ["html", "css", "js", "search", "math", "fonts", "images", "other"]
    print(f"{'page':45}" + "".join(f"{k:>9}" for k in kinds) + f"{'total kB':>10}")
    for page_path, sizes in result.items():
        over = "  OVER" if sizes["total"] > BUDGET else ""
        cells = "".join(f"{sizes.get(k, 0) / 1000:9.0f}" for k in kinds)
        print(f"{page_path:45}{cells}{sizes['total'] / 1000:10.0f}{over}")
    heaviest = max(result.values(), key=lambda s: s["total"])["total"]
    print(f"heaviest cold load: {heaviest / 1e6:.2f} MB (budget {BUDGET / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
