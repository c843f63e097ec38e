"""MkDocs hook: the figures of the theory and worked-example pages, drawn at build time.

A page embeds a figure by name, with alt text that says what it shows:

    ![The two examples, the line before and after the step](figure:sgd-step)

The name is a key of ``d2l_linreg.plotting.pages.FIGURES`` (the one registry: name → the
package function that draws it). Every registered figure is rendered twice into the site's
``figures/`` folder, as ``NAME-light.svg`` and ``NAME-dark.svg`` (Material's light and dark
"slate" scheme), and the reference becomes two images with Material's ``#only-light`` and
``#only-dark`` suffixes, so the reader sees the one drawn for the scheme they chose. The SVGs are
byte-stable (``render`` fixes matplotlib's ids and drops the date). An unknown name or empty alt
text fails the build.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from d2l_linreg.plotting.pages import FIGURES, SCHEMES, render

FOLDER = "figures"
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(figure:(?P<name>[^)\s]*)\)")


def figure_path(name: str, scheme: str) -> str:
    """The figure's path in the site, e.g. ``figures/sgd-step-dark.svg``."""
    return f"{FOLDER}/{name}-{scheme}.svg"


def on_files(files: Files, config: Any) -> Files:
    for name in FIGURES:
        for scheme in SCHEMES:
            files.append(
                File.generated(config, figure_path(name, scheme), content=render(name, scheme))
            )
    return files


def embed(markdown: str, src_uri: str) -> str:
    """Replace every ``![alt](figure:NAME)`` of a page (at ``src_uri``) by its two images."""
    here = posixpath.dirname(src_uri)

    def images(match: re.Match[str]) -> str:
        alt, name = match["alt"].strip(), match["name"]
        if name not in FIGURES:
            raise PluginError(
                f"{src_uri}: no figure named {name!r}; the figures are {sorted(FIGURES)} "
                f"(add one to FIGURES in d2l_linreg/plotting/pages.py)"
            )
        if not alt:
            raise PluginError(f"{src_uri}: figure {name!r} has no alt text; say what it shows")
        return "\n".join(
            f"![{alt}]({posixpath.relpath(figure_path(name, scheme), here or '.')}#only-{scheme})"
            for scheme in SCHEMES
        )

    return FIGURE.sub(images, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    return embed(markdown, page.file.src_uri)
