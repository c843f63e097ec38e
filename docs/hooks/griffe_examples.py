"""A griffe extension for the API reference (mkdocs.yml, mkdocstrings' `extensions:`).

The package's docstrings head their doctests `Example:` (singular), which Google style does not
know as a section: griffe would render the `>>>` lines as prose (and read `[0.1, 0.0]` as a
Markdown link). This reads a line that is exactly `Example:` as `Examples:`, so the doctest is
shown as a code block, the way `help()` shows it. Only the copy griffe renders is changed.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
