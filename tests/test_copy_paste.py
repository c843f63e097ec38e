"""A reader who pastes a page's *visible* blocks, in order, into a fresh Python gets what it shows.

Sybil runs every block of a page in one namespace, hidden checks included
(``<!-- invisible-code-block: python -->``). So a visible block that used a name defined only in
a hidden block would pass the tests and fail for the reader. This test reads the blocks of every
Markdown page statically and fails when a visible block loads a name that, up to that point, only
hidden blocks have bound.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest
from _nav import nav_notebooks
from _pages import DOCS, PageSybil, blocks_of

PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
SYBIL = PageSybil(notebooks=nav_notebooks())  # the parser the page tests use


def blocks(text: str) -> list[tuple[int, bool, str]]:
    """``(line, visible, source)`` for every python/pycon block and hidden block, in page order."""
    document = SYBIL.parse_text(text, Path("page.md"))
    return [
        (block.line, block.visible, "\n".join(block.sources())) for block in blocks_of(document)
    ]


def bound_and_loaded(source: str) -> tuple[set[str], list[str]]:
    """Names a block binds (anywhere in it) and the names it loads, in order."""
    tree = ast.parse(source)
    bound: set[str] = set()
    loaded: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded.append if isinstance(node.ctx, ast.Load) else bound.add)(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound, loaded


def hidden_only_names(text: str) -> list[str]:
    """Problems: ``line N: name`` for each visible use of a name only hidden blocks have bound."""
    visible_bound = set(dir(builtins))
    hidden_bound: set[str] = set()
    problems = []
    for line, visible, source in blocks(text):
        bound, loaded = bound_and_loaded(source)
        if visible:
            problems += [
                f"line {line}: {name}"
                for name in dict.fromkeys(loaded)
                if name in hidden_bound and name not in visible_bound | bound
            ]
            visible_bound |= bound
        else:
            hidden_bound |= bound
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_visible_blocks_do_not_need_hidden_ones(page: str) -> None:
    problems = hidden_only_names((DOCS / page).read_text(encoding="utf-8"))
    assert problems == [], (
        f"{page}: visible code uses names defined only in hidden blocks: {problems}"
    )


def test_the_check_catches_a_name_defined_only_in_a_hidden_block() -> None:
    page = (
        "<!-- invisible-code-block: python\nsecret = 3\n-->\n\n"
        "```pycon\n>>> x = 1\n>>> print(secret + x)\n4\n```\n\n"
        "    ```python\n    y = x + 1\n    ```\n"
    )
    assert hidden_only_names(page) == ["line 5: secret"]
    fixed = page.replace(">>> x = 1", ">>> x, secret = 1, 3")
    assert hidden_only_names(fixed) == []
