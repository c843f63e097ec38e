"""Checks of scalar arguments: sizes, numbers, choices, dtypes, devices, seeds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from d2l_linreg.errors import InputTypeError, InputValueError

REAL_DTYPES = (torch.float32, torch.float64)
FLOAT32_MAX = torch.finfo(torch.float32).max  # a setting used in float32 must fit in it


def _describe(value: Any) -> str:
    text = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return f"{text} that is a {type(value).__name__}"


def _number(name: str, value: Any, what: str, example: Any) -> Any:
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.dtype in REAL_DTYPES:
        value = value.item() if not value.is_meta else value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputTypeError(
            f"{name} must be {what} (got {_describe(value)}); use e.g. {name}={example}"
        )
    return value


def positive_int(name: str, value: Any, example: int, *, maximum: int | None = None) -> int:
    """Return ``value`` if it is an integer in 1..maximum (fractional numbers are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(
            f"{name} must be a positive integer (got {_describe(value)}); use e.g. {name}={example}"
        )
    maximum = 2**62 if maximum is None else maximum  # beyond, torch cannot even hold the number
    if value <= 0 or value > maximum:
        bound = f" at most {maximum}" if value > 0 else ""
        raise InputValueError(
            f"{name} must be a positive integer{bound} (got {value}); use e.g. {name}={example}"
        )
    return value


def work_size(name: str, value: Any, example: int, *, limit: int, cost: str) -> int:
    """A positive integer that decides the amount of work, refused above ``limit`` (with why)."""
    positive_int(name, value, example)
    if value > limit:
        raise InputValueError(
            f"{name}={value} is more than this function can do (at most {limit}: {cost}); "
            f"use e.g. {name}={example}"
        )
    return value


def _real(name: str, value: Any, example: float, what: str, ok: Any) -> float:
    value = _number(name, value, what.replace("a finite number", "a number"), example)
    if not (math.isfinite(value) and ok(value)):
        raise InputValueError(f"{name} must be {what} (got {value}); use e.g. {name}={example}")
    return float(value)


def positive_float(name: str, value: Any, example: float, *, maximum: float = math.inf) -> float:
    """Return ``value`` as a float if it is a finite number > 0 (and at most ``maximum``)."""
    if type(value) is float and 0.0 < value <= maximum and value != math.inf:
        return value  # the per-step fast path (NaN fails the comparison)
    what = "a positive number" + ("" if maximum == math.inf else f" at most {maximum:.3g}")
    return _real(name, value, example, what, lambda v: 0 < v <= maximum)


def finite_float(name: str, value: Any, example: float) -> float:
    """Return ``value`` as a float if it is a finite real number (or a one-element tensor)."""
    return _real(name, value, example, "a finite number", lambda v: True)


def non_negative_float(name: str, value: Any, example: float) -> float:
    """Return ``value`` as a float if it is a finite number >= 0."""
    return _real(name, value, example, "a number >= 0", lambda v: v >= 0)


def flag(name: str, value: Any) -> bool:
    """``value`` if it is True or False (a string such as "no" would count as True)."""
    if not isinstance(value, bool):
        raise InputTypeError(f"{name} must be True or False (got {_describe(value)})")
    return value


def record(name: str, value: Any, fields: Sequence[str], kind: str, fix: str) -> Any:
    """``value`` if it has the attributes ``fields`` (a result record such as History)."""
    if not all(hasattr(value, f) for f in fields):
        raise InputTypeError(f"{name} must be a {kind} (got {type(value).__name__}); {fix}")
    return value


def text(name: str, value: Any) -> str | None:
    """``value`` if it is a string or None (a title, a label)."""
    if value is not None and not isinstance(value, str):
        raise InputTypeError(f"{name} must be a string or None (got {_describe(value)})")
    return value


def choice(name: str, value: Any, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of the strings ``options``."""
    if not isinstance(value, str) or value not in options:
        error = InputValueError if isinstance(value, str) else InputTypeError
        shown = repr(value) if isinstance(value, str) else _describe(value)
        raise error(
            f"{name} must be one of {tuple(options)} (got {shown}); use e.g. {name}={options[0]!r}"
        )
    return value


def float_dtype(name: str, dtype: Any) -> torch.dtype:
    """``torch.float32`` or ``torch.float64``; anything else would round the data or fail later."""
    if dtype not in REAL_DTYPES:
        raise InputValueError(
            f"{name} must be torch.float32 or torch.float64 (got {dtype!r}), other dtypes would "
            f"round or drop the values; use e.g. {name}=torch.float64"
        )
    return dtype


def device(name: str, value: Any) -> torch.device:
    """A device that can hold data: ``"cpu"``, or ``"cuda"``/``"mps"`` where available."""
    try:
        dev = torch.device(value)
    except (TypeError, RuntimeError) as exc:
        raise InputValueError(
            f"{name} must name a device such as 'cpu' or 'cuda' (got {_describe(value)}); "
            f"use e.g. {name}='cpu'"
        ) from exc
    usable = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
    }
    if not usable.get(dev.type, False):
        raise InputValueError(
            f"{name}={str(dev)!r} cannot hold data on this machine ('meta' tensors have no "
            f"values); use {name}='cpu'"
        )
    return dev


def seed_generator(seed: int | None) -> torch.Generator | None:
    """A CPU generator seeded with ``seed``, or None (use the global RNG) when seed is None."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputTypeError(f"seed must be an integer or None (got {_describe(seed)}); use seed=0")
    if not -(2**63) <= seed < 2**64:
        raise InputValueError(
            f"seed must be an integer in [-2**63, 2**64) (got {seed}); use seed=0"
        )
    return torch.Generator().manual_seed(seed)
