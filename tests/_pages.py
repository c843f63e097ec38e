r"""The pages under docs/, parsed once and run once: the code check, the number check, the notebooks.

One parser (Sybil's, https://sybil.readthedocs.io) reads every page into a Sybil document:

* a Markdown page: ```` ```python ```` blocks (executed), ```` ```pycon ```` blocks (doctests,
  output compared), ``<!-- invisible-code-block: python ... -->`` (executed, not shown), the
  ``skip``/``clear-namespace`` directives, and a failure for code that would escape the tests
  (a ```` ```py ````-style language, a ``>>>`` session outside ``pycon``);
* a notebook (a jupytext percent ``.py`` file in the nav): one region per code cell, run as the
  reader's Jupyter runs it (one namespace, ``__name__ == "__main__"``, in the notebook's folder,
  a cell's last expression shown as its ``repr``);
* one last region per page, ``numbers``: the prose-number check (below), which reads the output
  the blocks recorded while they ran. Nothing is executed twice.

Each block's evaluator records what the block printed (``RECORDS``) and counts its executions
(``EXECUTIONS``); tests/test_page_numbers.py proves every block ran exactly once per session.

The number check. Every number outside code (prose, headings, inline code, ``$...$`` and
``$$...$$`` math, a notebook's markdown cells and figure alt text) must be *backed* by a block of
its own section (the text between two headings), read as the reader reads it ("4,417" is one
number, "20 %" is 20 or 0.2, ``10^{-5}`` is 1e-5):

* by a value a block of the section printed, agreeing to the digits the prose states
  (``round(printed, decimals stated) == stated``: "0.65" is backed by 0.6500001, "0.7" is not
  backed by 0.65); a whole number only by a printed whole value ("3" by 3 or 3.0000, not by
  2.9 or 3.4), unless the prose says it rounds ("about 3", "roughly", ``\approx 3``);
* by a numeric literal of the section's executed code that *sets* something (an assignment
  ``num_epochs = 3``, a keyword ``lr=0.03``, a count ``range(20)``, data ``[2, -3.4]``, a fill
  ``torch.zeros`` (0) or ``torch.ones`` (1), a value an assert compares with), exactly, or a
  string an ``assert`` compares with a computed value (``assert f"{loss:.3f}" == "1.045"``).
  Layout backs nothing: an index or slice (``x[:, 2]``), the arguments of a shaping call
  (``reshape(-1, 1)``, ``sum(0)``, ``cat(..., 1)``), a layout keyword (``dim=1``,
  ``figsize=(6, 4)``), a 0, 1 or -1 passed by position (``torch.normal(0, 1, ...)``).

A table row whose first cell names a dictionary entry of its section's code
(``| norris | 2–4 | ...`` and ``"norris": [(2, 4), ...]``) or starts a printed line is bound to
that entry or line only, cell by cell where the entry lists one value per cell.
A tuple or matrix of numbers written out ("(2, -3.4)", ``\begin{pmatrix} 1 \\ 2 \end{pmatrix}``;
not ``\mathcal N(0, 1)`` or ``f(2, 3)``, which are arguments) is backed as a whole: its members in
a row, in order, among one block's printed numbers or one list, tuple or call of the code.

Two comments, invisible on the site, mark the exceptions. They apply to the paragraph they sit
in, or, alone between blank lines, to the next one; a ``see`` alone right under a heading applies
to the whole section:

* ``<!-- structural: 3 2 -->``: these literals are structure (indices, ordinals, counts of
  items, "step 3"), not claims, and are not checked;
* ``<!-- see: Heading text -->``: the numbers may also be backed by that section (an
  introduction, or a derivation by hand, whose numbers a later section computes).

Arithmetic written in math must hold: in ``$0 - 0.1 \cdot (-6.5) = 0.65$`` or
``$\frac12 (9 + 25) = 17$`` every side that is plain arithmetic is evaluated and compared, to
the digits of the number written as the result.

Skipped as not claims: sub- and superscripts in math (``x^{(1)}``, ``\sum_{i=1}``, ``r^2``),
equation tags, list markers, link targets, and in math a 1 or 2 that shapes the formula (the
numbers of a ``\frac``, a division ``1 / n`` or ``\eta / 2``, ``\mathbf 1``, ``2\pi``, an
off-by-one ``n - 1``, ``d + 1``, ``1 - \rho``), and the zero vector ``\mathbf 0``.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import io
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from sybil import Document, Example, Region, Sybil
from sybil.evaluators.doctest import NUMBER, DocTest
from sybil.evaluators.doctest import OutputChecker as SybilOutputChecker
from sybil.parsers.markdown import ClearNamespaceParser, SkipParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"

DOCTEST_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS | NUMBER

# ---- the parser --------------------------------------------------------------------------------

# The info string of a fence: its language, then optional attributes (title="...", hl_lines=...).
_INFO = re.compile(r"(?P<language>[^\s{`]*)(?P<attributes>[^\n]*)$\n", re.MULTILINE)
# Languages that would look like tested Python to an author but are not collected.
_UNTESTED_PYTHON = {"py", "py3", "python3", "ipython", "ipython3", "pycon3", "doctest", "pyi"}
_PROMPT = re.compile(r"^\s*>>> ", re.MULTILINE)


def fenced_lexer() -> RawFencedCodeBlockLexer:
    return RawFencedCodeBlockLexer(
        info_pattern=_INFO, mapping={"language": "arguments", "source": "source"}
    )


_INVISIBLE = DirectiveInHTMLCommentLexer(directive=r"invisible-code(-block)?", arguments=".+")


@dataclass(frozen=True)
class Block:
    """A piece of a page's code: a ```python/```pycon block, a hidden block, a notebook cell."""

    language: str  # "python", "pycon" or "cell"
    source: str
    line: int  # 1-based line of the opening fence, comment or `# %%` header
    visible: bool = True

    def sources(self) -> list[str]:
        """The Python source: the whole block, or each `>>>` example of a pycon block."""
        if self.language != "pycon":
            return [self.source]
        return [e.source for e in doctest.DocTestParser().get_examples(self.source)]


@dataclass(frozen=True)
class NumbersCheck:
    """The ``numbers`` region of a page (the check reads the page's prose and recorded output)."""

    page: str  # docs/<page>


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _failure(message: str) -> Any:
    def evaluate(example: Example) -> str:
        return message

    return evaluate


class MarkdownCodeParser:
    """```python / ```pycon blocks, hidden blocks, and code that would escape the tests."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in fenced_lexer()(document):
            language = region.lexemes["arguments"]
            source = str(region.lexemes["source"])
            line = _line(document.text, region.start)
            if language == "python" and not _PROMPT.match(source):
                yield Region(region.start, region.end, Block("python", source, line), run_block)
            elif language == "pycon":
                if not doctest.DocTestParser().get_examples(source):
                    message = "this ```pycon block has no `>>>` example: nothing in it is tested"
                    yield Region(region.start, region.end, None, _failure(message))
                    continue
                yield Region(region.start, region.end, Block("pycon", source, line), run_block)
            elif language in _UNTESTED_PYTHON:
                message = (
                    f"a ```{language} block is not run by the tests; "
                    "write ```python (executed) or ```pycon (doctest with output)"
                )
                yield Region(region.start, region.end, None, _failure(message))
            elif _PROMPT.search(source):
                message = (
                    f"a `>>>` session in a ```{language or '(no language)'} block is not "
                    "checked; write it as ```pycon so its output is compared"
                )
                yield Region(region.start, region.end, None, _failure(message))
        for region in _INVISIBLE(document):
            if region.lexemes["arguments"] != "python":
                continue
            line = _line(document.text, region.start)
            block = Block("python", str(region.lexemes["source"]), line, visible=False)
            yield Region(region.start, region.end, block, run_block)


class NotebookParser:
    """A jupytext percent notebook: one region per code cell, headed by its `# %%` line."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for header, end, cell in notebook_cells(document.text, document.path):
            if cell.cell_type == "code":
                # jupytext uncomments magics (`# %matplotlib inline`); as a script they are comments.
                source = _MAGIC.sub(r"# \g<0>", cell.source)
                block = Block("cell", source, _line(document.text, header))
                yield Region(header, end, block, run_block)


class NumbersParser:
    """The last region of every page: the prose-number check."""

    def __call__(self, document: Document) -> Iterable[Region]:
        path = Path(document.path).resolve()
        page = "docs/" + path.relative_to(DOCS).as_posix() if DOCS in path.parents else path.name
        yield Region(document.end, document.end, NumbersCheck(page), check_numbers)


_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)
_HEADER = re.compile(r"^# %%.*$", re.MULTILINE)


def notebook_cells(text: str, path: str) -> Iterator[tuple[int, int, Any]]:
    """``(start, end, cell)``: each jupytext cell with the span of its `# %%` header and body."""
    import jupytext

    headers = [m.start() for m in _HEADER.finditer(text)]
    cells = jupytext.reads(text, fmt="py:percent").cells
    assert len(headers) == len(cells), f"{path}: {len(headers)} `# %%` lines, {len(cells)} cells"
    ends = [*headers[1:], len(text)]
    yield from zip(headers, ends, cells, strict=True)


class NotebookDocument(Document):
    """A notebook's text, parsed with the notebook parsers."""


class PageSybil(Sybil):
    """Names each test after the line of its block (``docs/page.md::line:12``) or ``numbers``."""

    def __init__(self, notebooks: Sequence[str]) -> None:
        super().__init__(
            parsers=[MarkdownCodeParser(), SkipParser(), ClearNamespaceParser(), NumbersParser()],
            path=str(DOCS),
            patterns=["*.md", *notebooks],
            teardown=_close_figures,
        )
        self.notebook_parsers = [NotebookParser(), NumbersParser()]

    def parse(self, path: Path) -> Document:
        if path.suffix == ".py":
            return NotebookDocument.parse(str(path), *self.notebook_parsers)
        return super().parse(path)

    def parse_text(self, text: str, path: Path) -> Document:
        """A page given as text (the checker's self-tests); ``path`` decides its kind."""
        document = (NotebookDocument if path.suffix == ".py" else Document)(text, str(path))
        parsers = self.notebook_parsers if path.suffix == ".py" else self.parsers
        for parser in parsers:
            for region in parser(document):
                document.add(region)
        return document

    def identify(self, example: Example) -> str:
        if isinstance(example.parsed, NumbersCheck):
            return "numbers"
        return f"line:{example.line}"


def _close_figures(namespace: dict[str, Any]) -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def blocks_of(document: Document) -> list[Block]:
    """The code of a parsed page, in page order (nothing is run)."""
    return [region.parsed for _, region in document.regions if isinstance(region.parsed, Block)]


# ---- running a block, recording its output ----------------------------------------------------


@dataclass
class PageRecord:
    """What one run of a page produced, block by block."""

    document: Document
    outputs: dict[int, str] = field(default_factory=dict)  # block line -> what it printed
    failed: list[int] = field(default_factory=list)  # lines of blocks that raised or failed
    # block line -> (source, what it printed) of each example of a pycon block
    examples: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


RECORDS: dict[str, PageRecord] = {}  # absolute path -> the page's record in this session
EXECUTIONS: Counter[tuple[str, int]] = Counter()  # (absolute path, block line) -> runs


def record_of(document: Document) -> PageRecord:
    record = RECORDS.get(document.path)
    if record is None or record.document is not document:
        record = RECORDS[document.path] = PageRecord(document)
    return record


class RecordingChecker(SybilOutputChecker):
    """Sybil's doctest checker, keeping what each example printed; NUMBER as the prose reads it.

    With NUMBER, a float of the expected output matches when the printed value rounds to it
    (``|got - want| <= ½ unit of its last digit``): 0.65 matches 0.6500001 and 0.654, not 0.66.
    (Sybil's and pytest's NUMBER accept a whole unit, so 0.2 would match 0.3.)
    """

    def __init__(self) -> None:
        self.got: list[str] = []

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        self.got.append(got)
        return super().check_output(want, got, optionflags)

    def _remove_unwanted_precision(self, want: str, got: str) -> str:
        wants = list(self._number_re.finditer(want))
        gots = list(self._number_re.finditer(got))
        if len(wants) != len(gots):
            return got
        offset = 0
        for w, g in zip(wants, gots, strict=True):
            if agrees_to_stated_digits(g.group(), w.group()):
                got = got[: g.start() + offset] + w.group() + got[g.end() + offset :]
                offset += w.end() - w.start() - (g.end() - g.start())
        return got


def run_block(example: Example) -> str | None:
    """Run one block in the page's namespace; record what it printed; a failure is returned."""
    block: Block = example.parsed
    record = record_of(example.document)
    EXECUTIONS[example.path, block.line] += 1
    record.failed.append(block.line)  # until it completes
    out = io.StringIO()
    try:
        if block.language == "pycon":
            failure = _run_pycon(block, example, out)
        else:
            _run_code(block, example, out)
            failure = None
    finally:
        record.outputs[block.line] = out.getvalue()
        sys.stdout.write(out.getvalue())  # shown by pytest when the test fails
    if failure is None:
        record.failed.remove(block.line)
    return failure


def _run_code(block: Block, example: Example, out: io.StringIO) -> None:
    path = example.path
    padding = "\n" * block.line  # tracebacks point at the lines of the page
    if block.language == "python":
        with contextlib.redirect_stdout(out):
            exec(compile(padding + block.source, path, "exec"), example.namespace)
        return
    # A notebook cell: run as Jupyter does, next to the notebook, its last expression shown.
    namespace = example.namespace
    namespace.setdefault("__name__", "__main__")
    namespace.setdefault("__file__", path)
    tree = ast.parse(padding + block.source, path)
    shown = bool(tree.body) and isinstance(tree.body[-1], ast.Expr)
    shown = shown and not block.source.rstrip().endswith(";")
    body = tree.body[:-1] if shown else tree.body
    with contextlib.chdir(Path(path).parent), contextlib.redirect_stdout(out):
        exec(compile(ast.Module(body, type_ignores=[]), path, "exec"), namespace)
        if shown:
            last = ast.Expression(tree.body[-1].value)  # type: ignore[attr-defined]
            value = eval(compile(last, path, "eval"), namespace)
            if value is not None:
                print(repr(value))


def _run_pycon(block: Block, example: Example, out: io.StringIO) -> str | None:
    """Run a whole ```pycon block as one doctest in the page's namespace."""
    name = f"{example.path}:{example.line}"
    examples = doctest.DocTestParser().get_examples(block.source, name)
    # The block's text starts on the line after the fence; doctest adds 1 to 0-based lines.
    test = DocTest(examples, example.namespace, name, example.path, example.line, block.source)
    checker = RecordingChecker()
    runner = doctest.DocTestRunner(checker=checker, optionflags=DOCTEST_FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append, clear_globs=False)
    out.write("".join(checker.got))
    if len(checker.got) == len(examples):
        record_of(example.document).examples[block.line] = [
            (e.source, got) for e, got in zip(examples, checker.got, strict=True)
        ]
    return "".join(report) if runner.failures else None


def run_page(path: Path, sybil: PageSybil) -> PageRecord:
    """The record of a page: this session's, or (a test run on its own) from running it now."""
    record = RECORDS.get(str(path))
    if record is not None:  # failed or not: a page runs once per session
        return record
    document = sybil.parse(path)
    _run_document(document, raise_first=False)  # a failing block fails its own test
    return RECORDS[str(path)]


def run_text(text: str, path: Path, sybil: PageSybil) -> PageRecord:
    """Run a page given as text (the checker's self-tests), raising the first failure."""
    return _run_document(sybil.parse_text(text, path))


def _run_document(document: Document, raise_first: bool = True) -> PageRecord:
    record = record_of(document)
    try:
        for example in document.examples():
            if isinstance(example.parsed, NumbersCheck):
                continue
            try:
                example.evaluate()
            except Exception:
                if raise_first:
                    raise
    finally:
        _close_figures(document.namespace)
    return record


# ---- the prose of a page -----------------------------------------------------------------------

_COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(r"^\s*(?P<name>structural|see|from):\s*(?P<value>.*?)\s*$", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.*?)[ \t#]*$")


@dataclass(frozen=True)
class Prose:
    text: str  # code and comments blanked; lines as in the page's file
    headings: dict[int, str]  # line -> heading title
    structural: dict[int, set[str]]  # line -> literals marked structural on it
    see: dict[int, list[str]]  # line -> headings whose sections also back its numbers
    section_see: dict[int, list[str]]  # heading line -> the same, for its whole section
    # line -> texts naming the printed lines or code statements that alone back its numbers
    sources: dict[int, list[str]] = field(default_factory=dict)


def prose_of(document: Document) -> Prose:
    """The page's prose, lines aligned with its file: Markdown, or a notebook's markdown cells."""
    if isinstance(document, NotebookDocument):
        text = _notebook_prose(document)
    else:
        text = document.text
    return _prose(text, document.path)


def _notebook_prose(document: Document) -> str:
    file_lines = document.text.split("\n")
    prose = [""] * len(file_lines)
    for start, _, cell in notebook_cells(document.text, document.path):
        header = _line(document.text, start) - 1
        prose[header] = str(cell.metadata.get("alt", ""))  # alt text is read out as prose
        if cell.cell_type == "code":
            continue
        for k, line in enumerate(cell.source.split("\n")):
            # A percent-format markdown line is the text behind "# " (or a bare "#").
            assert file_lines[header + 1 + k] in (f"# {line}", "#"), (document.path, header + k)
            prose[header + 1 + k] = line
    return "\n".join(prose)


def _prose(text: str, path: str) -> Prose:
    chars = list(text)
    for region in fenced_lexer()(Document(text, path)):  # every fenced block, any language
        chars[region.start : region.end] = _blank(text[region.start : region.end])
    structural: dict[int, set[str]] = {}
    see: dict[int, list[str]] = {}
    section_see: dict[int, list[str]] = {}
    sources: dict[int, list[str]] = {}
    blanked = "".join(chars)
    lines = blanked.split("\n")
    for match in _COMMENT.finditer(blanked):
        directive = _DIRECTIVE.match(match["body"])
        chars[match.start() : match.end()] = _blank(match.group(0))
        if directive is None:
            continue
        heading = _heading_above(lines, _line(blanked, match.start()))
        if directive["name"] == "see" and heading:
            section_see.setdefault(heading, []).append(directive["value"])
            continue
        for line in _paragraph(lines, _line(blanked, match.start()), _line(blanked, match.end())):
            if directive["name"] == "structural":
                structural.setdefault(line, set()).update(directive["value"].split())
            elif directive["name"] == "from":
                labels = [label.strip() for label in directive["value"].split("|")]
                sources.setdefault(line, []).extend(label for label in labels if label)
            else:
                see.setdefault(line, []).append(directive["value"])
    prose = "".join(chars)
    headings = {}
    for number, line in enumerate(prose.split("\n"), start=1):
        heading = _HEADING.match(line)
        if heading:
            headings[number] = heading["title"]
    return Prose(prose, headings, structural, see, section_see, sources)


def _heading_above(lines: list[str], line: int) -> int:
    """The heading's line when a comment stands alone right under it (blank lines aside), else 0."""
    if lines[line - 1].strip().startswith("<!--") and lines[line - 1].strip().endswith("-->"):
        above = line - 1
        while above >= 1 and not lines[above - 1].strip():
            above -= 1
        if above >= 1 and _HEADING.match(lines[above - 1]):
            return above
    return 0


def _paragraph(lines: list[str], first: int, last: int) -> range:
    """The lines of the paragraph around lines first..last (or the next one, if they stand alone)."""
    before = "".join(lines[first - 1 : last]).strip()
    alone = before.startswith("<!--") and before.endswith("-->")
    if alone and (first == 1 or not lines[first - 2].strip()):
        start = last + 1
        while start <= len(lines) and not lines[start - 1].strip():
            start += 1
        first = last = start
    while first > 1 and lines[first - 2].strip():
        first -= 1
    while last < len(lines) and lines[last].strip():
        last += 1
    return range(first, last + 1)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


# ---- numbers -----------------------------------------------------------------------------------

# Numbers that structure formulas rather than state a result, skipped in math only: 1 and 2
# (the ½ of the loss written \frac{1}{2}, 1/|B|, d/2 epochs, n - 1), 0 only as \mathbf 0. In
# prose they are checked like any other number ("about 1 %" is a claim).
STRUCTURAL = frozenset({0.0, 1.0, 2.0})
# Two printed forms of one float (0.65 vs 0.6500000000000001) differ by a few ulps.
REL_TOL = 1e-9

# A number: optional sign (a minus glued to the digits: "-3", "(-0.4)", "\u2212 5"), digits
# (thousands may be grouped: "4,417"), optional decimals and exponent. It must not continue an
# identifier or a longer number (float64, x_1, 1.5.2, 640x480).
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-\u2212](?=\d))?"
    r"(?P<digits>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)(?!\d|[\w.]\d)"
)
# Math as arithmatex reads it: $$...$$ (across lines) and $...$; "\$" is a literal dollar.
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?:\\.|[^$\\])+?\$", re.DOTALL)
_PERCENT = re.compile(r"[ \t]*\\?%")
# A power of ten in math states one number: "10^{-5}" is 1e-5, "6 \cdot 10^{-8}" is 6e-8.
_POWER_OF_TEN = re.compile(
    r"(?<![\w.])(?:(?P<mantissa>\d+(?:\.\d+)?)[ \t]*\\(?:cdot|times)[ \t]*)?10[ \t]*\^[ \t]*"
    r"(?:\{[ \t]*(?P<braced>[-\u2212]?\d+)[ \t]*\}|(?P<bare>\d))"
)
# Index-like positions in math: ^{...}, _{...} (one level of nested braces) and ^x, _x.
_SCRIPT = re.compile(r"[\^_](?:\{(?:[^{}]|\{[^{}]*\})*\}|\\?[-\w])")
_SKIP_IN_PROSE = [
    re.compile(r"\]\([^)]*\)"),  # link targets: [text](../page.md#anchor)
    re.compile(r"<[^>\n]+>"),  # HTML tags and their attributes
    re.compile(r"\\(?:tag|label|ref|eqref)\{[^}]*\}"),  # equation numbers and labels
    re.compile(r"^[ \t]*(?:\d+[.)]|[-*+])[ \t]+", re.MULTILINE),  # list markers "1. "
    # mkdocstrings directives (`::: d2l_linreg.data`) and their indented options (heading_level: 3)
    re.compile(r"^:::[^\n]*(?:\n[ \t]+[^\n]*)*", re.MULTILINE),
]


# Words that say the number after them is rounded: a whole number may then be backed by a
# printed value that rounds to it ("about 4" by 4.2).
_APPROX = re.compile(
    r"(?:\babout|\baround|\broughly|\bnearly|\balmost|~|\u2248|\\approx|\\sim)[ \t$]*[-\u2212]?\Z"
)


class Number(NamedTuple):
    line: int  # 1-based, in the text it was found in
    literal: str  # as written: "-6.5", "4,417", "1e-5"
    value: float
    percent: bool  # followed by "%" (or "\\%" in math): "20 %" also reads as 0.2
    offset: int  # where it starts in the text
    math: bool = False  # inside $...$ or $$...$$
    approx: bool = False  # after "about", "roughly", "around", "~" or "\approx": a rounded value
    group: tuple[str, ...] = ()  # the literals of the tuple "(2, -3.4)" it is a member of
    member: int = 0  # its place in that tuple


def numbers_in(text: str) -> list[Number]:
    """Every numeric literal of ``text``."""
    found = []
    for match in _NUMBER.finditer(text):
        value = float(match["digits"].replace(",", "")) * (-1.0 if match["sign"] else 1.0)
        percent = _PERCENT.match(text, match.end()) is not None
        found.append(
            Number(_line(text, match.start()), match.group(0), value, percent, match.start())
        )
    return found


def values_in(text: str) -> list[float]:
    return [number.value for number in numbers_in(text)]


def printed_in(text: str) -> list[str]:
    """The numbers of printed output, as printed ("0.6500001", "-3"), thousands ungrouped."""
    return [n.literal.replace(",", "").replace("\u2212", "-") for n in numbers_in(text)]


def decimals(literal: str) -> int:
    """The decimal places a literal states: "0.65" 2, "4,417" 0, "1e-5" 5, "2.5e3" -2."""
    mantissa, _, exponent = literal.lower().partition("e")
    places = len(mantissa.partition(".")[2])
    return places - int(exponent or 0)


def agrees_to_stated_digits(printed: str | float, literal: str, scale: str = "1") -> bool:
    """Whether ``printed`` rounds to ``literal`` (times ``scale``) at the digits the literal states.

    Decimal arithmetic on the texts: a tie is not agreement ("0.7" is not backed by 0.65).
    """
    stated = Decimal(literal.replace(",", "").replace("\u2212", "-")) * Decimal(scale)
    half_unit = Decimal(5).scaleb(-decimals(literal) - 1) * Decimal(scale)
    return abs(Decimal(str(printed)) - stated) < half_unit


def code_numbers(source: str) -> list[float]:
    """The numeric literals of Python code, with their sign (``-3.4``), not those in strings.

    Expressions inside f-strings are code too (``f"{lr * 2:.1f}"`` states 2), and a power of
    two literals is the number it spells: ``10**7`` states 1e7, as ``$10^{7}$`` does in math.
    """
    values: list[float] = []
    tree = ast.parse(source)
    structural = _structural_literals(tree)
    for node in ast.walk(tree):
        if id(node) in structural:
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            base, exponent = _number(node.left), _number(node.right)
            if base is not None and exponent is not None:
                with contextlib.suppress(OverflowError, ZeroDivisionError):
                    values.append(float(base**exponent))
        value = _number(node)
        if value is not None:
            values.append(value)
        elif isinstance(node, ast.Call):  # torch.zeros(2) sets the value 0: "start from w = 0"
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            values += [v for v, names in _FILLS.items() if name in names]
    return values


_FILLS = {0.0: {"zeros", "zeros_like", "new_zeros"}, 1.0: {"ones", "ones_like", "new_ones"}}


# Calls whose literal arguments lay out data (a shape, a count of steps, an axis), not a setting
# a reader's claim rests on: ````x.reshape(-1, 1)``, ``x.sum(0)``, ``torch.zeros(2)``.
_SHAPING_CALLS = frozenset(
    {
        "reshape", "view", "unsqueeze", "squeeze", "permute", "transpose",
        "flatten", "unflatten", "expand", "repeat", "narrow", "index_select",
        "size", "cat", "stack", "concatenate",
        "sum", "mean", "std", "var", "max", "min", "argmax", "argmin", "norm", "cumsum", "softmax",
        "round", "item", "tolist", "isel", "iloc", "head", "tail", "nlargest", "zfill",
        "manual_seed", "seed",
    }
)  # fmt: skip
# Keywords that name an axis, a dimension or a display setting: their value is layout.
_SHAPING_KEYWORDS = frozenset(
    {"dim", "axis", "axes", "keepdim", "keepdims", "ndigits", "decimals", "precision", "indent",
     "figsize", "dpi", "fontsize", "linewidth", "lw", "alpha", "s", "markersize", "zorder",
     "ncols", "nrows", "ncol", "loc", "bins", "width", "start", "step", "stacklevel",
     "seed"}
)  # fmt: skip


def _structural_literals(tree: ast.AST) -> set[int]:
    """The ids of the literal nodes that are layout, not claims: they back no number of the prose.

    An index or slice (``x[0]``, ``x[:, 1]``, ``x[-1]``); an argument of a shaping call
    (``reshape(-1, 1)``, ``sum(0)``, ``cat(..., 1)``) or a layout keyword
    (``dim=1``, ``figsize=(6, 4)``); and a 0, 1 or -1 passed by position to any call (a default,
    an axis, a seed of 0: ``torch.normal(0, 1, ...)``). A setting (``num_epochs = 3``,
    ``train(lr=0.03)``), a count (``range(20)``), a value an assert compares with, and everything
    printed still back.
    """
    found: set[int] = set()

    def mark(node: ast.AST) -> None:
        found.update(id(child) for child in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            mark(node.slice)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            for arg in node.args:
                if name in _SHAPING_CALLS or _number(arg) in (0.0, 1.0, -1.0):
                    mark(arg)
            for keyword in node.keywords:
                if keyword.arg in _SHAPING_KEYWORDS:
                    mark(keyword.value)
    return found


def code_sequences(source: str) -> list[list[str | float]]:
    """The numbers of each list, tuple or call of the code, in order: ``[[1.0], [2.0]]`` is 1, 2.

    A tuple written in the prose ("(2, -3.4)") is backed by one of them (or by a block's printed
    numbers) holding its members in a row.
    """
    sequences: list[list[str | float]] = []
    inner: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and len(node.ops) > 1:  # 0.5 < cosine < 0.55
            bounds = [_number(n) for n in (node.left, *node.comparators)]
            if sum(bound is not None for bound in bounds) >= 2:
                sequences.append([bound for bound in bounds if bound is not None])
        if id(node) in inner or not isinstance(node, (ast.List, ast.Tuple, ast.Call)):
            continue
        numbers = []
        for child in ast.walk(node):
            if child is not node and isinstance(child, (ast.List, ast.Tuple, ast.Call)):
                inner.add(id(child))
            value = _number(child)
            if isinstance(node, ast.Tuple) and _written_number(child):  # ("19.0", "79.0")
                value = float(child.value)  # type: ignore[attr-defined]
            if value is not None and not (
                isinstance(child, ast.Constant) and _is_negated(child, node)
            ):
                numbers.append((child.lineno, child.col_offset, value))
        if len(numbers) >= 2:
            sequences.append([value for *_, value in sorted(numbers)])
    return sequences


def _written_number(node: ast.AST) -> bool:
    """Whether a node is a string that spells one number ("79.0")."""
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _NUMBER.fullmatch(node.value) is not None
    )


def _is_negated(constant: ast.Constant, root: ast.AST) -> bool:
    """Whether a constant is the operand of a minus (``-3.4``, read once, as -3.4)."""
    return any(
        isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and n.operand is constant
        for n in ast.walk(root)
    )


def _number(node: ast.AST) -> float | None:
    """The value of a numeric literal, signed or not ("3", "-3.4"); None for anything else."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node, sign = node.operand, -1.0
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sign * value
    return None


def asserted_numbers(source: str) -> list[float]:
    """The numbers of strings that an ``assert`` compares with a computed value.

    ``assert f"{loss:.3f}" == "1.045"`` pins the number the prose states, formatted as the prose
    writes it; a string compared with nothing computed (``"1" == "1"``) pins nothing.
    """
    values: list[float] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assert):
            continue
        for compare in ast.walk(node.test):
            if not isinstance(compare, ast.Compare) or not all(
                isinstance(op, ast.Eq) for op in compare.ops
            ):
                continue
            operands = [compare.left, *compare.comparators]
            if all(_is_literal(operand) for operand in operands):
                continue
            for operand in filter(_is_literal, operands):  # "0.9", or ["5", "1.05"]
                for constant in ast.walk(operand):
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                        values.extend(values_in(constant.value))
    return values


def _is_literal(node: ast.expr) -> bool:
    """Whether an expression is written out (a constant, or a list/tuple of them), not computed."""
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def prose_numbers(prose: str) -> list[Number]:
    """The numbers stated by the prose and math of a page (code and comments blanked).

    Every rewrite keeps the length of the text, so offsets (math or not) and lines stay valid.
    """
    for pattern in _SKIP_IN_PROSE:
        prose = pattern.sub(lambda m: _blank(m.group(0)), prose)
    math_spans = [match.span() for match in _MATH.finditer(prose)]
    prose = _POWER_OF_TEN.sub(_scientific, prose)
    prose = _SCRIPT.sub(lambda m: _blank(m.group(0)), prose)
    found = []
    groups = _tuples(prose)
    for number in numbers_in(prose):
        in_math = any(start <= number.offset < end for start, end in math_spans)
        approx = _APPROX.search(prose, max(0, number.offset - 16), number.offset) is not None
        group, member = groups.get(number.offset, ((), 0))
        found.append(number._replace(math=in_math, approx=approx, group=group, member=member))
    return found


# Not after a letter, "}" or ")": "\mathcal N(0, 1)" and "f(2, 3)" are arguments, not a vector.
_TUPLE = re.compile(r"(?<![\w})])\(([^()\n]*,[^()\n]*)\)")


# A matrix or vector written out in math: \begin{pmatrix} 1 \\ 2 \end{pmatrix} (rows by rows).
_MATRIX = re.compile(r"\\begin\{[pbBvV]?matrix\}(.*?)\\end\{[pbBvV]?matrix\}", re.DOTALL)


# A range written with an en dash, as in a table cell "12–14": its ends are one pair, in order.
_RANGE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?[ \t]*\u2013[ \t]*\d+(?:\.\d+)?)(?!\w|\.\d|[ \t]*\u2013)"
)


# ... and in words: "12 to 14 digits", "between 0.5 and 0.55" (a sentence may end after it);
# not "from 3 to 4", which is a change or a span of an axis as often as a range of results.
_WORDED_RANGE = re.compile(
    r"(?:\bbetween[ \t]+(?<![\w.])(\d+(?:\.\d+)? and \d+(?:\.\d+)?)"
    r"|(?<!from )(?<![\w.])(\d+(?:\.\d+)? to \d+(?:\.\d+)?))(?!\w|\.\d)"
)


def _tuples(prose: str) -> dict[int, tuple[tuple[str, ...], int]]:
    """offset -> (literals, place) for each number of a written-out tuple or matrix of numbers:
    "(2, -3.4)", "(4, 3)", ``\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}``, and the ends of a
    range "2–4"."""
    groups: dict[int, tuple[tuple[str, ...], int]] = {}
    spans = [(m, 1, m[1].split(",")) for m in _TUPLE.finditer(prose)]
    spans += [(m, 1, re.split(r"\\\\|&", m[1])) for m in _MATRIX.finditer(prose)]
    spans += [(m, 1, m[1].split("\u2013")) for m in _RANGE.finditer(prose)]
    for m in _WORDED_RANGE.finditer(prose):
        inner = 1 if m[1] else 2
        spans.append((m, inner, re.split(r" to | and ", m[inner])))
    for match, inner, pieces in spans:
        if not all(_NUMBER.fullmatch(piece.strip()) for piece in pieces):
            continue  # "(x, 1)", "(4,417 rows)": not a tuple of numbers
        members = numbers_in(match[inner])
        literals = tuple(n.literal for n in members)
        if len(members) == len(pieces):
            for place, n in enumerate(members):
                groups[match.start(inner) + n.offset] = (literals, place)
    return groups


def _scientific(power: re.Match[str]) -> str:
    exponent = (power["braced"] or power["bare"]).replace("\u2212", "-")
    number = f"{power['mantissa'] or 1}e{exponent}"  # always shorter than the power
    return number.ljust(len(power.group(0)))


# ---- arithmetic written in math ----------------------------------------------------------------

# Pieces of a formula that hold separate statements: "a = 1, \qquad b = 2", "x \approx y".
# (A command ends where its letters do: "\le" is not the start of "\leftarrow", nor "\to" of "\top".)
_STATEMENTS = re.compile(
    r"(?:\\q?quad|\\approx|\\leq?|\\geq?|\\neq|\\to|\\Rightarrow)(?![a-zA-Z])|\\\\|;|,\s|<|>"
)
_EQUALS = re.compile(r"=|\\leftarrow")
_SPACING = re.compile(r"\\(?:[,;:! ]|[bB]igg?[lr]?|left|right|quad|qquad)|\.\s*$")
_FRAC = re.compile(r"\\[dt]?frac\s*(?:\{([^{}]*)\}\s*\{([^{}]*)\}|(\d)\s*(\d))")
_ARITHMETIC = re.compile(r"[\d.\s+\-*/()]+")


def arithmetic(segment: str) -> float | None:
    r"""The value of a segment of math that is plain arithmetic ("\frac12 (9 + 25)"), else None."""
    text = _SPACING.sub(" ", segment.replace("\u2212", "-"))
    text = _FRAC.sub(lambda m: f"(({m[1] or m[3]})/({m[2] or m[4]}))", text)
    text = re.sub(r"\\(?:cdot|times)", "*", text).replace("{", "(").replace("}", ")")
    text = text.replace("^", "**").strip()
    if not text or not _ARITHMETIC.fullmatch(text.replace("**", "*")) or not re.search(r"\d", text):
        return None
    text = re.sub(r"\)\s*(?=[(\d])|(?<=\d)\s+(?=\()", lambda m: m.group(0) + "*", text)
    try:
        value = eval(compile(text, "<math>", "eval"), {"__builtins__": {}})  # digits and operators
    except (SyntaxError, ZeroDivisionError, TypeError):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def equations_that_fail(prose: str) -> list[tuple[int, str]]:
    r"""``(offset, equation)`` for each chain ``a = b = c`` in math whose arithmetic does not hold.

    Only segments that are plain arithmetic are compared ("0 - 0.1 \cdot (-6.5) = 0.65"), at the
    digits of the least precise number written in the chain; an equation with one such segment
    states nothing to check.
    """
    failing = []
    for span in _MATH.finditer(prose):
        body, offset = span.group(0).strip("$"), span.start()
        failing += [(offset, piece) for piece in _vector_equations_that_fail(body)]
        for piece in _STATEMENTS.split(_MATRIX.sub(" ", body)):
            segments = [seg for seg in _EQUALS.split(piece)]
            values = [(seg, arithmetic(seg)) for seg in segments]
            values = [(seg, v) for seg, v in values if v is not None]
            if len(values) < 2 or not any(
                re.search(r"[-+*/^]|\\frac|\\cdot", s[1:]) for s, _ in values
            ):
                continue
            # A result written as one number states its digits ("2 / 3 = 0.67"); else exact.
            results = [seg.strip() for seg, _ in values if _NUMBER.fullmatch(seg.strip())]
            places = min((decimals(r) for r in results), default=12)
            first = values[0][1]
            half = 0.5 * 10.0**-places
            if any(abs(v - first) >= half * (1 + 1e-9) for _, v in values[1:]):
                failing.append((offset + span.group(0).find(piece), piece.strip()))
    return failing


def _written(matrices: list[str], placeholder: re.Match[str]) -> str:
    return r"\begin{pmatrix}" + matrices[int(placeholder[1])] + r"\end{pmatrix}"


def _vector_equations_that_fail(body: str) -> list[str]:
    r"""Chains of written-out vectors whose entries' arithmetic does not hold, entry by entry:
    ``1.6 \begin{pmatrix} 1 \\ 2 \end{pmatrix} = \begin{pmatrix} 1.6 \\ 3.2 \end{pmatrix}``."""
    matrices: list[str] = []

    def hold(match: re.Match[str]) -> str:
        matrices.append(match[1])
        return f"@{len(matrices) - 1}@"

    failing = []
    text = _MATRIX.sub(hold, body)
    for piece in re.split(r"\\q?quad(?![a-zA-Z])|;|,\s", text):
        vectors, scaled, results = [], False, []
        for segment in _EQUALS.split(piece):
            found = re.fullmatch(r"(?P<scalar>[^@]*?)@(?P<k>\d+)@[\s.,]*", segment.strip())
            if not found:
                continue
            scalar = arithmetic(found["scalar"]) if found["scalar"].strip() else 1.0
            entries = [e.strip() for e in re.split(r"\\\\|&", matrices[int(found["k"])])]
            values = [arithmetic(e) for e in entries]
            if scalar is not None and None not in values:
                vectors.append((entries, [scalar * v for v in values if v is not None]))
                scaled = scaled or bool(found["scalar"].strip())
                if not found["scalar"].strip() and all(_NUMBER.fullmatch(e) for e in entries):
                    results += entries  # a vector of plain numbers states its digits
        lengths = {len(values) for _, values in vectors}
        computed = scaled or any(
            re.search(r"[-+*/^]|\\frac|\\cdot", e[1:]) for entries, _ in vectors for e in entries
        )
        if len(vectors) < 2 or len(lengths) != 1 or not computed:
            continue
        half = 0.5 * 10.0 ** -min((decimals(r) for r in results), default=12)
        first = vectors[0][1]
        if any(
            abs(a - b) >= half * (1 + 1e-9)
            for _, other in vectors[1:]
            for a, b in zip(first, other, strict=True)
        ):
            failing.append(re.sub(r"@(\d+)@", lambda m: _written(matrices, m), piece).strip())
    return failing


# ---- binding each stated number to its section --------------------------------------------------


@dataclass
class Backing:
    """What backs the numbers of one section: printed values, and exact values of the code."""

    printed: list[str] = field(default_factory=list)
    exact: list[float] = field(default_factory=list)
    cells: list[Backing] = field(default_factory=list)  # a keyed table row: one per cell
    sequences: list[list[str | float]] = field(default_factory=list)  # printed lines, code lists

    def extend(self, other: Backing) -> None:
        """Back also what ``other`` backs."""
        self.printed += other.printed
        self.exact += other.exact
        self.sequences += other.sequences

    def backs(self, number: Number, literal: str | None = None) -> bool:
        """A member of a tuple is backed with the whole tuple, in order ("(2, -3.4)" by
        ``[2, -3.4]`` or ``tensor([ 2.0000, -3.4000])``); any other number on its own."""
        if len(number.group) < 2 or not self.sequences:
            return self.backs_one(number, literal)
        members = list(number.group)
        members[number.member] = literal or number.literal
        numbers = [number._replace(literal=m, group=()) for m in members]
        for sequence in self.sequences:
            for start in range(len(sequence) - len(numbers) + 1):
                if all(
                    Backing(*_one(sequence[start + k])).backs_one(n) for k, n in enumerate(numbers)
                ):
                    return True
        return False

    def backs_one(self, number: Number, literal: str | None = None) -> bool:
        """A literal with a sign must match a value with that sign; "0.4" also matches -0.4."""
        literal = (literal or number.literal).replace("\u2212", "-").replace(",", "")
        mantissa, _, exponent = literal.lower().partition("e")
        if exponent and not mantissa.strip("-0."):
            return False  # "0e8", "0 \cdot 10^{8}": nobody writes zero as a power of ten
        signed = [literal] if literal.startswith("-") else [literal, "-" + literal]
        scales = ["1", "0.01"] if number.percent else ["1"]
        # A whole number is backed by a printed whole value (3, 3.0000); by one it only rounds
        # to (2.9, 3.4) where the prose says it rounds ("about 3", "\approx 3").
        rounded = number.approx or decimals(literal) > 0 or number.percent
        for stated in signed:
            for scale in scales:
                if any(
                    agrees_to_stated_digits(v, stated, scale) and (rounded or _is_whole(v))
                    for v in self.printed
                ):
                    return True
                value = float(stated) * float(scale)
                if any(math.isclose(value, v, rel_tol=REL_TOL) for v in self.exact):
                    return True
        return False


_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_WHITESPACE = re.compile(r"\s+")


@dataclass
class CodeSpanBacking(Backing):
    """What backs a number inside inline code that reads as code (``seed=0``, ``f(2, seed=0)``):
    the page's code must hold the span as written (spaces aside), or set each of its keyword
    numbers to that value (``lr=0.03`` by ``lr=0.03`` or ``lr = 0.03``). Nothing else: a typo in a
    call the reader copies is caught even where the page prints the typo's value elsewhere."""

    span: str = ""  # the inline code, as written
    at: int = 0  # where the number starts in it
    code: str = ""  # the page's code, whitespace removed
    keywords: dict[str, set[float]] = field(default_factory=dict)

    def backs(self, number: Number, literal: str | None = None) -> bool:
        literal = literal or number.literal
        span = self.span[: self.at] + literal + self.span[self.at + len(number.literal) :]
        if _in_code(_WHITESPACE.sub("", span), self.code):
            return True
        assigned = _KEYWORD_VALUE.findall(span)
        return len(assigned) == len(numbers_in(span)) > 0 and all(
            float(value) in self.keywords.get(name, set()) for name, value in assigned
        )


_KEYWORD_VALUE = re.compile(r"\b([A-Za-z_]\w*)\s*=\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.])")


def _in_code(span: str, code: str) -> bool:
    """Whether the code holds a span (spaces removed): as written, as a call given more arguments
    (``f(2,hidden=8)`` in ``f(2,hidden=8,seed=0)``), or around an ellipsis (``f(3,...)``)."""
    pieces = [piece for piece in span.split("...") if piece.strip(",)")]
    if not pieces:
        return False
    if len(pieces) == 1 and pieces[0].endswith(")") and not span.endswith("...)"):
        return pieces[0] in code or pieces[0][:-1] + "," in code
    start = code.find(pieces[0])
    for piece in pieces[1:]:
        start = code.find(piece, start, start + 300) if start >= 0 else -1
    return start >= 0


def _name(target: ast.AST) -> str | None:
    return target.id if isinstance(target, ast.Name) else None


def _bound(target: ast.AST, value: ast.AST) -> list[tuple[str | None, ast.AST]]:
    """(name, value) for ``x = 1`` and for each name of ``x, y = 1, 2``."""
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
        if len(target.elts) == len(value.elts):
            return [(_name(t), v) for t, v in zip(target.elts, value.elts, strict=True)]
        return []
    return [(_name(target), value)]


def _reads_as_code(span: str) -> bool:
    return "(" in span or "=" in span


def keyword_values(source: str) -> dict[str, set[float]]:
    """name -> the numbers the code gives it: ``f(lr=0.03)``, ``lr = 0.03``, ``{"lr": 0.03}``."""
    found: dict[str, set[float]] = {}
    for node in ast.walk(ast.parse(source)):
        pairs: list[tuple[str | None, ast.AST]] = []
        if isinstance(node, ast.keyword):
            pairs.append((node.arg, node.value))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            pairs += _bound(node.targets[0], node.value)
        elif isinstance(node, ast.For) and isinstance(node.iter, (ast.Tuple, ast.List)):
            pairs += [(_name(node.target), item) for item in node.iter.elts]  # for lr in (...)
        elif isinstance(node, ast.Dict):
            pairs += [
                (
                    key.value
                    if isinstance(key, ast.Constant) and isinstance(key.value, str)
                    else None,
                    value,
                )
                for key, value in zip(node.keys, node.values, strict=True)
            ]
        for name, value in pairs:
            number = _number(value)
            if number is None and _written_number(value):
                number = float(value.value)  # type: ignore[attr-defined]
            if name and number is not None:
                found.setdefault(name, set()).add(float(number))
    return found


def _one(value: str | float) -> tuple[list[str], list[float]]:
    """A value of a sequence as (printed, exact) lists for a Backing."""
    return ([value], []) if isinstance(value, str) else ([], [value])


def _is_whole(printed: str) -> bool:
    value = Decimal(printed)
    return value == value.to_integral_value()


@dataclass
class Claims:
    """The numbers a page states, each with what may back it."""

    stated: list[Number]  # every number of the prose (checked or marked structural)
    skipped: list[Number]  # structural: math 1/2, or marked with <!-- structural: ... -->
    backing: list[Backing]  # for each stated number
    text: str = ""  # the prose they were read from

    def is_structural(self, number: Number, literal: str | None = None) -> bool:
        """Whether ``number`` (written as ``literal``, e.g. a planted typo) is skipped as structure."""
        literal = literal or number.literal
        value = float(literal.replace(",", "").replace("\u2212", "-"))
        return number.math and _structural_in_math(
            self.with_literal(number, literal), number._replace(value=value)
        )

    def with_literal(self, number: Number, literal: str) -> str:
        """The prose with ``number`` written as ``literal`` (a planted typo)."""
        return (
            self.text[: number.offset] + literal + self.text[number.offset + len(number.literal) :]
        )

    def breaks_arithmetic(self, number: Number, literal: str) -> bool:
        """Whether writing ``number`` as ``literal`` makes an equation of its formula false."""
        if not number.math:
            return False
        text = self.with_literal(number, literal)
        for span in _MATH.finditer(text):
            if span.start() <= number.offset < span.end():
                return bool(equations_that_fail(span.group(0)))
        return False


# In math, a 1 or a 2 that shapes a formula rather than states a result: a fraction's 1 or 2
# (\frac{1}{2}, \frac12, \frac{1}{2n}, \frac{n}{2}), a division by or of it (1 / \sqrt n,
# \eta / 2, -1/2), the all-ones vector \mathbf 1 and the zero vector \mathbf 0, 2\pi, and an
# off-by-one next to a symbol (n - 1, d + 1, 1 - \rho, 1 - 1.5/\kappa).
_MATH_STRUCTURE = re.compile(
    r"\\[dt]?frac\s*(?:\{[^{}]*\}\s*\{[^{}]*\}|\d\s*\d)"
    r"|(?<![\w.])(?:1|2)(?=\s*/)|/\s*(?:1|2)(?![\w.])"
    r"|\\mathbf\s*\{?\s*[01]|2\s*\\pi"
    r"|(?<=[a-zA-Z}])\s*[-+]\s*1(?![\w.])|(?<![\w.])1\s*-\s*(?=[a-zA-Z\\]|[\d.]+\s*/)"
)


# ... and a 0 that is a definition or a sign condition, not a result: the mean of
# \mathcal N(0, \sigma^2), and c > 0, \lambda \geq 0.
_MATH_ZERO = re.compile(r"\\mathcal\s*N\s*\(\s*0(?=\s*,)|(?:[<>]|\\[lg]eq?(?![a-z]))\s*0(?![\w.])")


def _structural_in_math(text: str, number: Number) -> bool:
    if abs(number.value) not in STRUCTURAL:
        return False
    end = number.offset + len(number.literal)
    window = (max(0, number.offset - 40), end + 40)
    if number.value == 0 and any(
        m.start() < end and number.offset < m.end() for m in _MATH_ZERO.finditer(text, *window)
    ):
        return True
    return any(
        m.start() < end and number.offset < m.end() and (number.value != 0 or "mathbf" in m[0])
        for m in _MATH_STRUCTURE.finditer(text, *window)
    )


def logical_lines(output: str) -> list[str]:
    """Printed output cut into lines, a value printed across lines (a tensor) kept whole."""
    lines, depth, start = [], 0, 0
    for at, char in enumerate(output):
        depth += (char in "([{") - (char in ")]}")
        if char == "\n" and depth <= 0:
            lines.append(output[start:at])
            start, depth = at + 1, 0
    return [*lines, output[start:]]


# A number that names one of the page's own items is an ordinal: "(exercise 3)", "equation 1",
# and the number of an exercise's bold title, "**2. Too large a learning rate.**".
_ORDINAL = re.compile(r"\b(?:[Ee]xercises?|[Ee]quations?|[Ss]ections?)[ \t]+\Z")
_BOLD_TITLE = re.compile(r"\*\*\d+\.\s")


def _is_ordinal(text: str, number: Number) -> bool:
    if number.offset >= 2 and _BOLD_TITLE.match(text, number.offset - 2):
        return True
    return _ORDINAL.search(text[max(0, number.offset - 16) : number.offset]) is not None


def claims_of(record: PageRecord) -> Claims:
    """Bind every number of a page's prose to the blocks of its section (and the sections it sees)."""
    prose = prose_of(record.document)
    starts = sorted(prose.headings)

    def section(line: int) -> int:
        """The line of the heading that opens the section (0: before the first heading)."""
        return max((h for h in starts if h <= line), default=0)

    by_section: dict[int, list[tuple[int, Backing]]] = {}
    units: dict[int, list[tuple[str, Backing]]] = {}  # section -> what from: labels can name
    for block in blocks_of(record.document):
        if prose.sources:
            units.setdefault(section(block.line), []).extend(_units(block, record))
        output = record.outputs.get(block.line, "")
        backing = Backing(printed_in(output))
        backing.sequences += [list(printed_in(line)) for line in logical_lines(output)]
        for source in block.sources():
            backing.exact += code_numbers(source) + asserted_numbers(source)
            backing.sequences += code_sequences(source)
        by_section.setdefault(section(block.line), []).append((block.line, backing))
    titles = {title.strip().lower(): line for line, title in prose.headings.items()}

    keyed = _keyed_rows(prose.text, blocks_of(record.document), record.outputs, section)

    sources = [source for block in blocks_of(record.document) for source in block.sources()]
    code = _WHITESPACE.sub("", "\n".join(sources))
    keywords: dict[str, set[float]] = {}
    for source in sources:
        for name, values in keyword_values(source).items():
            keywords.setdefault(name, set()).update(values)
    spans = [m for m in _INLINE_CODE.finditer(prose.text) if _reads_as_code(m[1])]

    stated, skipped, backings = [], [], []
    numbers = prose_numbers(prose.text)
    # A tuple with a member marked structural ("(1000, 1)", 1 a shape) is checked number by number.
    loose = {
        (n.line, n.group)
        for n in numbers
        if n.literal.lstrip("-\u2212") in prose.structural.get(n.line, set())
    }
    for number in numbers:
        if (number.line, number.group) in loose:
            number = number._replace(group=())
        stated.append(number)
        if (
            (number.math and _structural_in_math(prose.text, number))
            or number.literal.lstrip("-\u2212") in prose.structural.get(number.line, set())
            or _is_ordinal(prose.text, number)
        ):
            skipped.append(number)
        near = by_section.get(section(number.line), [])
        for title in prose.see.get(number.line, []) + prose.section_see.get(
            section(number.line), []
        ):
            near = near + by_section.get(_section_titled(titles, title, record.document.path), [])
        backing = Backing()
        for _, found in near:
            backing.extend(found)
        if number.line in prose.sources:
            visible = [u for line, _ in near for u in units.get(section(line), [])]
            visible = list({id(u): u for u in visible}.values()) or units.get(
                section(number.line), []
            )
            backing = _named_backing(visible, prose.sources[number.line], record.document.path)
        span = next((m for m in spans if m.start(1) <= number.offset < m.end(1)), None)
        if span is not None:
            backing = CodeSpanBacking(
                span=span[1], at=number.offset - span.start(1), code=code, keywords=keywords
            )
        backings.append(_cell_backing(keyed, number, prose.text) or backing)
    return Claims(stated, skipped, backings, prose.text)


def _units(block: Block, record: PageRecord) -> list[tuple[str, Backing]]:
    """What a ``from:`` label can name: each example of a pycon block (its source and what it
    printed), or a block's printed lines and top-level statements, each with what it backs."""
    found = []
    for source, printed in record.examples.get(block.line, []):
        code = Backing(exact=code_numbers(source) + asserted_numbers(source))
        code.sequences += code_sequences(source)
        lines = [line for line in logical_lines(printed) if printed_in(line)]
        if len(lines) == 1:  # ">>> step.grad_w, step.grad_b" and "(-6.5, -4.0)": one unit
            code.printed += printed_in(lines[0])
            code.sequences.append(printed_in(lines[0]))
            lines = []
        found.append((source + "\n" + printed if not lines else source, code))
        for line in lines:  # a report: each of its lines on its own
            found.append((line, Backing(printed_in(line), sequences=[printed_in(line)])))
    if found:
        return found
    for line in logical_lines(record.outputs.get(block.line, "")):
        printed = printed_in(line)
        if printed:
            found.append((line, Backing(printed, sequences=[list(printed)])))
    for source in block.sources():
        with contextlib.suppress(SyntaxError):
            for statement in ast.parse(source).body:
                text = ast.get_source_segment(source, statement) or ""
                exact = code_numbers(text) + asserted_numbers(text)
                if exact:
                    found.append((text, Backing(exact=exact, sequences=code_sequences(text))))
    return found


def _named_backing(units: list[tuple[str, Backing]], labels: list[str], path: str) -> Backing:
    """What ``<!-- from: label | ... -->`` binds a paragraph's numbers to: only the printed lines
    and code statements of its section (and the sections it sees) that contain a label."""
    backing = Backing()
    for label in labels:
        named = [found for text, found in units if label in text]
        assert named, f"{path}: <!-- from: {label} --> names no printed line or code of its section"
        for found in named:
            backing.extend(found)
    return backing


_ROW = re.compile(r"^[ \t]*\|(?P<key>[^|]*)\|(?P<rest>.*\|)[ \t]*$")


def _keyed_rows(
    prose: str, blocks: list[Block], outputs: dict[int, str], section: Any
) -> dict[int, Backing]:
    """Table rows bound to the code and output lines that name them: line -> their backing.

    A row whose first cell (``| norris | 2–4 | ...``) is a dictionary key of its section's code
    (``"norris": [(2, 4), ...]``) or starts a printed line (``norris  2.1  13.2``) is backed by
    those lines only, not by the whole section: a typo that puts another row's value in a cell
    is caught.
    """
    rows: dict[int, Backing] = {}
    for number, line in enumerate(prose.split("\n"), start=1):
        row = _ROW.match(line)
        key = row and re.sub(r"[`*_\s]+", " ", row["key"]).strip()
        if not row or not key or not re.search(r"\d", row["rest"]) or set(key) <= set("-: "):
            continue
        backing, found, cells = Backing(), False, row["rest"].split("|")[:-1]
        entry = re.compile(rf"""["']{re.escape(key)}["']\s*:(?P<value>.*)""")
        start = re.compile(rf"^\s*{re.escape(key)}(?![\w.])(?P<value>.*)", re.IGNORECASE)
        for block in blocks:
            if section(block.line) != section(number):
                continue
            for code in block.source.split("\n"):
                match = entry.search(code)
                if match:
                    found = True
                    backing.exact += values_in(match["value"])
                    backing.cells = _entry_cells(match["value"], len(cells)) or backing.cells
            for printed in outputs.get(block.line, "").split("\n"):
                match = start.match(printed)
                if match:
                    found = True
                    backing.printed += printed_in(match["value"])
        if found:
            rows[number] = backing
    return rows


def _entry_cells(value: str, count: int) -> list[Backing] | None:
    """One backing per cell when a dictionary entry lists exactly one value per cell of its row."""
    with contextlib.suppress(ValueError, SyntaxError):
        entry = ast.literal_eval(value.strip().rstrip(",").strip())
        if isinstance(entry, (list, tuple)) and len(entry) == count:
            return [Backing(exact=values_in(repr(item))) for item in entry]
    return None


def _cell_backing(rows: dict[int, Backing], number: Number, prose: str) -> Backing | None:
    """The backing of a keyed row's number: its own cell's entry where the entry has one per cell."""
    backing = rows.get(number.line)
    if backing is None or not backing.cells:
        return backing
    line_start = prose.rfind("\n", 0, number.offset) + 1
    cell = prose.count("|", line_start, number.offset) - 2  # after "| key |"
    if 0 <= cell < len(backing.cells):
        exact = backing.cells[cell].exact
        return Backing(backing.printed, exact, sequences=[list(exact)])
    return backing


def _section_titled(titles: dict[str, int], title: str, path: str) -> int:
    line = titles.get(title.strip().lower())
    assert line is not None, f"{path}: <!-- see: {title} --> names no heading of the page"
    return line


def unbacked(claims: Claims, name: str) -> list[str]:
    """``"page:line: 'literal'"`` for every stated number nothing in its section backs."""
    return [
        f"{name}:{number.line}: {number.literal!r}"
        for number, backing in zip(claims.stated, claims.backing, strict=True)
        if number not in claims.skipped and not backing.backs(number)
    ]


def check_numbers(example: Example) -> str | None:
    """The ``numbers`` region: every number the prose states is backed in its section."""
    check: NumbersCheck = example.parsed
    record = record_of(example.document)
    code = blocks_of(example.document)
    if record.failed:
        lines = ", ".join(map(str, record.failed))
        return f"{check.page}: numbers not checked: the blocks at lines {lines} failed"
    missing = [b.line for b in code if b.line not in record.outputs]
    if missing:
        return (
            f"{check.page}: numbers not checked: the blocks at lines {missing} did not run "
            "(run the whole page)"
        )
    claims = claims_of(record)
    bad = unbacked(claims, check.page)
    bad += [
        f"{check.page}:{_line(claims.text, offset)}: {equation!r} does not hold"
        for offset, equation in equations_that_fail(claims.text)
    ]
    if bad:
        return (
            "numbers stated in prose or math that no block of their section prints or sets, "
            "or arithmetic in math that does not hold:\n  "
            + "\n  ".join(bad)
            + "\nprint them in a pycon block of the section (or assert them in a hidden block / "
            "hide-cell), fix the text, or mark them (<!-- structural: N --> for an index or a "
            "count of items, <!-- see: Heading --> for a result another section computes)"
        )
    # Every page states numbers; none found means a broken parser, not a clean page.
    if not claims.stated:
        return f"{check.page}: no numbers found in the prose; is the parser broken?"
    return None
