"""The package's one error type for bad input, and its two kinds.

Every check of the package raises :class:`InputTypeError` (a value of the wrong kind: text where
a number belongs, an integer tensor where real numbers belong) or :class:`InputValueError` (the
right kind, a wrong value: a negative size, mismatched shapes, NaN). Both derive from
:class:`InputError`, which the command line catches to print one ``error:`` line; they also
derive from Python's ``TypeError`` and ``ValueError``, so ``except ValueError`` keeps working.

Anything else that escapes a function of the package is a bug in the package, not bad input.

>>> import d2l_linreg as d2l
>>> try:
...     d2l.synthetic_data([2.0, -3.4], 4.2, num_examples=-5)
... except d2l.InputError as exc:
...     print(type(exc).__name__, isinstance(exc, ValueError))
InputValueError True
"""

from __future__ import annotations

__all__ = ["InputError", "InputTypeError", "InputValueError"]


class InputError(Exception):
    """Bad input to a public function of the package; the message names the argument and the fix."""


class InputTypeError(InputError, TypeError):
    """An argument of the wrong kind (type or dtype)."""


class InputValueError(InputError, ValueError):
    """An argument of the right kind with a wrong value (range, shape, length, NaN, size)."""
