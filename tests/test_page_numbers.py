r"""Every number a page states in prose or math must be printed or set by the page's own code.

Every page in the nav is checked, with no opt-out: the Markdown pages and the notebooks
(jupytext percent ``.py`` files). The test runs a page's code in order in one namespace, as the
page tests do — for a Markdown page its ``python``, ``pycon`` and hidden
``invisible-code-block`` blocks; for a notebook its code cells, ``hide-cell`` asserts included,
with a cell's last expression shown as Jupyter shows it. A number is *backed* when

* the code prints it (the output of ``pycon`` examples, anything printed, a cell's displayed
  value);
* it is a numeric literal of the executed code: an input the page sets (``lr=0.06``,
  ``num_examples=1000``) or a value an assert compares with (``assert len(xb) == 8``). The test
  runs that code, so the number is stated by code, not typed by hand. Literals in strings and
  comments do not count, except
* a string that an ``assert`` compares with a computed value: ``assert f"{loss:.3f}" ==
  "1.045"`` pins 1.045 as the prose writes it.

The test fails on every number outside code — prose, headings, inline code, ``$...$`` and
``$$...$$`` math, a notebook's markdown cells and figure alt text — that nothing backs. Read as
the reader reads them: "4,417" is one number, "20 %" is 20 or 0.2, ``10^{-5}`` is 1e-5 and
``6 \cdot 10^{-8}`` is 6e-8. Not claims, so skipped: sub- and superscripts in math
(``x^{(1)}``, ``\sum_{i=1}``, ``r^2``), equation tags, list markers, link targets, and in
math only the structural 1 and 2 of ``STRUCTURAL``.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import doctest
import io
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import jupytext
import pytest
from _nav import DOCS, nav_pages

from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

NOTEBOOK_SUFFIX = ".py"
# The worked-example pages state the fields of the package's results for their problems.
WORKED_EXAMPLES = frozenset({"examples/sgd-update.md", "examples/normal-equation.md"})

# Numbers that structure formulas rather than state a result, skipped in math only: 1 and 2
# (the ½ of the loss written \frac{1}{2}, 1/|B|, d/2 epochs, a 2 x 2 matrix). In prose they
# are checked like any other number ("about 1 %" is a claim).
STRUCTURAL = frozenset({1.0, 2.0})

# Two printed forms of one float (0.65 vs 0.6500000000000001) differ by a few ulps. No absolute
# tolerance: "1e-12" in prose is not backed by a printed 0.
REL_TOL = 1e-9

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
_INVISIBLE = re.compile(r"^\s*invisible-code(?:-block)?:\s*python\s*\n(?P<code>.*)$", re.DOTALL)
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
]


@dataclass(frozen=True)
class Block:
    language: str  # "python" or "pycon"
    source: str
    line: int  # 1-based line of the opening fence (or comment)


@dataclass(frozen=True)
class Report:
    bad: list[str]  # "page:line: 'literal'" for every number nothing backs
    stated: int  # how many numbers the prose states (all of them checked)


# ---- Markdown pages ----------------------------------------------------------------------------


def split_page(text: str) -> tuple[str, list[Block]]:
    """Separate a Markdown page into its prose (code and comments blanked) and its code blocks."""
    lines = text.split("\n")
    prose: list[str] = []
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            prose.append(lines[i])
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = i + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        body = "\n".join(line[indent:] for line in lines[i + 1 : end])
        language = match["info"].split()[0] if match["info"].strip() else ""
        if language in ("python", "pycon"):
            blocks.append(Block(language, textwrap.dedent(body), i + 1))
        prose.extend([""] * (end + 1 - i))
        i = end + 1
    return _comments_out("\n".join(prose), text, blocks), sorted(blocks, key=lambda b: b.line)


def _comments_out(prose: str, text: str, blocks: list[Block]) -> str:
    """Blank HTML comments in the prose; collect invisible code blocks from the page text."""
    for match in _COMMENT.finditer(text):
        code = _INVISIBLE.match(match["body"])
        if code:
            line = text.count("\n", 0, match.start()) + 1
            blocks.append(Block("python", textwrap.dedent(code["code"]), line))
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), prose)


def _sources(block: Block, name: str) -> list[str]:
    """The Python source of a block: the whole block, or each `>>>` example of a pycon block."""
    if block.language == "python":
        return [block.source]
    parser = doctest.DocTestParser()
    return [example.source for example in parser.get_examples(block.source, name)]


def run_blocks(blocks: list[Block], name: str) -> str:
    """Run the blocks in order in one namespace; return everything they printed."""
    namespace: dict[str, Any] = {"__name__": "__page__"}
    out = io.StringIO()
    for block in blocks:
        filename = f"{name}:{block.line}"
        if block.language == "python":
            with contextlib.redirect_stdout(out):
                exec(compile(block.source, filename, "exec"), namespace)
            continue
        for example in doctest.DocTestParser().get_examples(block.source, filename):
            _run_example(example, namespace, filename, out)
    return out.getvalue()


def _run_example(
    example: doctest.Example, namespace: dict[str, Any], filename: str, out: io.StringIO
) -> None:
    code = compile(example.source, filename, "single")  # echoes expression values, like doctest
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    except Exception as exc:
        if example.exc_msg is None:
            raise
        out.write(f"{type(exc).__name__}: {exc}\n")


def unchecked_numbers(text: str, name: str, extra: Sequence[float] = ()) -> Report:
    """The numbers a Markdown page states that its code neither prints nor sets."""
    prose, blocks = split_page(text)
    printed = values_in(run_blocks(blocks, name))
    sources = [source for block in blocks for source in _sources(block, name)]
    code = [n for source in sources for n in code_numbers(source) + asserted_numbers(source)]
    backed = printed + code + list(extra)
    return _report(prose_numbers(prose), backed, name)


# ---- notebooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notebook:
    prose: str  # the markdown cells and figure alt texts at their lines of the .py file
    cells: list[tuple[int, str]]  # (1-based line of the `# %%` header, source) of each code cell


_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)


def split_notebook(path: Path) -> Notebook:
    """Read a jupytext percent notebook: its prose aligned with the file's lines, its code cells."""
    file_lines = path.read_text(encoding="utf-8").split("\n")
    headers = [i for i, line in enumerate(file_lines) if line.startswith("# %%")]
    cells = jupytext.read(path).cells
    assert len(headers) == len(cells), f"{path}: {len(headers)} `# %%` lines, {len(cells)} cells"
    prose = [""] * len(file_lines)
    code: list[tuple[int, str]] = []
    for header, cell in zip(headers, cells, strict=True):
        prose[header] = str(cell.metadata.get("alt", ""))  # alt text is read out as prose
        if cell.cell_type == "code":
            # jupytext uncomments magics (`# %matplotlib inline`); as a script they are comments.
            code.append((header + 1, _MAGIC.sub(r"# \g<0>", cell.source)))
            continue
        for k, line in enumerate(cell.source.split("\n")):
            # A percent-format markdown line is the text behind "# " (or a bare "#").
            assert file_lines[header + 1 + k] in (f"# {line}", "#"), (path, header + 1 + k)
            prose[header + 1 + k] = line
    text, _ = split_page("\n".join(prose))  # drop fenced blocks and comments in markdown cells
    return Notebook(text, code)


def run_cells(cells: list[tuple[int, str]], path: Path) -> str:
    """Run the code cells in order in one namespace, as the reader's Jupyter does; return the output.

    Everything printed is collected, and a cell's last expression (unless it ends with ``;``) is
    shown as Jupyter shows it: its ``repr``. Tracebacks point at the lines of the .py file.
    """
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(path)}
    out = io.StringIO()
    with contextlib.chdir(path.parent), contextlib.redirect_stdout(out):
        for header, source in cells:
            tree = ast.parse(source, str(path))
            ast.increment_lineno(tree, header)
            shown = tree.body and isinstance(tree.body[-1], ast.Expr)
            shown = shown and not source.rstrip().endswith(";")
            body = tree.body[:-1] if shown else tree.body
            exec(compile(ast.Module(body, type_ignores=[]), str(path), "exec"), namespace)
            if shown:
                last = ast.Expression(tree.body[-1].value)  # type: ignore[attr-defined]
                value = eval(compile(last, str(path), "eval"), namespace)
                if value is not None:
                    print(repr(value))
    return out.getvalue()


def unchecked_notebook_numbers(path: Path, name: str) -> Report:
    """The numbers a notebook's markdown states that its code neither prints nor sets."""
    import matplotlib.pyplot as plt

    notebook = split_notebook(path)
    try:
        printed = values_in(run_cells(notebook.cells, path))
    finally:
        plt.close("all")
    sources = [source for _, source in notebook.cells]
    code = [n for source in sources for n in code_numbers(source) + asserted_numbers(source)]
    backed = printed + code
    return _report(prose_numbers(notebook.prose), backed, name)


# ---- numbers ---------------------------------------------------------------------------------


class Number(NamedTuple):
    line: int  # 1-based, in the text it was found in
    literal: str  # as written: "-6.5", "4,417", "1e-5"
    value: float
    percent: bool  # followed by "%" (or "\\%" in math): "20 %" also reads as 0.2
    offset: int  # where it starts in the text
    math: bool = False  # inside $...$ or $$...$$


def numbers_in(text: str) -> list[Number]:
    """Every numeric literal of ``text``."""
    found = []
    for match in _NUMBER.finditer(text):
        value = float(match["digits"].replace(",", "")) * (-1.0 if match["sign"] else 1.0)
        percent = _PERCENT.match(text, match.end()) is not None
        line = text.count("\n", 0, match.start()) + 1
        found.append(Number(line, match.group(0), value, percent, match.start()))
    return found


def values_in(text: str) -> list[float]:
    return [number.value for number in numbers_in(text)]


def code_numbers(source: str) -> list[float]:
    """The numeric literals of Python code, with their sign (``-3.4``), not those in strings.

    Expressions inside f-strings are code too (``f"{lr * 2:.1f}"`` states 2), and a power of
    two literals is the number it spells: ``10**7`` states 1e7, as ``$10^{7}$`` does in math.
    """
    values: list[float] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            base, exponent = _number(node.left), _number(node.right)
            if base is not None and exponent is not None:
                with contextlib.suppress(OverflowError, ZeroDivisionError):
                    values.append(float(base**exponent))
        value = _number(node)
        if value is not None:
            values.append(value)
    return values


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
    """The numbers stated by the prose and math of a page (code blanked by split_page).

    Every rewrite keeps the length of the text, so offsets (math or not) and lines stay valid.
    """
    for pattern in _SKIP_IN_PROSE:
        prose = pattern.sub(_blank, prose)
    math_spans = [match.span() for match in _MATH.finditer(prose)]
    prose = _POWER_OF_TEN.sub(_scientific, prose)
    prose = _SCRIPT.sub(_blank, prose)
    found = []
    for number in numbers_in(prose):
        in_math = any(start <= number.offset < end for start, end in math_spans)
        found.append(number._replace(math=in_math))
    return found


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _scientific(power: re.Match[str]) -> str:
    exponent = (power["braced"] or power["bare"]).replace("\u2212", "-")
    number = f"{power['mantissa'] or 1}e{exponent}"  # always shorter than the power
    return number.ljust(len(power.group(0)))


def result_values() -> list[float]:
    """Every number of the default worked-example results (the page problems)."""
    values: list[float] = []
    for result in (sgd_update(), normal_equation_no_bias()):
        for field in dataclasses.fields(result):
            value = getattr(result, field.name)
            values.extend(value if isinstance(value, tuple) else [value])
    return values


def _is_backed(number: Number, backed: Iterable[float]) -> bool:
    """A literal with a sign must match a backed value with that sign; "0.4" also matches -0.4."""
    if number.math and abs(number.value) in STRUCTURAL:
        return True
    values = [number.value, number.value / 100] if number.percent else [number.value]
    signs = [1.0] if number.literal[0] in "-\u2212" else [1.0, -1.0]
    return any(
        math.isclose(sign * value, v, rel_tol=REL_TOL)
        for value in values
        for sign in signs
        for v in backed
    )


def _report(stated: list[Number], backed: list[float], name: str) -> Report:
    bad = [
        f"{name}:{number.line}: {number.literal!r}"
        for number in stated
        if not _is_backed(number, backed)
    ]
    return Report(bad, len(stated))


# ---- every page of the nav -------------------------------------------------------------------


def check_page(page: str) -> Report:
    path, name = DOCS / page, f"docs/{page}"
    if page.endswith(NOTEBOOK_SUFFIX):
        return unchecked_notebook_numbers(path, name)
    extra = result_values() if page in WORKED_EXAMPLES else ()
    return unchecked_numbers(path.read_text(encoding="utf-8"), name, extra)


@pytest.mark.parametrize("page", nav_pages())
def test_every_number_on_the_page_is_printed_or_set_by_its_code(page: str) -> None:
    assert page.endswith((".md", NOTEBOOK_SUFFIX)), f"{page}: no number check for this kind of page"
    report = check_page(page)
    assert not report.bad, (
        "numbers stated in prose or math that the page's code neither prints nor sets:\n  "
        + "\n  ".join(report.bad)
        + "\nprint them in a pycon block (or assert them in a hidden block / hide-cell), "
        "or fix the text"
    )
    # Every page states numbers; none found means a broken parser, not a clean page.
    assert report.stated >= 1, f"docs/{page}: no numbers found in the prose; is the parser broken?"


# ---- the checker itself ----------------------------------------------------------------------

GOOD_PAGE = """\
# Toy

Train on 1,000 examples with $\\eta = 0.06$, keeping 20 % for validation.
The step is $w \\leftarrow 0 - 0.1 \\cdot (-6.5) = 0.65$ and $r^{(2)} = -5$, with
$\\sum_{i=1}^{3} x_i^2$, $\\frac{1}{2}$, a tolerance of $10^{-5}$ and loss 8.5 (see [the other page](other-7.md)).

```python
num_examples, lr, val_fraction = 1000, 0.06, 0.2  # settings the reader sees being set
tolerance = 10**-5
label = "lr 0.07"  # a string states nothing
# and neither does a comment: 0.08
```

```pycon
>>> w, r, loss = 0.1 * 6.5, -5, 8.5
>>> w, r, -6.5, loss
(0.65, -5, -6.5, 8.5)
```

<!-- invisible-code-block: python
print("hidden", 0)
assert f"{0.9 ** 0.5:.2f}" == "0.95"
-->

??? success "Solution"
    ```pycon
    >>> 3 * 11
    33
    ```

```bash
train --lr 0.09  # not run: states nothing
```

1. A list item says 33, an inline `x = 33`, and a hidden assert pins 0.95.
"""


def test_checker_accepts_a_page_whose_numbers_are_printed_or_set() -> None:
    report = unchecked_numbers(GOOD_PAGE, "good.md")
    assert report.bad == []
    # 1,000 0.06 20 | 0 0.1 -6.5 0.65 -5 | 1 2 1e-5 8.5 | 33 33 0.95: the "7" of the link,
    # the indices and the list marker are skipped.
    assert report.stated == 15


@pytest.mark.parametrize(
    ("wrong", "reported", "literal"),
    [
        ("= 0.65$", "= 0.56$", "0.56"),  # a typo in math
        ("loss 8.5", "loss 8.6", "8.6"),  # a wrong number in prose
        ("= -5$", "= 5.5$", "5.5"),  # a number no block prints or sets
        ("says 33", "says -33", "-33"),  # a sign the code does not print
        ("`x = 33`", "`x = 34`", "34"),  # inline code is checked too
        ("\\eta = 0.06", "\\eta = 0.07", "0.07"),  # in the code only inside a string
        ("\\eta = 0.06", "\\eta = 0.08", "0.08"),  # in the code only in a comment
        ("\\eta = 0.06", "\\eta = 0.09", "0.09"),  # only in a block that does not run
        ("1,000 examples", "1,001 examples", "1,001"),  # grouped digits are one number
        ("20 %", "30 %", "30"),  # a percentage is its value or a hundredth of it
        ("10^{-5}", "10^{-6}", "1e-6"),  # a power of ten is the number it spells
        ("pins 0.95", "pins 0.96", "0.96"),  # an assert pins only the string it compares
        ("loss 8.5", "loss 1e-12", "1e-12"),  # a tiny number is not backed by a printed 0
    ],
)
def test_checker_reports_a_number_that_nothing_prints_or_sets(
    wrong: str, reported: str, literal: str
) -> None:
    assert wrong in GOOD_PAGE
    report = unchecked_numbers(GOOD_PAGE.replace(wrong, reported, 1), "bad.md")
    assert len(report.bad) == 1 and report.bad[0].endswith(repr(literal)), report.bad


def test_a_prose_number_that_is_neither_in_the_code_nor_in_its_output_fails() -> None:
    page = "Set $\\eta = {}$ and see {}.\n\n```pycon\n>>> lr = 0.03\n>>> print(lr * 2)\n0.06\n```\n"
    assert unchecked_numbers(page.format("0.03", "0.06"), "ok.md").bad == []
    report = unchecked_numbers(page.format("0.04", "0.05"), "bad.md")
    assert report.bad == ["bad.md:1: '0.04'", "bad.md:1: '0.05'"]


def test_one_and_two_are_structural_in_math_only() -> None:
    page = "The loss $\\frac{1}{2} r^2$ of a $2 \\times 2$ system; about 1 % of 2 runs.\n"
    report = unchecked_numbers(page, "structural.md")
    assert report.bad == ["structural.md:1: '1'", "structural.md:1: '2'"]
    assert report.stated == 6  # 1 2 (the ½), 2 2, 1 2


def test_code_numbers_are_the_literals_of_the_code() -> None:
    source = (
        'w = [2, -3.4]\nx = 10**7 - 3 ** -1\ny = f"{lr * 5:.1f}"  # 6\nz = "7" if True else 8.0\n'
    )
    assert sorted(code_numbers(source)) == sorted(
        [2, -3.4, 3.4, 10**7, 10, 7, 3**-1, 3, -1, 1, 5, 8.0]
    )


def test_asserted_numbers_come_from_strings_compared_with_a_computed_value() -> None:
    assert asserted_numbers('assert f"{x:.1f}" == "0.9" and ok') == [0.9]
    assert asserted_numbers('assert ranges == ("19.0", "79")') == [19.0, 79.0]
    assert asserted_numbers('assert "0.9" == "0.9"') == []  # compares nothing computed
    assert asserted_numbers('label = "0.9"\nassert x != "0.8"') == []  # not pinned by ==


def test_checker_catches_a_typo_on_the_real_worked_example_page() -> None:
    text = (DOCS / "examples/sgd-update.md").read_text(encoding="utf-8")
    typo = r"w \leftarrow 0 - 0.1 \cdot (-6.5) = 0.65"
    assert typo in text
    report = unchecked_numbers(text.replace(typo, typo.replace("0.65", "0.56")), "typo.md")
    assert len(report.bad) == 1 and report.bad[0].endswith("'0.56'"), report.bad


def test_checker_reports_the_line_of_a_wrong_number() -> None:
    report = unchecked_numbers(GOOD_PAGE.replace("loss 8.5", "loss 9.25"), "bad.md")
    assert report.bad == ["bad.md:5: '9.25'"]


def test_checker_finds_blocks_inside_admonitions_and_hidden_blocks() -> None:
    prose, blocks = split_page(GOOD_PAGE)
    assert [(b.language, b.line) for b in blocks] == [
        ("python", 7),
        ("pycon", 14),
        ("python", 20),
        ("pycon", 26),
    ]
    assert "print" not in prose and ">>>" not in prose and "--lr" not in prose


def test_checker_fails_when_a_block_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        unchecked_numbers("Text 1.\n\n```pycon\n>>> 1 / 0\n0\n```\n", "raises.md")


GOOD_NOTEBOOK = """\
# %% [markdown]
# # Toy notebook
#
# We train with $\\eta = 0.06$ and the loss ends at 0.25.

# %%
# %matplotlib inline
lr = 0.06
loss = 0.5 * 0.5
print(f"loss {loss}")

# %% [markdown]
# The cell below shows 42, and a hidden cell pins 0.95.

# %%
6 * 7

# %% tags=["hide-cell"]
assert f"{0.9 ** 0.5:.2f}" == "0.95"

# %% alt="A list of 3 points"
points = [3, 4, 5]
points
"""


@pytest.mark.parametrize(
    ("wrong", "reported", "where"),
    [
        ("ends at 0.25", "ends at 0.26", "toy.py:4: '0.26'"),  # printed output
        ("shows 42", "shows 43", "toy.py:13: '43'"),  # a cell's displayed value
        ("pins 0.95", "pins 0.96", "toy.py:13: '0.96'"),  # a hide-cell assert
        ("\\eta = 0.06", "\\eta = 0.6", "toy.py:4: '0.6'"),  # the code's inputs
        ("of 3 points", "of 9 points", "toy.py:21: '9'"),  # figure alt text is prose
    ],
)
def test_notebook_checker(tmp_path: Path, wrong: str, reported: str, where: str) -> None:
    path = tmp_path / "toy.py"
    path.write_text(GOOD_NOTEBOOK, encoding="utf-8")
    report = unchecked_notebook_numbers(path, "toy.py")
    assert report.bad == [] and report.stated == 5, report  # 0.06 0.25 42 0.95 3
    assert wrong in GOOD_NOTEBOOK
    path.write_text(GOOD_NOTEBOOK.replace(wrong, reported), encoding="utf-8")
    assert unchecked_notebook_numbers(path, "toy.py").bad == [where]


def test_checker_catches_a_typo_in_a_real_notebook(tmp_path: Path) -> None:
    text = (DOCS / "implementation/scratch.py").read_text(encoding="utf-8")
    claim = r"$\frac12 \sigma^2 = 0.00005$"
    assert claim in text
    path = tmp_path / "scratch.py"
    path.write_text(text.replace(claim, claim.replace("0.00005", "0.00007")), encoding="utf-8")
    report = unchecked_notebook_numbers(path, "typo.py")
    assert len(report.bad) == 1 and report.bad[0].endswith("'0.00007'"), report.bad


def test_the_worked_example_results_hold_the_hand_derived_numbers() -> None:
    values = result_values()
    for number in (-6.5, -4.0, 0.65, 0.4, 8.5, 5.0, 8.0, 1.6, -0.4, 0.2):
        assert any(math.isclose(number, v, rel_tol=REL_TOL) for v in values), number
