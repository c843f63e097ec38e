r"""Every number a page states must be backed by its own section's code: the checker and its proof.

The check itself runs as the last test of each page (``docs/<page>::numbers``, see
tests/_pages.py), on the output the page's blocks recorded while they ran. This file tests the
checker on toy pages, proves each page ran once per session, and plants a single-digit typo in
every number of every page in the nav to measure how many the check catches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from _nav import nav_notebooks, nav_pages
from _pages import (
    DOCS,
    EXECUTIONS,
    Claims,
    PageSybil,
    agrees_to_stated_digits,
    arithmetic,
    asserted_numbers,
    blocks_of,
    claims_of,
    code_numbers,
    code_sequences,
    decimals,
    equations_that_fail,
    logical_lines,
    prose_of,
    run_page,
    run_text,
    unbacked,
)

SYBIL = PageSybil(notebooks=nav_notebooks())


@dataclass(frozen=True)
class Report:
    bad: list[str]  # "page:line: 'literal'" for every number nothing backs
    stated: int  # how many numbers the prose states (all of them checked or marked)


def unchecked_numbers(text: str, name: str, tmp: Path | None = None) -> Report:
    """Run a page given as text (fresh namespace) and check its numbers."""
    path = (tmp or Path("/nonexistent")) / name
    if path.suffix == ".py":
        path.write_text(text, encoding="utf-8")  # the notebook runs in its folder
    record = run_text(text, path, SYBIL)
    claims = claims_of(record)
    return Report(unbacked(claims, name), len(claims.stated))


# ---- every page of the nav -----------------------------------------------------------------------


def test_every_nav_page_gets_a_number_check() -> None:
    """The ``numbers`` test exists for every page of the nav (Markdown or notebook)."""
    for page in nav_pages():
        path = DOCS / page
        assert page.endswith((".md", ".py")), f"{page}: no number check for this kind of page"
        assert path.is_file(), f"nav lists {page}, but docs/{page} is missing"
        assert SYBIL.should_parse(path), f"docs/{page} is not collected by the page tests"
        ids = [SYBIL.identify(example) for example in SYBIL.parse(path)]
        assert ids[-1] == "numbers", ids


@pytest.mark.slow
@pytest.mark.pages
@pytest.mark.after_pages
def test_every_page_block_ran_exactly_once_this_session() -> None:
    """The page tests, the number checks, the notebooks and the typo test share one run per page.

    Every block's evaluator counts its runs (``EXECUTIONS``). Collected last: in a whole run the
    pages have already run as their own tests, and reading their records must run nothing again.
    """
    paths = [DOCS / page for page in nav_pages()]
    for path in paths:
        run_page(path, SYBIL)
    counts = execution_counts(paths)
    assert len(counts) > 200, len(counts)  # the pages' blocks were counted at all
    assert {where: n for where, n in counts.items() if n != 1} == {}


def execution_counts(paths: list[Path]) -> dict[str, int]:
    """``"page:line" -> runs`` for every block of the pages."""
    return {
        f"{path.name}:{block.line}": EXECUTIONS[str(path), block.line]
        for path in paths
        for block in blocks_of(SYBIL.parse(path))
    }


def test_the_execution_count_sees_a_page_run_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.md"
    path.write_text(GOOD_PAGE, encoding="utf-8")
    run_text(GOOD_PAGE, path, SYBIL)
    assert set(execution_counts([path]).values()) == {1}
    run_text(GOOD_PAGE, path, SYBIL)
    assert set(execution_counts([path]).values()) == {2}


# ---- planted typos --------------------------------------------------------------------------------

# The target, 0.95, is met. History: section binding, the narrowed math rule and the arithmetic
# check reached 0.69-0.73 (the old page-wide check: 0.59 on the same typos); code literals by
# role, whole numbers backed only by whole printed values, table rows bound to their entry, tuples
# and matrices as a whole and explicit structural marks 0.845; 0.832 (151 of 901) with the
# generalization, weight-decay and notation pages. Binding each number to the nearest 1-4 blocks
# of its section, code literals by role, and a paragraph's numbers to the blocks (or printed lines)
# its other numbers come from were measured and rejected: 0.87-0.94 with 16-218 correct numbers
# reported unbacked. What closed the gap: inline code bound to the code it quotes; ranges as ordered
# pairs; tuples bound to one printed line; "\leftarrow"/"\top" no longer cutting an equation (the
# worked example's update was never checked); vector arithmetic; seeds backing nothing (seed=0
# had backed every 0 of its section); ordinals of exercises skipped; and `<!-- from: -->`, an
# explicit reference from a paragraph to the printed lines and statements its numbers come from,
# on the 49 paragraphs where typos escaped: 0.960 (34 of 846). The 34 left are listed by the
# test when it fails; most are a typo onto a value the same line or statement also states.
# A ratchet: raise it.
REQUIRED_CATCH_RATE = 0.95


def plant_typo(literal: str, rng: random.Random) -> str:
    """One digit of the literal's mantissa changed (never a leading digit to 0)."""
    mantissa_end = len(literal.lower().split("e")[0])
    positions = [i for i, c in enumerate(literal[:mantissa_end]) if c.isdigit()]
    i = rng.choice(positions)
    leading = i == positions[0] and len(literal[:mantissa_end].split(".")[0].strip("-\u2212,")) > 1
    digits = [d for d in "0123456789" if d != literal[i] and not (leading and d == "0")]
    return literal[:i] + rng.choice(digits) + literal[i + 1 :]


def typo_escapes(claims: Claims, name: str) -> tuple[int, list[str]]:
    """Plant one typo in each checked number, one at a time: (how many, those not caught)."""
    planted, escaped = 0, []
    for index, (number, backing) in enumerate(zip(claims.stated, claims.backing, strict=True)):
        if number in claims.skipped:
            continue
        rng = random.Random(f"{name}:{index}")  # deterministic: the same typos every run
        typo = plant_typo(number.literal, rng)
        value = float(typo.replace(",", "").replace("\u2212", "-"))
        planted += 1
        if claims.breaks_arithmetic(number, typo):
            continue  # caught: the formula's arithmetic no longer holds
        if claims.is_structural(number, typo) or backing.backs(number._replace(value=value), typo):
            escaped.append(f"{name}:{number.line}: {number.literal} -> {typo}")
    return planted, escaped


@pytest.mark.slow
@pytest.mark.pages
@pytest.mark.after_pages
def test_planted_typos_in_every_stated_number_are_caught() -> None:
    """A single-digit typo in any number of any nav page fails its check, 95 % of the time at least.

    Reads the outputs the pages recorded (nothing runs again). Pages whose blocks failed are left
    out: their own tests fail.
    """
    planted, escaped, broken = 0, [], []
    for page in nav_pages():
        record = run_page(DOCS / page, SYBIL)
        if record.failed:
            broken.append(page)
            continue
        n, missed = typo_escapes(claims_of(record), f"docs/{page}")
        planted, escaped = planted + n, escaped + missed
    rate = 1 - len(escaped) / planted
    print(
        f"planted {planted} typos, caught {planted - len(escaped)} ({rate:.1%}); not run: {broken}"
    )
    assert planted > 500, planted
    assert rate >= REQUIRED_CATCH_RATE, (
        f"only {rate:.1%} of {planted} planted typos caught; escaped:\n  " + "\n  ".join(escaped)
    )


def test_plant_typo_changes_exactly_one_digit() -> None:
    rng = random.Random(0)
    for literal in ["0.65", "4,417", "-6.5", "1e-5", "33", "7", "\u22123.25"]:
        for _ in range(20):
            typo = plant_typo(literal, rng)
            assert len(typo) == len(literal)
            assert sum(a != b for a, b in zip(typo, literal, strict=True)) == 1
            if (
                len(literal.lstrip("-\u2212").split("e")[0].split(".")[0]) > 1
            ):  # "33", "4,417": no "03"
                assert not typo.lstrip("-\u2212").startswith("0"), (literal, typo)


def test_typo_counting_on_a_toy_page() -> None:
    record = run_text(GOOD_PAGE, Path("/nonexistent/good.md"), SYBIL)
    planted, escaped = typo_escapes(claims_of(record), "good.md")
    assert planted == 13 and escaped == []  # 15 stated, less the 1 and 2 of the ½


# ---- the checker itself ---------------------------------------------------------------------------

GOOD_PAGE = """\
# Toy

Train on 1,000 examples with $\\eta = 0.06$, keeping 20 % for validation.
The step is $w \\leftarrow 0 - 0.1 \\cdot (-6.5) = 0.65$ and $r^{(2)} = -5$, with
$\\sum_{i=1}^{3} x_i^2$, $\\frac{1}{2}$, a tolerance of $10^{-5}$ and loss 8.5 (see [the other page](other-7.md)).

```python
num_examples, lr, val_fraction = 1000, 0.06, 0.2  # settings the reader sees being set
x = 33  # inline code quotes it
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
        ("= 0.65$", "= 0.66$", "0.66"),  # a wrong last digit
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


def test_one_and_two_are_structural_only_where_they_shape_a_formula() -> None:
    """The ½ of \\frac{1}{2}, 1/n, \\mathbf 1, 2\\pi are skipped; a 1 or 2 elsewhere is a claim."""
    page = (
        "The loss $\\frac{1}{2} r^2$, $1 / n$, $\\mathbf 1$ of a $2 \\times 2$ system; "
        "about 1 % of 2 runs.\n"
    )
    report = unchecked_numbers(page, "structural.md")
    assert report.bad == [f"structural.md:1: {n!r}" for n in ["2", "2", "1", "2"]]
    assert report.stated == 8  # 1 2 (the ½), 1 (1/n), 1 (\\mathbf 1), 2 2, 1 2
    marked = page + "<!-- structural: 2 -->\n"
    assert unchecked_numbers(marked, "structural.md").bad == ["structural.md:1: '1'"]


# ---- precision: the digits the page writes --------------------------------------------------------

PRECISION_PAGE = """\
# Precision

The loss is {prose}.

```pycon
>>> print({printed})
{shown}
```
"""


@pytest.mark.parametrize(
    ("prose", "printed", "backed"),
    [
        ("0.65", "0.6500001", True),  # agrees to the two digits stated
        ("0.65", "0.654", True),
        ("0.7", "0.65", False),  # round(0.65, 1) is 0.6 or 0.7 only by luck: not to one digit
        ("0.66", "0.6500001", False),  # a wrong last digit
        ("0.6", "0.65", False),
        ("65 %", "0.6500001", True),  # a percentage to the digits it states
        ("66 %", "0.6500001", False),
        ("2", "2.0000", True),  # a whole number is backed by a printed whole value
        ("2", "2.4", False),  # not by one it only rounds to: "2" would back a typo of "3"
        ("about 2", "2.4", True),  # unless the prose says it rounds
        ("$\\approx 2$", "2.4", True),
        ("3", "2.4", False),
    ],
)
def test_prose_agrees_with_printed_output_to_the_digits_it_states(
    prose: str, printed: str, backed: bool
) -> None:
    page = PRECISION_PAGE.format(prose=prose, printed=printed, shown=printed)
    report = unchecked_numbers(page, "precision.md")
    assert (report.bad == []) is backed, report.bad


def test_agrees_to_stated_digits() -> None:
    assert decimals("0.65") == 2 and decimals("4,417") == 0 and decimals("1e-5") == 5
    assert agrees_to_stated_digits(0.6500001, "0.65") and agrees_to_stated_digits(0.6549, "0.65")
    assert not agrees_to_stated_digits(0.656, "0.65") and not agrees_to_stated_digits(0.66, "0.65")
    assert agrees_to_stated_digits(1.2e-5, "1e-5") and not agrees_to_stated_digits(2e-5, "1e-5")
    assert agrees_to_stated_digits("0.2", "20", scale="0.01")
    assert not agrees_to_stated_digits("0.65", "0.7") and not agrees_to_stated_digits("0.65", "0.6")


@pytest.mark.parametrize(
    ("shown", "printed", "passes"),
    [
        ("0.65", "0.6500001", True),  # the page writes two digits: they are compared
        ("tensor([0.6500, 1.2000])", "tensor([0.65000004, 1.19999999])", True),
        ("0.65", "0.66", False),  # a wrong last digit is still caught
        ("0.2", "0.3", False),  # (Sybil's and pytest's own NUMBER would accept this one)
        ("0.65", "0.656", False),  # rounds to 0.66
        ("-22.135817", "-22.135823", False),  # all six written decimals are compared
    ],
)
def test_pycon_output_is_compared_to_the_digits_the_page_writes(
    shown: str, printed: str, passes: bool
) -> None:
    page = PRECISION_PAGE.format(prose="1", printed=repr(printed), shown=shown)
    if passes:
        run_text(page, Path("/nonexistent/number.md"), SYBIL)
    else:
        with pytest.raises(AssertionError, match="Expected"):
            run_text(page, Path("/nonexistent/number.md"), SYBIL)


# ---- binding: a number is backed by its own section -----------------------------------------------

SECTIONS_PAGE = """\
# Two runs

## First run

The first run ends at loss 0.25 after 3 epochs.

```pycon
>>> print(0.5 * 0.5, 3)
0.25 3
```

## Second run

The second run ends at loss {second} after {epochs} epochs{marker}.

```pycon
>>> print(0.5 * 0.9, 4)
0.45 4
```
"""


def test_a_number_backed_only_in_another_section_fails() -> None:
    ok = SECTIONS_PAGE.format(second="0.45", epochs="4", marker="")
    assert unchecked_numbers(ok, "sections.md").bad == []
    # The typos are values the page prints, but in the other section.
    wrong = SECTIONS_PAGE.format(second="0.25", epochs="3", marker="")
    assert unchecked_numbers(wrong, "sections.md").bad == [
        "sections.md:14: '0.25'",
        "sections.md:14: '3'",
    ]


def test_see_binds_a_paragraph_to_another_section() -> None:
    page = SECTIONS_PAGE.format(second="0.45", epochs="4", marker="")
    page = page.replace("# Two runs\n", "# Two runs\n\nThe loss falls to 0.25, then 0.45.\n")
    assert unchecked_numbers(page, "see.md").bad == ["see.md:3: '0.25'", "see.md:3: '0.45'"]
    marked = page.replace("0.45.\n", "0.45. <!-- see: First run --> <!-- see: Second run -->\n")
    assert unchecked_numbers(marked, "see.md").bad == []
    alone = page.replace("\nThe loss", "\n<!-- see: First run -->\nThe loss")
    assert unchecked_numbers(alone, "see.md").bad == ["see.md:4: '0.45'"]
    with pytest.raises(AssertionError, match="names no heading"):
        unchecked_numbers(page.replace("0.45.\n", "0.45. <!-- see: Third run -->\n"), "see.md")


def test_structural_marks_only_the_listed_literals_of_its_paragraph() -> None:
    page = SECTIONS_PAGE.format(second="0.45", epochs="7", marker=" (step 2 of 9)")
    assert unchecked_numbers(page, "s.md").bad == ["s.md:14: '7'", "s.md:14: '2'", "s.md:14: '9'"]
    marked = page.replace("of 9)", "of 9) <!-- structural: 2 9 -->")
    assert unchecked_numbers(marked, "s.md").bad == ["s.md:14: '7'"]


def test_arithmetic_written_in_math_must_hold() -> None:
    page = (
        "# Sum\n\nHere $x = 1 + 4 + 9 = {}$ and $w \\leftarrow 0 - 0.1 \\cdot (-6.5) = 0.65$.\n\n"
        "```pycon\n>>> print(1 + 4 + 9, 0 - 0.1 * (-6.5))\n14 0.65\n```\n"
    )
    assert unchecked_numbers(page.format("14"), "sum.md").bad == []
    record = run_text(page.format("15"), Path("/nonexistent/sum.md"), SYBIL)
    assert equations_that_fail(claims_of(record).text) == [(13, "x = 1 + 4 + 9 = 15")]
    assert arithmetic("\\frac12 \\cdot \\frac12 (9 + 25)") == 8.5
    assert arithmetic("\\frac{1}{2} \\bigl( (-3) + (-10) \\bigr)") == -6.5
    assert arithmetic("x_1 + 2") is None and arithmetic("(2, -3.4)") is None
    # a rounded result is compared at the digits it states
    assert equations_that_fail("$2 / 3 = 0.67$") == [] and equations_that_fail("$2 / 3 = 0.66$")


def test_code_numbers_are_the_literals_of_the_code() -> None:
    source = (
        'w = [2, -3.4]\nx = 10**7 - 3 ** -1\ny = f"{lr * 5:.1f}"  # 6\nz = "7" if True else 8.0\n'
    )
    assert sorted(code_numbers(source)) == sorted(
        [2, -3.4, 3.4, 10**7, 10, 7, 3**-1, 3, -1, 1, 5, 8.0]
    )


def test_code_literals_that_lay_out_data_back_nothing() -> None:
    """An index, a slice, a shape or axis argument, a positional 0/1 is layout, not a setting."""
    source = (
        "x = X[:, 3][-1]\ny = x.reshape(-1, 5).sum(dim=2)\nz = torch.normal(0, 1, (7,))\n"
        "w = torch.cat([a, b], 4)\nplt.plot(x, figsize=(6, 8))\n"
    )
    assert sorted(code_numbers(source)) == [7]  # the shape's 7 is set by a tuple: data
    settings = "num_epochs = 3\nfit(X, y, lr=0.03, epochs=5)\nfor seed in range(20): pass\n"
    assert sorted(code_numbers(settings)) == [0.03, 3, 5, 20]
    # a fill sets its value; a size is data (2), a positional 1 is not
    assert sorted(code_numbers("w = torch.zeros(2)\nb = torch.ones(1)\n")) == [0.0, 1.0, 2.0]


ROLE_PAGE = """\
# Features

The data have {n} features and we train for 3 epochs.

```python
import torch
X = torch.arange(12.0).reshape(4, 3)
last = X[:, 2]
num_epochs = 3
```
"""


@pytest.mark.parametrize(("stated", "backed"), [("3", True), ("2", False), ("4", False)])
def test_an_index_or_a_shape_argument_does_not_back_a_claim(stated: str, backed: bool) -> None:
    """Before the role rule, a typo "3 features" -> "2" passed on the index ``X[:, 2]``."""
    report = unchecked_numbers(ROLE_PAGE.format(n=stated), "roles.md")
    assert (report.bad == []) is backed, report.bad


def test_planted_typos_that_roles_and_whole_numbers_now_catch() -> None:
    page = (
        ROLE_PAGE.format(n="3")
        + "\nThe loss is 2.\n\n```pycon\n>>> print(2.4, 3.0)\n2.4 3.0\n```\n"
    )
    record = run_text(page, Path("/nonexistent/roles.md"), SYBIL)
    planted, escaped = typo_escapes(claims_of(record), "roles.md")
    assert unbacked(claims_of(record), "roles.md") == ["roles.md:12: '2'"]  # 2.4 is not 2
    assert planted == 3 and escaped == [], escaped


TABLE_PAGE = """\
# Table

| dataset | a | b |
|---|---|---|
| norris | 2–4 | 12 |
| longley | {cell} | 7 |

<!-- invisible-code-block: python
RANGES = {{
    "norris": [(2, 4), 12],
    "longley": [0, 7],
}}
-->
"""


@pytest.mark.parametrize(
    ("cell", "bad"),
    [
        ("0", []),
        ("12", ["table.md:6: '12'"]),  # norris's value in longley's row: the whole section has it
        ("7", ["table.md:6: '7'"]),  # longley's own value, but in the wrong column
    ],
)
def test_a_table_row_is_bound_to_the_entry_that_names_it(cell: str, bad: list[str]) -> None:
    assert unchecked_numbers(TABLE_PAGE.format(cell=cell), "table.md").bad == bad


TUPLE_PAGE = """\
# Tuple

The true weights are $\\mathbf w = {w}$, drawn as $\\mathcal N(0, 1)$ noise is added.

```pycon
>>> true_w = [2, -3.4]
>>> print(true_w, 3, 0, 1)
[2, -3.4] 3 0 1
```
"""


@pytest.mark.parametrize(
    ("w", "bad"),
    [
        ("(2, -3.4)", []),
        ("(3, -3.4)", ["tuple.md:3: '3'", "tuple.md:3: '-3.4'"]),  # 3 is printed, not first
        ("(-3.4, 2)", ["tuple.md:3: '-3.4'", "tuple.md:3: '2'"]),  # the order is stated too
    ],
)
def test_a_written_tuple_is_backed_as_a_whole(w: str, bad: list[str]) -> None:
    """ "(2, -3.4)" needs 2 and -3.4 in a row; ``\\mathcal N(0, 1)`` is arguments, not a tuple."""
    assert unchecked_numbers(TUPLE_PAGE.format(w=w), "tuple.md").bad == bad


def test_a_written_matrix_is_backed_as_a_whole() -> None:
    page = (
        "# M\n\n$\\mathbf X = \\begin{{pmatrix}} {} \\\\ {} \\end{{pmatrix}}$\n\n"
        "```pycon\n>>> X = [[1.0], [2.0]]\n>>> print(len(X), 5)\n2 5\n```\n"
    )
    assert unchecked_numbers(page.format(1, 2), "m.md").bad == []
    # each typo'd entry is printed or set on its own (2, 5), never in this order
    assert unchecked_numbers(page.format(5, 2), "m.md").bad == ["m.md:3: '5'", "m.md:3: '2'"]
    assert unchecked_numbers(page.format(2, 1), "m.md").bad == ["m.md:3: '2'", "m.md:3: '1'"]


def test_math_structure_includes_zero_vectors_and_off_by_one() -> None:
    """``\\mathbf 0``, ``n - 1``, ``d + 1``, ``1 - x`` and ``-1/2`` shape a formula."""
    page = (
        "# M\n\n$\\mathbf 0$, $n - 1$, $d + 1$, $1 - \\rho$, $1 - 2/\\kappa$, slope $-1/2$; "
        "but $x = 0$ and $y = 1$ are claims.\n"
    )
    assert unchecked_numbers(page, "m.md").bad == ["m.md:3: '0'", "m.md:3: '1'"]


def test_asserted_numbers_come_from_strings_compared_with_a_computed_value() -> None:
    assert asserted_numbers('assert f"{x:.1f}" == "0.9" and ok') == [0.9]
    assert asserted_numbers('assert ranges == ("19.0", "79")') == [19.0, 79.0]
    assert asserted_numbers('assert "0.9" == "0.9"') == []  # compares nothing computed
    assert asserted_numbers('label = "0.9"\nassert x != "0.8"') == []  # not pinned by ==


def _typo_on_a_real_page(page: str, claim: str, typo: str) -> list[str]:
    """Plant a typo on a real page and check it with the outputs its run recorded."""
    record = run_page(DOCS / page, SYBIL)
    text = (DOCS / page).read_text(encoding="utf-8")
    assert claim in text
    changed = text.replace(claim, typo, 1)
    document = SYBIL.parse_text(changed, DOCS / page)
    twin = type(record)(document, record.outputs, examples=record.examples)  # same lines, outputs
    return unbacked(claims_of(twin), page)


@pytest.mark.slow
@pytest.mark.pages
@pytest.mark.after_pages
def test_checker_catches_a_typo_on_the_real_worked_example_page() -> None:
    claim = r"w \leftarrow 0 - 0.1 \cdot (-6.5) = 0.65"
    bad = _typo_on_a_real_page("examples/sgd-update.md", claim, claim.replace("0.65", "0.56"))
    assert len(bad) == 1 and bad[0].endswith("'0.56'"), bad


@pytest.mark.slow
@pytest.mark.pages
@pytest.mark.after_pages
def test_checker_catches_a_typo_in_a_real_notebook() -> None:
    claim = r"$\frac12 \sigma^2 = 0.00005$"
    bad = _typo_on_a_real_page("implementation/scratch.py", claim, claim.replace("5$", "7$"))
    assert len(bad) == 1 and bad[0].endswith("'0.00007'"), bad


def test_checker_reports_the_line_of_a_wrong_number() -> None:
    report = unchecked_numbers(GOOD_PAGE.replace("loss 8.5", "loss 9.25"), "bad.md")
    assert report.bad == ["bad.md:5: '9.25'"]


def test_checker_finds_blocks_inside_admonitions_and_hidden_blocks() -> None:
    document = SYBIL.parse_text(GOOD_PAGE, Path("/nonexistent/good.md"))
    assert [(b.language, b.line, b.visible) for b in blocks_of(document)] == [
        ("python", 7, True),
        ("pycon", 15, True),
        ("python", 21, False),
        ("pycon", 27, True),
    ]
    prose = prose_of(document).text
    assert "print" not in prose and ">>>" not in prose and "--lr" not in prose


def test_checker_fails_when_a_block_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        unchecked_numbers("Text 1.\n\n```python\n1 / 0\n```\n", "raises.md")


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
    report = unchecked_numbers(GOOD_NOTEBOOK, "toy.py", tmp_path)
    assert report.bad == [] and report.stated == 5, report  # 0.06 0.25 42 0.95 3
    assert wrong in GOOD_NOTEBOOK
    assert unchecked_numbers(GOOD_NOTEBOOK.replace(wrong, reported), "toy.py", tmp_path).bad == [
        where
    ]


# ---- binding that catches typos a section-wide match lets through ------------------------------


def test_an_arrow_or_a_transpose_does_not_cut_an_equation() -> None:
    r"""``\leftarrow`` is not ``\le`` + "ftarrow", ``\top`` not ``\to`` + "p": the update is checked."""
    assert equations_that_fail(r"$w \leftarrow 4 - 0.1 \cdot (-6.5) = 0.65$") != []
    assert equations_that_fail(r"$w \leftarrow 0 - 0.1 \cdot (-6.5) = 0.65$") == []
    assert equations_that_fail(r"$\mathbf X^\top \mathbf X = 1 + 4 = 6$") != []


RANGE_PAGE = """\
# Digits

| set | normal |
|-----|--------|
| norris | {cell} |

```pycon
>>> digits = {{
...     "norris": [(2, 4)],
... }}
>>> print(digits["norris"][0], 9)
(2, 4) 9
```
"""


@pytest.mark.parametrize(
    ("cell", "bad"),
    [
        ("2\u20134", []),
        ("4\u20134", ["range.md:5: '4'", "range.md:5: '4'"]),  # each end is printed, not in order
        ("2\u20132", ["range.md:5: '2'", "range.md:5: '2'"]),
        ("2\u20139", ["range.md:5: '2'", "range.md:5: '9'"]),  # 9 is printed, not as an end
    ],
)
def test_a_range_is_backed_as_its_two_ends_in_order(cell: str, bad: list[str]) -> None:
    assert unchecked_numbers(RANGE_PAGE.format(cell=cell), "range.md").bad == bad


def test_zero_is_never_written_as_a_power_of_ten() -> None:
    page = "# P\n\nA network with $10^{{8}}$ parameters.\n\n```pycon\n>>> print({}, 0)\n{} 0\n```\n"
    assert unchecked_numbers(page.format("10**8", "100000000"), "p.md").bad == []
    assert unchecked_numbers(page.format("0", "0").replace("10^", "0 \\cdot 10^"), "p.md").bad == [
        "p.md:3: '0e8'"
    ]


CALL_PAGE = """\
# Calls

Build it with `setup({args})` and train with `{train}`; the loss falls to 0.25.

```pycon
>>> def setup(d, lr=0.1, seed=None):
...     return d, lr
>>> lr, num_epochs = 0.03, 5
>>> setup(2, lr=lr, seed=0)
(2, 0.03)
>>> print(3, 0.25, 7)
3 0.25 7
```
"""


@pytest.mark.parametrize(
    ("args", "train", "bad"),
    [
        ("2, lr=lr, seed=0", "num_epochs=5", []),
        ("2, ...", "lr=0.03, num_epochs=5", []),  # an ellipsis; keywords the code sets
        # a call the code does not make: each of its numbers is reported
        ("3, lr=lr, seed=0", "num_epochs=5", ["calls.md:3: '3'", "calls.md:3: '0'"]),
        ("2, lr=lr, seed=7", "num_epochs=5", ["calls.md:3: '2'", "calls.md:3: '7'"]),
        ("2, lr=lr, seed=0", "num_epochs=3", ["calls.md:3: '3'"]),  # printed, never num_epochs
        ("2, lr=lr, seed=0", "lr=0.25, num_epochs=5", ["calls.md:3: '0.25'", "calls.md:3: '5'"]),
    ],
)
def test_a_number_in_inline_code_is_bound_to_the_code(
    args: str, train: str, bad: list[str]
) -> None:
    """Inline code that reads as code is found in the page's code, or its keywords set there."""
    page = CALL_PAGE.format(args=args, train=train)
    assert unchecked_numbers(page, "calls.md").bad == bad


def test_a_tuple_is_backed_by_one_printed_line_not_by_the_output_run_together() -> None:
    page = (
        "# T\n\nThe points are {}.\n\n"
        "```pycon\n>>> print('x = (1, 2)'); print('y = (3, 5)')\nx = (1, 2)\ny = (3, 5)\n```\n"
    )
    assert unchecked_numbers(page.format("$(1, 2)$"), "t.md").bad == []
    # 2 then 3 follow each other in the output, but on two lines
    assert unchecked_numbers(page.format("$(2, 3)$"), "t.md").bad == ["t.md:3: '2'", "t.md:3: '3'"]
    assert logical_lines("a\ntensor([[1.],\n        [2.]])\nb") == [
        "a",
        "tensor([[1.],\n        [2.]])",
        "b",
    ]


def test_a_written_tuple_of_strings_and_a_chained_bound_are_sequences() -> None:
    assert code_sequences('assert r == ("19.0", "79.0")') == [[19.0, 79.0]]
    assert code_sequences("assert 0.5 < c < 0.55") == [[0.5, 0.55]]


def test_a_range_in_words_is_backed_as_its_two_ends_in_order() -> None:
    page = "# W\n\nIt lies between {}.\n\n```pycon\n>>> c = 0.52\n>>> assert 0.5 < c < 0.55\n```\n"
    assert unchecked_numbers(page.format("0.5 and 0.55"), "w.md").bad == []
    assert unchecked_numbers(page.format("0.55 and 0.5"), "w.md").bad == [
        "w.md:3: '0.55'",
        "w.md:3: '0.5'",
    ]


def test_an_ordinal_of_the_page_is_structural() -> None:
    page = (
        "# O\n\nSee exercise 3 and equation 1; the loss is 4.\n\n```pycon\n>>> print(4)\n4\n```\n"
    )
    assert unchecked_numbers(page, "o.md").bad == []
    assert unchecked_numbers(page.replace("is 4", "is 3"), "o.md").bad == ["o.md:3: '3'"]
    titled = page.replace("See", "**2. A title.** See")
    assert unchecked_numbers(titled, "o.md").bad == []
    bold = page.replace("the loss is 4", "the loss is **3**")  # bold, but not a title
    assert unchecked_numbers(bold, "o.md").bad == ["o.md:3: '3'"]


def test_a_seed_backs_no_number() -> None:
    """A seed names a draw; before this rule ``seed=0`` backed every "0" and "3" of its section."""
    source = "X, y = d2l.synthetic_data(w, b, 100, seed=3)\ng = torch.Generator().manual_seed(5)\n"
    assert code_numbers(source) == [100]
    page = "# S\n\nThe loss starts at {}.\n\n```pycon\n>>> d = dict(seed=0)\n>>> print(4.2)\n4.2\n```\n"
    assert unchecked_numbers(page.format("4.2"), "s.md").bad == []
    assert unchecked_numbers(page.format("0"), "s.md").bad == ["s.md:3: '0'"]


def test_a_zero_that_defines_a_distribution_or_a_sign_is_structural() -> None:
    page = "# Z\n\nWith $\\epsilon \\sim \\mathcal N(0, \\sigma^2)$, $c > 0$, $\\lambda \\geq 0$: $x = 0$.\n"
    assert unchecked_numbers(page, "z.md").bad == ["z.md:3: '0'"]


FROM_PAGE = """\
# Worked

The data are $x = (1, 2)$ and we start from $w = {w}$ with learning rate {lr}.{marker}

```pycon
>>> print("data: x = (1, 2), y = (3, 5)")
data: x = (1, 2), y = (3, 5)
>>> print("start: w = 0, lr = 0.1")
start: w = 0, lr = 0.1
>>> print("update: w = 0.65, b = 0.4")
update: w = 0.65, b = 0.4
```
"""


@pytest.mark.parametrize(
    ("w", "lr", "marker", "bad"),
    [
        ("0", "0.1", "", []),
        ("0", "0.4", "", []),  # the typo is printed elsewhere in the section: it escapes
        ("0", "0.1", " <!-- from: data: | start: -->", []),
        ("0", "0.4", " <!-- from: data: | start: -->", ["from.md:3: '0.4'"]),
        # the update's w, printed in the section but not on a named line
        ("0.65", "0.1", " <!-- from: data: | start: -->", ["from.md:3: '0.65'"]),
    ],
)
def test_from_binds_a_paragraph_to_the_lines_it_names(
    w: str, lr: str, marker: str, bad: list[str]
) -> None:
    page = FROM_PAGE.format(w=w, lr=lr, marker=marker)
    assert unchecked_numbers(page, "from.md").bad == bad


def test_from_must_name_a_line_of_its_section() -> None:
    page = FROM_PAGE.format(w="0", lr="0.1", marker=" <!-- from: finish: -->")
    with pytest.raises(AssertionError, match="names no printed line"):
        unchecked_numbers(page, "from.md")


def test_vector_arithmetic_written_in_math_must_hold() -> None:
    r"""``1.6 (1, 2)^T = (1.6, 3.2)^T`` and ``(1.6 - 2, 3.2 - 3)^T = (-0.4, 0.2)^T``, entry by entry."""

    def v(a: object, b: object) -> str:
        return f"\\begin{{pmatrix}} {a} \\\\ {b} \\end{{pmatrix}}"

    assert equations_that_fail(f"$$\\hat y = 1.6 {v(1, 2)} = {v(1.6, 3.2)}$$") == []
    assert equations_that_fail(f"$$\\hat y = 1.6 {v(1, 2)} = {v(1.6, 3.1)}$$") != []
    assert equations_that_fail(f"$$r = {v('1.6 - 2', '3.2 - 3')} = {v(-0.4, 0.2)}$$") == []
    assert equations_that_fail(f"$$r = {v('1.6 - 2', '3.2 - 3')} = {v(-0.5, 0.2)}$$") != []
    assert equations_that_fail(f"$${v(1, 2)} = {v(2, 1)}$$") == []  # no arithmetic: a statement
