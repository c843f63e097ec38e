"""Every number a checked page states in prose or math must be printed by the page's own code.

A page is checked when it is one of the worked examples or carries the marker
``<!-- numbers-checked -->``. The test runs the page's code blocks in order in one namespace (as
the page tests do), collects every number the blocks print (the output of ``pycon`` examples and
anything ``python`` blocks print), adds the fields of the default worked-example results, and
fails on any numeric literal outside code blocks — prose, headings, inline code, ``$...$`` and
``$$...$$`` math — that is not among them. Index-like numbers in math (sub- and superscripts:
``x^{(1)}``, ``\\sum_{i=1}``, ``r^2``) are not claims and are skipped; so are the few structural
numbers in ``STRUCTURAL``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import doctest
import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ALWAYS_CHECKED = ["examples/sgd-update.md", "examples/normal-equation.md"]
MARKER = "<!-- numbers-checked -->"

# Numbers that structure formulas and text rather than state a result: 1 and 2 (the ½ of the
# loss written \frac{1}{2}, 1/|B| with |B| = 2, "(1, 2)"-style example indices in prose).
STRUCTURAL = frozenset({1.0, 2.0})

# Two printed forms of one float (0.65 vs 0.6500000000000001) differ by a few ulps.
REL_TOL = 1e-9

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
_INVISIBLE = re.compile(r"^\s*invisible-code(?:-block)?:\s*python\s*\n(?P<code>.*)$", re.DOTALL)
# A number: optional sign (a minus glued to the digits: "-3", "(-0.4)", "\u2212 5"), digits,
# optional decimals and exponent. It must not continue an identifier or a longer number
# (float64, x_1, 1.5.2).
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-\u2212](?=\d))?(?P<digits>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.]\d)"
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
    example: doctest.Example, namespace: dict, filename: str, out: io.StringIO
) -> None:
    code = compile(example.source, filename, "single")  # echoes expression values, like doctest
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    except Exception as exc:
        if example.exc_msg is None:
            raise
        out.write(f"{type(exc).__name__}: {exc}\n")


def numbers_in(text: str) -> list[tuple[int, str, float]]:
    """Every numeric literal of ``text`` as (line, literal, value)."""
    found = []
    for match in _NUMBER.finditer(text):
        literal = match.group(0)
        value = float(match["digits"]) * (-1.0 if match["sign"] else 1.0)
        found.append((text.count("\n", 0, match.start()) + 1, literal, value))
    return found


def prose_numbers(prose: str) -> list[tuple[int, str, float]]:
    """The numbers stated by the prose and math of a page (code blanked by split_page)."""
    for pattern in _SKIP_IN_PROSE:
        prose = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), prose)
    prose = _SCRIPT.sub("", prose)
    return numbers_in(prose)


def result_values() -> list[float]:
    """Every number of the default worked-example results (the page problems)."""
    values: list[float] = []
    for result in (sgd_update(), normal_equation_no_bias()):
        for field in dataclasses.fields(result):
            value = getattr(result, field.name)
            values.extend(value if isinstance(value, tuple) else [value])
    return values


def _is_stated(value: float, literal: str, printed: list[float]) -> bool:
    """A literal with a sign must match a printed value with that sign; "0.4" also matches -0.4."""
    if abs(value) in STRUCTURAL:
        return True
    candidates = [value] if literal[0] in "-\u2212" else [value, -value]
    return any(
        math.isclose(c, v, rel_tol=REL_TOL, abs_tol=REL_TOL) for c in candidates for v in printed
    )


def unchecked_numbers(text: str, name: str, extra: Sequence[float] = ()) -> tuple[list[str], int]:
    """The numbers of a page that its code does not print; and how many numbers were checked."""
    prose, blocks = split_page(text)
    printed = [value for _, _, value in numbers_in(run_blocks(blocks, name))] + list(extra)
    stated = prose_numbers(prose)
    bad = [
        f"{name}:{line}: {literal!r}"
        for line, literal, value in stated
        if not _is_stated(value, literal, printed)
    ]
    return bad, len(stated)


def checked_pages() -> list[str]:
    opted_in = [
        str(path.relative_to(DOCS))
        for path in sorted(DOCS.rglob("*.md"))
        if MARKER in path.read_text(encoding="utf-8")
    ]
    return sorted(set(ALWAYS_CHECKED) | set(opted_in))


@pytest.mark.parametrize("page", checked_pages())
def test_every_number_on_the_page_is_printed_by_its_code(page: str) -> None:
    path = DOCS / page
    bad, count = unchecked_numbers(
        path.read_text(encoding="utf-8"), f"docs/{page}", result_values()
    )
    assert not bad, (
        "numbers stated in prose or math that no code block on the page prints:\n  "
        + "\n  ".join(bad)
        + "\nprint them in a pycon block (or a hidden block), or fix the text"
    )
    # A page that opted in must actually state numbers; an empty count means a broken parser.
    assert count >= 5, (
        f"docs/{page}: only {count} numbers found in the prose; is the parser broken?"
    )


# ---- the checker itself ----------------------------------------------------------------------

GOOD_PAGE = """\
# Toy

<!-- numbers-checked -->
The step is $w \\leftarrow 0 - 0.1 \\cdot (-6.5) = 0.65$ and $r^{(2)} = -5$, with
$\\sum_{i=1}^{3} x_i^2$ and loss 8.5 (see [the other page](other-7.md)).

```pycon
>>> w, r, lr, loss = 0.1 * 6.5, -5, 0.1, 8.5
>>> w, r, lr, -6.5, loss
(0.65, -5, 0.1, -6.5, 8.5)
```

<!-- invisible-code-block: python
print("hidden", 0)
-->

??? success "Solution"
    ```pycon
    >>> 3 * 11
    33
    ```

1. A list item says 33 and an inline `x = 33`.
"""


def test_checker_accepts_a_page_whose_numbers_are_printed() -> None:
    bad, count = unchecked_numbers(GOOD_PAGE, "good.md")
    assert bad == []
    # 0, 0.1, -6.5, 0.65, -5, 8.5, 33, 33: the "7" of the link and the indices are skipped.
    assert count == 8


@pytest.mark.parametrize(
    ("wrong", "reported"),
    [
        ("= 0.65$", "= 0.56$"),  # a typo in math
        ("loss 8.5", "loss 8.6"),  # a wrong number in prose
        ("= -5$", "= 5.5$"),  # a number no block prints
        ("says 33", "says -33"),  # a sign the code does not print
        ("`x = 33`", "`x = 34`"),  # inline code is checked too
    ],
)
def test_checker_reports_a_wrong_number(wrong: str, reported: str) -> None:
    assert wrong in GOOD_PAGE
    bad, _ = unchecked_numbers(GOOD_PAGE.replace(wrong, reported, 1), "bad.md")
    literal = reported.strip("=$` ").split()[-1]
    assert len(bad) == 1 and bad[0].endswith(repr(literal)), bad


def test_checker_catches_a_typo_on_the_real_worked_example_page() -> None:
    text = (DOCS / "examples/sgd-update.md").read_text(encoding="utf-8")
    typo = r"w \leftarrow 0 - 0.1 \cdot (-6.5) = 0.65"
    assert typo in text
    bad, _ = unchecked_numbers(text.replace(typo, typo.replace("0.65", "0.56")), "typo.md")
    assert len(bad) == 1 and bad[0].endswith("'0.56'"), bad


def test_checker_reports_the_line_of_a_wrong_number() -> None:
    bad, _ = unchecked_numbers(GOOD_PAGE.replace("loss 8.5", "loss 9.25"), "bad.md")
    assert bad == ["bad.md:5: '9.25'"]


def test_checker_finds_blocks_inside_admonitions_and_hidden_blocks() -> None:
    prose, blocks = split_page(GOOD_PAGE)
    assert [(b.language, b.line) for b in blocks] == [("pycon", 7), ("python", 13), ("pycon", 18)]
    assert "print" not in prose and ">>>" not in prose


def test_checker_fails_when_a_block_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        unchecked_numbers("Text 1.\n\n```pycon\n>>> 1 / 0\n0\n```\n", "raises.md")


def test_the_worked_example_results_hold_the_hand_derived_numbers() -> None:
    values = result_values()
    for number in (-6.5, -4.0, 0.65, 0.4, 8.5, 5.0, 8.0, 1.6, -0.4, 0.2):
        assert any(math.isclose(number, v, rel_tol=REL_TOL) for v in values), number
