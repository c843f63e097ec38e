"""What :func:`~d2l_linreg.train` and :func:`~d2l_linreg.evaluate` check before and while they run.

Each check turns a silent wrong answer or a torch internal error into one message that names
the argument, what was expected, what was received, and the fix: data that is not ``(X, y)``,
data of another dtype or device than the model, an optimizer built on another model, targets
whose shape would broadcast against the predictions, a loss that is neither a scalar nor one
value per example, and an amount of work whose history cannot fit in memory.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import Any

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.data.loaders import InMemoryLoader
from d2l_linreg.errors import InputError, InputTypeError, InputValueError

STEP_BYTES = 32  # one entry of History.step_loss: a Python float (24 bytes) and its list slot (8)


def as_batches(
    data: Any, name: str, batch_size: int, seed: int | None, shuffle: bool, dtype: torch.dtype
) -> Iterable[Any]:
    """``(X, y)`` → an :class:`InMemoryLoader`; an iterable of minibatches is returned as it is.

    ``X`` and ``y`` may be tensors, numpy arrays or nested lists; arrays and lists are converted
    to ``dtype`` (the model's), tensors keep theirs (a mismatch is reported per batch).
    """
    if isinstance(data, tuple) and len(data) == 2 and not any(isinstance(t, tuple) for t in data):
        try:
            X, y = (t if isinstance(t, torch.Tensor) else _checks.as_tensor(n, t, dtype)
                    for n, t in zip(("X", "y"), data, strict=True))  # fmt: skip
            return InMemoryLoader(X, y, batch_size, shuffle=shuffle, seed=seed)
        except InputError as exc:  # the message names X or y: say whose
            raise type(exc)(f"{name}: {exc}") from None
    if isinstance(data, Iterable) and not isinstance(data, (torch.Tensor, str, bytes, dict)):
        return data
    raise InputTypeError(
        f"{name} must be a tuple (X, y) of tensors or arrays, or an iterable of (X, y) "
        f"minibatches (got {type(data).__name__}); pass e.g. {name}=(X, y)"
    )


def check_model(model: Any, name: str = "model") -> None:
    """``model`` is an ``nn.Module`` (its parameters are what the loop trains and checks)."""
    if not isinstance(model, nn.Module):
        raise InputTypeError(
            f"{name} must be an nn.Module (got {type(model).__name__}); pass e.g. "
            f"nn.Linear(2, 1) or d2l.models.LinearRegressionScratch(2)"
        )


def model_dtype(model: nn.Module) -> torch.dtype | None:
    """The dtype of the model's first floating-point parameter (None: no parameters)."""
    return next((p.dtype for p in model.parameters() if p.is_floating_point()), None)


def model_device(model: nn.Module, device: torch.device | str | None) -> torch.device:
    """Where the batches go: the model's device; an explicit ``device`` must be the same one."""
    devices = {p.device for p in model.parameters()}
    home = next(iter(devices)) if len(devices) == 1 else None
    if device is None:
        return home or torch.device("cpu")
    try:
        wanted = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise InputValueError(
            f"device must name a device (got {device!r}); use e.g. 'cpu'"
        ) from exc
    index = home.index if home is not None and wanted.index is None else wanted.index
    if home is not None and (home.type, home.index) != (wanted.type, index):
        raise InputValueError(
            f"device is {wanted} but the model's parameters are on {home}; move the model first "
            f"with model.to({str(wanted)!r}), or leave device out"
        )
    return home or wanted


def _held_tensors(optimizer: Any, depth: int = 0) -> list[torch.Tensor] | None:
    """The tensors an optimizer updates, when it says: ``param_groups`` (torch.optim), ``params``
    (``SGDScratch``), or those of a wrapped ``optimizer``; None when it does not say."""
    groups = getattr(optimizer, "param_groups", None)
    if isinstance(groups, list):
        return [p for group in groups for p in group.get("params", [])]
    params = getattr(optimizer, "params", None)
    if isinstance(params, (list, tuple)) and all(isinstance(p, torch.Tensor) for p in params):
        return list(params)
    inner = getattr(optimizer, "optimizer", None)
    return None if inner is None or depth > 3 else _held_tensors(inner, depth + 1)


def check_optimizer(model: nn.Module, optimizer: Any) -> None:
    """The optimizer has ``zero_grad()`` and ``step()`` and updates some of the model's parameters."""
    for method in ("zero_grad", "step"):
        if not callable(getattr(optimizer, method, None)):
            raise InputTypeError(
                f"optimizer must have zero_grad() and step() (got {type(optimizer).__name__} "
                f"without {method}()); pass e.g. torch.optim.SGD(model.parameters(), lr=0.03)"
            )
    held = _held_tensors(optimizer)
    own = {id(p) for p in model.parameters()}
    if held is not None and own and not own & {id(p) for p in held}:
        raise InputValueError(
            f"optimizer must update the model's parameters (it holds {len(held)} tensor(s), none "
            f"of them among the {len(own)} parameter(s) of the model: was it built on another "
            f"model?); create it from this model, e.g. torch.optim.SGD(model.parameters(), lr=0.03)"
        )


def memory_bytes() -> int:
    """The physical memory of this machine, in bytes."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): assume 64 GB
        return 64 * 2**30


def check_work(num_epochs: int, batches: Any) -> None:
    """Refuse a run whose history of step losses cannot fit in this machine's memory."""
    per_epoch = len(batches) if hasattr(batches, "__len__") else 1
    steps = num_epochs * max(per_epoch, 1)
    memory = memory_bytes()
    if steps * STEP_BYTES > memory:
        most = max(memory // STEP_BYTES // max(per_epoch, 1), 1)
        raise InputValueError(
            f"num_epochs={num_epochs} with {per_epoch} minibatch(es) per epoch means {steps:.3g} "
            f"steps, whose losses alone (history.step_loss, {STEP_BYTES} bytes each) need "
            f"{steps * STEP_BYTES / 1e9:.3g} GB, more than this machine's {memory / 1e9:.3g} GB; "
            f"use num_epochs={most} or fewer (or larger batches)"
        )


def batch_pair(
    batch: Any, dtype: torch.dtype | None, name: str = "train_data"
) -> tuple[torch.Tensor, torch.Tensor]:
    """A minibatch is a pair ``(X, y)`` of tensors of the model's dtype."""
    if type(batch) is tuple and len(batch) == 2:  # the common case, checked fast
        X, y = batch
        if type(X) is torch.Tensor and type(y) is torch.Tensor and X.dtype == y.dtype == dtype:
            return X, y
    pair = tuple(batch) if isinstance(batch, (tuple, list)) else None
    if pair is None or len(pair) != 2 or not all(isinstance(t, torch.Tensor) for t in pair):
        got = (
            f"{len(pair)} items of types {', '.join(type(t).__name__ for t in pair)}"
            if pair is not None
            else type(batch).__name__
        )
        raise InputTypeError(
            f"each minibatch of {name} must be a pair (X, y) of tensors (got {got}); pass the data as "
            f"(X, y) to have it batched and converted"
        )
    for label, t in zip(("X", "y"), pair, strict=True):
        if dtype is not None and t.dtype != dtype:
            raise InputTypeError(
                f"{name}'s {label} has dtype {t.dtype} but the model's parameters have dtype "
                f"{dtype}; convert the data with {label}.to({dtype}) (or the model with "
                f"model.to({t.dtype}))"
            )
    return pair[0], pair[1]


def check_prediction(y_hat: torch.Tensor, y: torch.Tensor) -> None:
    """Predictions and targets of one minibatch have the same shape (nothing broadcasts)."""
    if y_hat.shape != y.shape:
        fix = (
            "reshape the targets with y.reshape(-1, 1)"
            if y.dim() == 1 and y_hat.shape == (len(y), 1)
            else f"give the targets the shape of the predictions, {tuple(y_hat.shape)}"
        )
        raise InputValueError(
            f"the model's predictions have shape {tuple(y_hat.shape)} but the targets y have "
            f"shape {tuple(y.shape)}, which a loss would broadcast; {fix}"
        )


def check_loss(losses: torch.Tensor, y_hat: torch.Tensor) -> None:
    """``loss_fn`` returned a scalar, or one value per example (or per prediction)."""
    if not isinstance(losses, torch.Tensor):
        raise InputTypeError(
            f"loss_fn must return a tensor (got {type(losses).__name__}); return e.g. "
            f"((y_hat - y) ** 2).mean()"
        )
    if losses.dim() != 0 and losses.shape not in (y_hat.shape, y_hat.shape[:1]):
        raise InputValueError(
            f"loss_fn must return a scalar or one loss per example (got shape "
            f"{tuple(losses.shape)} for predictions of shape {tuple(y_hat.shape)}); reduce it "
            f"with .mean(), or check the shapes of y_hat and y inside the loss"
        )


def checked_loss(loss_fn: Any) -> Any:
    """``loss_fn`` with the two checks around it: same shapes before, scalar or per-example after."""
    if not callable(loss_fn):
        raise InputTypeError(
            f"loss_fn must be a function loss_fn(y_hat, y) (got {type(loss_fn).__name__}); "
            f"pass e.g. d2l.squared_loss or nn.MSELoss()"
        )

    def loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_prediction(y_hat, y)
        losses = loss_fn(y_hat, y)
        check_loss(losses, y_hat)
        return losses

    return loss


class LastFinite:
    """A copy of the parameters before each step, put back if the step makes any non-finite
    (or if Ctrl-C cuts the step in half), so that training always ends on finite parameters."""

    def __init__(self, params: list[torch.Tensor]) -> None:
        self.params, self.pending = params, False
        self.saved = [torch.empty_like(p) for p in params]

    def save(self) -> None:
        for saved, p in zip(self.saved, self.params, strict=True):
            saved.copy_(p.detach())
        self.pending = True

    def commit(self) -> bool:
        """Keep the step if every parameter is finite; otherwise undo it and return False."""
        if self.finite():
            self.pending = False
            return True
        self.rollback()
        return False

    def finite(self) -> bool:
        """Every parameter finite: a NaN or infinity anywhere makes a sum non-finite (one fast
        pass); a finite sum can overflow only near the float maximum, which the exact check clears."""
        if all(math.isfinite(p.detach().sum().item()) for p in self.params):
            return True
        return all(bool(torch.isfinite(p).all()) for p in self.params)

    def rollback(self) -> None:
        if self.pending:
            for saved, p in zip(self.saved, self.params, strict=True):
                p.detach().copy_(saved)
            self.pending = False
