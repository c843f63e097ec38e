"""Save a training run after each epoch and resume it exactly.

A run's state is more than the model: the optimizer's state (momentum buffers, step counts), the
random generator that shuffles the minibatches (the next epoch's order), the global generator
(dropout, a loader without its own generator), the number of epochs done, and the history. With
all of it restored, the resumed run takes the same steps as an uninterrupted one, bit for bit.

The file holds plain tensors, numbers, lists and dicts only, so that it loads with
``torch.load(weights_only=True)`` (no pickled code runs). It is written to a temporary file in
the same folder and renamed over the old one, so a crash or Ctrl-C mid-write leaves the last
complete checkpoint in place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from d2l_linreg.errors import InputTypeError, InputValueError

FORMAT = "d2l_linreg.checkpoint/1"
HISTORY_FIELDS = ("train_loss", "val_loss", "step_loss")


def checkpoint_path(name: str, path: Any, *, must_exist: bool, flag: bool = False) -> Path:
    """``path`` as a Path; its folder must exist (and the file too when resuming).

    Messages name the argument as ``name=PATH``, or as ``name PATH`` for a command-line ``flag``.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(
            f"{name} must be a file path (got {type(path).__name__}); pass e.g. {name}='run.pt'"
        )
    p = Path(path)
    label = f"{name} {p}" if flag else f"{name}={str(p)!r}"
    if must_exist and not p.is_file():
        raise InputValueError(f"{label}: no such file; pass the path of a checkpoint train wrote")
    if not must_exist and not p.parent.is_dir():
        raise InputValueError(
            f"{label}: the folder {str(p.parent)!r} does not exist; create it first"
        )
    return p


def _loader_generator(batches: Any) -> torch.Generator | None:
    gen = getattr(batches, "generator", None)  # InMemoryLoader and DataLoader
    return gen if isinstance(gen, torch.Generator) else None


def _data_shape(batches: Any) -> list[int] | None:
    n, size = getattr(batches, "num_examples", None), getattr(batches, "batch_size", None)
    return [n, size] if isinstance(n, int) and isinstance(size, int) else None


def save(path: Path, *, model: nn.Module, optimizer: Any, batches: Any, history: Any) -> None:
    """Write the state after ``history.num_epochs`` complete epochs, atomically."""
    gen = _loader_generator(batches)
    state = {
        "format": FORMAT,
        "epoch": history.num_epochs,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if hasattr(optimizer, "state_dict") else None,
        "loader_rng": None if gen is None else gen.get_state(),
        "global_rng": torch.get_rng_state(),
        "data": _data_shape(batches),
        "history": {field: list(getattr(history, field)) for field in HISTORY_FIELDS},
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read(path: Path, label: str) -> dict[str, Any]:
    """The checkpoint's contents, or a ValueError that starts with ``label`` and says why not."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, foreign pickle, not a torch file at all, ...
        reason = " ".join(str(exc).split())[:160]
        raise InputValueError(
            f"{label} is not a readable checkpoint ({type(exc).__name__}: {reason}); "
            f"pass a file written by train(..., checkpoint=PATH)"
        ) from exc
    keys = {"epoch", "model", "optimizer", "loader_rng", "global_rng", "data", "history"}
    if not isinstance(state, dict) or state.get("format") != FORMAT or not keys <= state.keys():
        raise InputValueError(
            f"{label} is not a d2l_linreg checkpoint (no format tag {FORMAT!r}); "
            f"pass a file written by train(..., checkpoint=PATH)"
        )
    return state


def load(
    path: Path, *, model: nn.Module, optimizer: Any, batches: Any, num_epochs: int
) -> dict[str, Any]:
    """Restore model, optimizer and generators from ``path``; return the history lists.

    Nothing is changed when the file does not fit this run (another model, other data, more
    epochs than ``num_epochs``).
    """
    state = read(path, f"resume={str(path)!r}")
    if not isinstance(state["epoch"], int) or not 0 <= state["epoch"] <= num_epochs:
        raise InputValueError(
            f"resume={str(path)!r} holds {state['epoch']!r} epochs, more than num_epochs="
            f"{num_epochs}; pass num_epochs={state['epoch']!r} or more (the total, not the rest)"
        )
    shape = _data_shape(batches)
    if state["data"] is not None and shape is not None and state["data"] != shape:
        raise InputValueError(
            f"resume={str(path)!r} was written for {state['data'][0]} examples in batches of "
            f"{state['data'][1]} (got {shape[0]} and {shape[1]}); resume with the same data and "
            f"batch_size"
        )
    gen = _loader_generator(batches)
    if (state["loader_rng"] is None) != (gen is None):
        raise InputValueError(
            f"resume={str(path)!r} was written with{'out' if gen is not None else ''} a seeded "
            f"loader; resume with the same seed setting as the run that wrote it"
        )
    own = model.state_dict()
    saved = state["model"]
    if not isinstance(saved, dict) or {k: tuple(v.shape) for k, v in saved.items()} != {
        k: tuple(v.shape) for k, v in own.items()
    }:
        raise InputValueError(
            f"resume={str(path)!r} was written for another model (parameters "
            f"{sorted(saved) if isinstance(saved, dict) else '?'}, this model has {sorted(own)}); "
            f"resume with the model of the run that wrote it"
        )
    try:
        before = optimizer.state_dict() if hasattr(optimizer, "state_dict") else None
        if state["optimizer"] is not None and before is not None:
            optimizer.load_state_dict(state["optimizer"])
    except (ValueError, KeyError, RuntimeError) as exc:
        raise InputValueError(
            f"resume={str(path)!r} holds the state of another optimizer ({exc}); resume with "
            f"the optimizer of the run that wrote it"
        ) from exc
    model.load_state_dict(saved)
    if gen is not None:
        gen.set_state(state["loader_rng"])
    torch.set_rng_state(state["global_rng"])
    return {f: list(state["history"][f]) for f in HISTORY_FIELDS}
