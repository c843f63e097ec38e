"""The newcomer route of the home page uses nothing before the page that teaches it.

The home page lists the route as a numbered list of links (section "The route"). A small
glossary maps each advanced term or package name to the page that introduces it. A route page
may use a term only if it comes at or after the term's page on the route; a term whose page is
off the route (the numerics and diagnostics pages) may not be used on the route at all. Two
kinds of use are allowed anywhere, because they are marked for the reader:

* inside a *Going deeper* part: a heading whose text starts with "Going deeper" (up to the next
  heading of the same or a higher level), or an admonition titled "Going deeper ...";
* in a section (the text between two headings) that links to the term's defining page: a
  forward reference the reader can follow.

The self-tests at the end plant each kind of violation in a toy route and check it is found.
"""

from __future__ import annotations

import re
from pathlib import Path

from _nav import DOCS, nav_pages

# term (regular expression) -> the page (relative to docs/) that introduces it
GLOSSARY: dict[str, str] = {
    r"\bsingular values?\b": "numerics/normal-equation-breaks.md",
    r"\bunit roundoff\b": "numerics/normal-equation-breaks.md",
    r"\bCholesky\b": "numerics/normal-equation-breaks.md",
    r"\bQR\b": "numerics/normal-equation-breaks.md",
    r"\bSVD\b": "numerics/normal-equation-breaks.md",
    r"\bperturbation bound\b": "numerics/normal-equation-breaks.md",
    r"\bWhite's\b": "beyond/residuals.py",
    r"\bKoenker\b": "beyond/residuals.py",
    r"\bANOVA\b": "beyond/residuals.py",
    r"\\chi\^2|\bchi-squared\b": "beyond/residuals.py",
    r"\bweight[ _]decay\b": "beyond/weight-decay.py",
    r"\bd2l\.train\b": "implementation/scratch.py",
    r"\bLinearRegressionScratch\b": "implementation/scratch.py",
    r"\bSGDScratch\b": "implementation/scratch.py",
    r"\bconcise_setup\b": "implementation/concise.py",
}

# Uses found on pages that another change is rewriting (issue 10: the synthetic-data page will stop
# training before the from-scratch page builds the loop). Empty this when those pages land; a
# new use anywhere else fails at once.
KNOWN: set[str] = set()  # uses before definition that are accepted: none

LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
DEEPER_BOX = re.compile(r'^(\s*)(\?\?\?\+?|!!!)\s+\w+\s+"Going deeper', re.I)


def route(home: str) -> list[str]:
    """The pages of the home page's numbered route, in order (relative to docs/)."""
    section = home.split("## The route", 1)[1].split("\n## ", 1)[0]
    pages: list[str] = []
    for line in section.splitlines():
        if re.match(r"\s*\d+\.\s", line) or (pages and line.startswith("   ")):
            pages += [link for link in LINK.findall(line) if not link.startswith("http")]
    return pages


def page_lines(text: str, path: str) -> list[str]:
    """The lines of a page; for a jupytext notebook, Markdown cells lose their `# `."""
    if not path.endswith(".py"):
        return text.splitlines()
    lines, markdown = [], False
    for line in text.splitlines():
        if line.startswith("# %%"):
            markdown = "[markdown]" in line
            lines.append("")
        elif markdown:
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        else:
            lines.append(line)
    return lines


def sections(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """(in a Going-deeper part, lines) for each section; the code's own `#` comments are kept."""
    out: list[tuple[bool, list[str]]] = []
    deeper_level, box_indent, fence = None, None, False
    current: list[str] = []
    current_deeper = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        heading = None if fence else HEADING.match(line)
        if heading:
            out.append((current_deeper, current))
            level = len(heading.group(1))
            if deeper_level is not None and level <= deeper_level:
                deeper_level = None
            if heading.group(2).lower().startswith("going deeper"):
                deeper_level = level
            current, current_deeper = [], deeper_level is not None
            continue
        box = DEEPER_BOX.match(line)
        if box:
            box_indent = len(box.group(1))
        elif (
            box_indent is not None and line.strip() and len(line) - len(line.lstrip()) <= box_indent
        ):
            box_indent = None
        current.append(("\0" if box_indent is not None and not box else "") + line)
    out.append((current_deeper, current))
    return out


def _links_to(section_text: str, page: str, target: str) -> bool:
    here = Path(page).parent
    for link in LINK.findall(section_text):
        path = link.split("#")[0].rstrip("/")
        resolved = (Path("/") / here / path).resolve().relative_to("/").as_posix()
        if resolved in {target, target.rsplit(".", 1)[0]}:
            return True
    return False


def uses_before_definition(pages: list[tuple[str, str]], glossary: dict[str, str]) -> list[str]:
    """'page: term (defined on ...)' for each use of a term before its page on the route."""
    order = {page: i for i, (page, _) in enumerate(pages)}
    problems = []
    for page, text in pages:
        for deeper, lines in sections(page_lines(text, page)):
            if deeper:
                continue
            body = "\n".join(line for line in lines if not line.startswith("\0"))
            for term, home in glossary.items():
                if home in order and order[home] <= order[page]:
                    continue
                match = re.search(term, body)
                if match and not _links_to(body, page, home):
                    where = "off the route" if home not in order else "later on the route"
                    problems.append(f"{page}: {match.group(0)!r} ({home}, {where})")
    return problems


def test_the_route_is_in_the_nav_and_in_order() -> None:
    pages = route((DOCS / "index.md").read_text(encoding="utf-8"))
    nav = nav_pages()
    assert len(pages) >= 8, pages
    assert all(page in nav for page in pages), [p for p in pages if p not in nav]
    theory = [p for p in pages if p.startswith("theory/")]
    assert theory == [p for p in nav if p.startswith("theory/")]  # the theory in the nav's order


def test_no_route_page_uses_a_term_before_its_page() -> None:
    pages = route((DOCS / "index.md").read_text(encoding="utf-8"))
    texts = [(page, (DOCS / page).read_text(encoding="utf-8")) for page in pages]
    assert all((DOCS / home).is_file() for home in GLOSSARY.values())
    assert set(uses_before_definition(texts, GLOSSARY)) - KNOWN == set()


# -- self-tests: the check finds what it is for --------------------------------------------------

TOY = {r"\bQR\b": "b.md", r"\bSGDScratch\b": "c.md"}


def test_a_use_before_the_defining_page_is_found() -> None:
    pages = [("a.md", "# A\n\nSolve it by QR.\n"), ("b.md", "# B\n\nQR is ...\n")]
    assert uses_before_definition(pages, TOY) == ["a.md: 'QR' (b.md, later on the route)"]


def test_a_use_of_an_off_route_term_is_found_in_code_too() -> None:
    pages = [("a.py", "# %% [markdown]\n# # A\n\n# %%\nopt = d2l.SGDScratch(params, lr=0.1)\n")]
    assert uses_before_definition(pages, TOY) == ["a.py: 'SGDScratch' (c.md, off the route)"]


def test_going_deeper_parts_and_forward_links_are_allowed() -> None:
    deeper_heading = "# A\n\n## Going deeper: stability\n\nQR keeps digits.\n\n## Next\n\nPlain.\n"
    deeper_box = '# A\n\n??? info "Going deeper: solvers"\n    QR keeps digits.\n\nPlain.\n'
    linked = "# A\n\nSee [the QR page](b.md): QR keeps digits.\n"
    for text in (deeper_heading, deeper_box, linked):
        assert uses_before_definition([("a.md", text), ("b.md", "# B\n")], TOY) == [], text
    after_deeper = "# A\n\n## Going deeper\n\nfine\n\n## Back\n\nQR again.\n"
    assert uses_before_definition([("a.md", after_deeper), ("b.md", "# B\n")], TOY) == [
        "a.md: 'QR' (b.md, later on the route)"
    ]
    after_box = '# A\n\n??? info "Going deeper"\n    fine\n\nQR again.\n'
    assert uses_before_definition([("a.md", after_box), ("b.md", "# B\n")], TOY) == [
        "a.md: 'QR' (b.md, later on the route)"
    ]


def test_the_route_is_read_from_the_numbered_list() -> None:
    home = "# H\n\n## The route\n\n1. [A](a.md): x.\n2. [B](b.md), then\n   [C](c.md).\n\n## Run\n\n[D](d.md)\n"
    assert route(home) == ["a.md", "b.md", "c.md"]
