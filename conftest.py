"""Run the code on the pages: every code block of every Markdown page under docs/ is a test.

Sybil (https://sybil.readthedocs.io) collects, from ``docs/**/*.md``:

* ```` ```python ```` blocks: executed (no output is compared);
* ```` ```pycon ```` blocks: doctests, their printed output compared with
  NORMALIZE_WHITESPACE and ELLIPSIS; one test per block;
* ``<!-- invisible-code-block: python ... -->``: executed, not shown on the page (use them to
  assert numbers that appear in prose or math);
* ``<!-- skip: next -->`` / ``<!-- skip: start -->`` ... ``<!-- skip: end -->`` and
  ``<!-- clear-namespace -->`` directives.

Blocks indented inside admonitions, collapsible solutions and content tabs are found too.
All blocks of one page run in page order in one namespace, like a reader who pastes them
into a fresh Python session. A test is reported as ``docs/<page>.md::line:<N>``, N being the
line of the block's opening fence.

Blocks that look like code but would silently not run fail instead: a ```` ```py ````-style
language the tests do not know, a ``>>>`` session outside a ``pycon`` block, or a ``pycon``
block without any ``>>>`` example.

The ``.py`` files under docs/ (jupytext notebooks, MkDocs hooks) are not imported by
``--doctest-modules``: the notebooks run in tests/test_notebooks.py and at site build.
"""

from __future__ import annotations

import doctest
import os
import re
from collections.abc import Iterable
from typing import Any

# Figures in tests never open a window (and never need a display).
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from sybil import Document, Example, Region, Sybil
from sybil.evaluators.doctest import DocTest, OutputChecker
from sybil.parsers.abstract import AbstractCodeBlockParser
from sybil.parsers.abstract.codeblock import PythonDocTestOrCodeBlockParser
from sybil.parsers.markdown import ClearNamespaceParser, SkipParser
from sybil.parsers.markdown.lexers import (
    DirectiveInHTMLCommentLexer,
    RawFencedCodeBlockLexer,
)

# pytest --doctest-modules must not import the notebooks or the hooks under docs/.
collect_ignore_glob = ["docs/*.py"]

DOCTEST_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS

# The info string of a fence: its language, then optional attributes (title="...", hl_lines=...).
_INFO = re.compile(r"(?P<language>[^\s{`]*)(?P<attributes>[^\n]*)$\n", re.MULTILINE)


def _fenced_lexer() -> RawFencedCodeBlockLexer:
    return RawFencedCodeBlockLexer(
        info_pattern=_INFO, mapping={"language": "arguments", "source": "source"}
    )


class _CodeBlockParser(AbstractCodeBlockParser):
    """Fenced blocks (language first, attributes allowed) and invisible code blocks."""

    def __init__(self, language: str, evaluator: Any = None) -> None:
        super().__init__(
            [
                _fenced_lexer(),
                DirectiveInHTMLCommentLexer(
                    directive=r"(invisible-)?code(-block)?", arguments=".+"
                ),
            ],
            language,
            evaluator,
        )


class PythonParser(PythonDocTestOrCodeBlockParser):
    """```python blocks and invisible-code-blocks: executed in the page's namespace."""

    codeblock_parser_class = _CodeBlockParser


def _failure(message: str) -> Any:
    def evaluate(example: Example) -> str:
        return message

    return evaluate


def evaluate_pycon_block(example: Example) -> str | None:
    """Run a whole ```pycon block as one doctest in the page's namespace."""
    source = str(example.parsed)
    name = f"{example.path}:{example.line}"
    examples = doctest.DocTestParser().get_examples(source, name)
    # The block's text starts on the line after the fence; doctest adds 1 to 0-based lines.
    test = DocTest(examples, example.namespace, name, example.path, example.line, source)
    runner = doctest.DocTestRunner(checker=OutputChecker(), optionflags=DOCTEST_FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append, clear_globs=False)
    if runner.failures:
        return "".join(report)
    return None


class PyconParser:
    """```pycon blocks: `>>>` sessions whose output is compared; one test per block."""

    def __init__(self) -> None:
        self.lexer = _fenced_lexer()

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            if region.lexemes["arguments"] != "pycon":
                continue
            source = region.lexemes["source"]
            if not doctest.DocTestParser().get_examples(str(source)):
                yield Region(
                    region.start,
                    region.end,
                    source,
                    _failure("this ```pycon block has no `>>>` example: nothing in it is tested"),
                )
                continue
            yield Region(region.start, region.end, source, evaluate_pycon_block)


# Languages that would look like tested Python to an author but are not collected.
_UNTESTED_PYTHON = {"py", "py3", "python3", "ipython", "ipython3", "pycon3", "doctest", "pyi"}
_PROMPT = re.compile(r"^\s*>>> ", re.MULTILINE)


class UntestedCodeParser:
    """Fail on code that would silently escape the tests."""

    def __init__(self) -> None:
        self.lexer = _fenced_lexer()

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            language = region.lexemes["arguments"]
            if language in ("python", "pycon"):
                continue
            if language in _UNTESTED_PYTHON:
                message = (
                    f"a ```{language} block is not run by the tests; "
                    "write ```python (executed) or ```pycon (doctest with output)"
                )
            elif _PROMPT.search(str(region.lexemes["source"])):
                message = (
                    f"a `>>>` session in a ```{language or '(no language)'} block is not "
                    "checked; write it as ```pycon so its output is compared"
                )
            else:
                continue
            yield Region(region.start, region.end, None, _failure(message))


class PageSybil(Sybil):
    """Names each test after the line of its block: ``docs/page.md::line:12``."""

    def identify(self, example: Example) -> str:
        return f"line:{example.line}"


def _close_figures(namespace: dict[str, Any]) -> None:
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


pytest_collect_file = PageSybil(
    parsers=[
        PythonParser(doctest_optionflags=DOCTEST_FLAGS),
        PyconParser(),
        UntestedCodeParser(),
        SkipParser(),
        ClearNamespaceParser(),
    ],
    path="docs",
    patterns=["*.md"],
    teardown=_close_figures,
).pytest()
