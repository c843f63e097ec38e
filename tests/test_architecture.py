"""ARCHITECTURE.md maps every module of the package, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "d2l_linreg"
MAP = ROOT / "ARCHITECTURE.md"


def _modules() -> set[str]:
    return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}


def _mapped() -> set[str]:
    """The first cell of each row of the module table: `path.py`."""
    return set(re.findall(r"^\| `([\w/]+\.py)` \|", MAP.read_text("utf-8"), flags=re.MULTILINE))


def test_every_module_of_the_package_is_in_the_map() -> None:
    missing = sorted(_modules() - _mapped())
    assert not missing, f"add a row for each of {missing} to the module table of ARCHITECTURE.md"


def test_the_map_names_no_module_that_does_not_exist() -> None:
    stale = sorted(_mapped() - _modules())
    assert not stale, f"ARCHITECTURE.md lists {stale}, which are not under d2l_linreg/"


def test_no_module_is_over_300_lines() -> None:
    long = {
        name: n
        for name in _modules()
        if (n := len((PACKAGE / name).read_text("utf-8").splitlines())) > 300
    }
    assert not long, f"split these modules by concept (lines): {long}"
