"""The one training loop, used for every model on the site.

Each step is ``zero_grad → forward → loss → mean → backward → step``. Evaluation runs under
``model.eval()`` and ``torch.no_grad()``. The loop never plots or prints: what happened is in the
returned :class:`History`, and monitoring goes through callbacks. Its inputs are checked by
:mod:`~d2l_linreg.training.guards`; saving and resuming is :mod:`~d2l_linreg.training.checkpoint`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError
from d2l_linreg.training import checkpoint as ckpt
from d2l_linreg.training import distributed, guards

Batch = tuple[torch.Tensor, torch.Tensor]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class Optimizer(Protocol):
    """What the loop needs from an optimizer (``torch.optim.*`` and :class:`SGDScratch` qualify)."""

    def zero_grad(self) -> Any: ...

    def step(self) -> Any: ...


@dataclass
class History:
    """What one call of :func:`train` did.

    Attributes:
        train_loss: per epoch, the mean training loss over the examples of the steps taken in the
            epoch (each minibatch weighted by its size, measured while training).
        val_loss: per epoch, the mean loss on the validation data after the epoch (empty without it).
        step_loss: the loss of every minibatch step, in order.
        diverged: True if a loss, or a parameter after a step, became NaN or infinite. That
            step's update is not kept, so the model holds the last finite parameters;
            ``step_loss[-1]`` is the loss of that step.
        stopped_early: True if a callback asked to stop.
        interrupted: True if Ctrl-C (``KeyboardInterrupt``) stopped training; the model holds
            the parameters after the last completed step.

    Every way of stopping leaves the same kind of history: the epoch in progress ends there and
    is recorded like a full one (its ``train_loss`` over the steps it took, its ``val_loss``,
    ``on_epoch_end``), whether the stop came from ``on_step_end``, ``on_epoch_end`` or a
    divergence. Ctrl-C alone runs nothing more: the epoch in progress gets its ``train_loss``
    (if it took a step), but no validation, callback or checkpoint.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    diverged: bool = False
    stopped_early: bool = False
    interrupted: bool = False

    @property
    def num_epochs(self) -> int:
        return len(self.train_loss)


class Callback:
    """Base class of callbacks; override what you need. Returning True from a hook stops training."""

    def on_step_end(self, step: int, loss: float) -> bool | None:
        return None

    def on_epoch_end(self, epoch: int, history: History) -> bool | None:
        return None


def epoch_batches(
    batches: Iterable[Any], device: torch.device, dtype: Any, name: str = "train_data"
) -> Iterator[Batch]:
    """One pass over ``batches``: each ``(X, y)`` checked, detached and moved to ``device``.

    The one place where the loop reads data (a data-parallel run swaps in a sharded version).
    """
    for batch in batches:
        X, y = guards.batch_pair(batch, dtype, name)
        if X.requires_grad or y.requires_grad:
            X, y = X.detach(), y.detach()  # data, never part of a graph
        yield X.to(device), y.to(device)


def evaluate(
    model: nn.Module,
    loss_fn: LossFn,
    data: Any,
    *,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> float:
    """Mean loss of ``model`` over ``data`` (a tuple ``(X, y)`` or an iterable of minibatches).

    Runs under ``model.eval()`` and ``torch.no_grad()``; restores the previous mode afterwards,
    also when an error stops it. Each minibatch is weighted by its size, so the result is the
    mean over all examples. Predictions and targets must have the same shape.

    Example:
        >>> from d2l_linreg.models.scratch import LinearRegressionScratch, squared_loss
        >>> model = LinearRegressionScratch(1, sigma=0.0)
        >>> evaluate(model, squared_loss, (torch.tensor([[1.0], [2.0]]), torch.tensor([[3.0], [5.0]])))
        8.5
    """
    guards.check_model(model)
    _checks.positive_int("batch_size", batch_size, 1024)
    device = guards.model_device(model, device)
    dtype = guards.model_dtype(model)
    batches = guards.as_batches(data, "data", batch_size, None, False, dtype or torch.float32)
    loss_fn = guards.checked_loss(loss_fn)  # same shapes in, a scalar or per-example loss out
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        with torch.no_grad():
            for X, y in epoch_batches(batches, device, dtype, "data"):
                losses = loss_fn(model(X), y)
                total += losses.mean().item() * len(X)  # the batch's mean, weighted by its size
                count += len(X)
    finally:
        model.train(was_training)
    if count == 0:
        raise InputValueError(
            "data must hold at least one example (got none); pass a non-empty data set"
        )
    return total / count


def _call_hooks(callbacks: Sequence[Callback], hook: str, *args: Any) -> bool:
    stop = False
    for cb in callbacks:
        method = getattr(cb, hook, None)
        if method is not None and method(*args):
            stop = True
    return stop


def train(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: Optimizer,
    train_data: Any,
    *,
    num_epochs: int,
    val_data: Any = None,
    batch_size: int = 32,
    seed: int | None = None,
    device: torch.device | str | None = None,
    callbacks: Sequence[Callback] = (),
    checkpoint: str | os.PathLike[str] | None = None,
    resume: str | os.PathLike[str] | None = None,
) -> History:
    """Train ``model`` for ``num_epochs`` epochs and return the :class:`History`.

    Args:
        model: any ``nn.Module`` (the scratch model, ``nn.Linear``, an MLP, ...), already on ``device``.
        loss_fn: ``loss_fn(y_hat, y)``; a scalar, or per-example losses, of which the loop takes
            the mean. ``y_hat`` and ``y`` must have the same shape (nothing is broadcast).
        optimizer: has ``zero_grad()`` and ``step()`` (``torch.optim.SGD``, :class:`SGDScratch`)
            and updates the model's parameters.
        train_data: a tuple ``(X, y)`` of tensors, arrays or lists (batched by
            :class:`InMemoryLoader` with ``batch_size`` and ``seed``; arrays and lists are
            converted to the model's dtype) or any iterable of ``(X, y)`` minibatches of tensors,
            re-iterated each epoch.
        num_epochs: passes over ``train_data`` (in all, counting those of a resumed run).
        val_data: optional, like ``train_data``; evaluated after each epoch.
        device: where batches are moved; default and only choice: where the model's parameters are.
        callbacks: objects with ``on_step_end(step, loss)`` / ``on_epoch_end(epoch, history)``.
        checkpoint: a file to write the run's state to after each complete epoch (atomically).
        resume: a file written with ``checkpoint=``: the run continues from it, and ends with the
            parameters and history of an uninterrupted run, bit for bit.

    Returns:
        The :class:`History` (how each kind of stop is recorded is described there). A loss or a
        parameter that becomes NaN or infinite stops training with ``history.diverged``; Ctrl-C
        stops it with ``history.interrupted``. Either way the model keeps finite parameters.

    Example:
        >>> from d2l_linreg import synthetic_data, linear_model
        >>> X, y = synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
        >>> net = linear_model(2, seed=0)
        >>> opt = torch.optim.SGD(net.parameters(), lr=0.03)
        >>> h = train(net, nn.MSELoss(), opt, (X, y), num_epochs=5, seed=0)
        >>> len(h.train_loss), h.train_loss[-1] < 1e-3, [round(v, 2) for v in net.weight[0].tolist()]
        (5, True, [2.0, -3.4])
    """
    guards.check_model(model)
    _checks.positive_int("num_epochs", num_epochs, 5)
    _checks.positive_int("batch_size", batch_size, 32)
    guards.check_optimizer(model, optimizer)
    loss_fn = guards.checked_loss(loss_fn)  # same shapes in, a scalar or per-example loss out
    device = guards.model_device(model, device)
    dtype = guards.model_dtype(model)
    batches = guards.as_batches(
        train_data, "train_data", batch_size, seed, True, dtype or torch.float32
    )
    val_batches = None
    if val_data is not None:
        val_batches = guards.as_batches(
            val_data, "val_data", 1024, None, False, dtype or torch.float32
        )
    guards.check_work(num_epochs, batches)
    # Data-parallel under torch.distributed (this rank's share of each global batch, gradients
    # averaged in sync); in one process the model and batches are unchanged. See distributed.py.
    replica = distributed.replicate(model, batches)
    save_to = (
        None
        if checkpoint is None
        else ckpt.checkpoint_path("checkpoint", checkpoint, must_exist=False)
    )
    history = History()
    if resume is not None:
        path = ckpt.checkpoint_path("resume", resume, must_exist=True)
        state = ckpt.load(
            path, model=model, optimizer=optimizer, batches=batches, num_epochs=num_epochs
        )
        history = History(**state)
    last_finite = guards.LastFinite(list(model.parameters()))
    step, total, count, in_epoch = len(history.step_loss), 0.0, 0, False
    try:
        for epoch in range(history.num_epochs, num_epochs):
            model.train()
            total, count, in_epoch, stop = 0.0, 0, True, False
            for X, y in epoch_batches(replica.batches, device, dtype):
                optimizer.zero_grad()
                losses = loss_fn(replica.model(X), y)  # (B, 1) per-example losses, or a scalar
                loss = losses.mean() if losses.dim() else losses  # the minibatch mean: 1/|B| once
                loss.backward()
                value, size = replica.sync(loss, len(X))  # the (global) loss and batch size
                finite = math.isfinite(value)  # checked before the step: no NaN reaches the model
                if finite:
                    last_finite.save()
                    optimizer.step()
                    finite = last_finite.commit()  # False: this step overflowed, and is undone
                history.step_loss.append(value)
                total, count = total + value * size, count + size
                if not finite:
                    history.diverged = True
                    break
                stop = _call_hooks(callbacks, "on_step_end", step, value)
                step += 1
                if stop:
                    break
            if count == 0:
                raise InputValueError(
                    f"train_data yielded no minibatch in epoch {epoch + 1}; pass a non-empty data "
                    f"set that can be iterated again each epoch (a tuple (X, y), a list, a DataLoader)"
                )
            history.train_loss.append(total / count)
            in_epoch = False
            if val_batches is not None:
                history.val_loss.append(evaluate(model, loss_fn, val_batches, device=device))
            complete = not (stop or history.diverged)
            stop = _call_hooks(callbacks, "on_epoch_end", epoch, history) or stop
            if save_to is not None and complete and distributed.is_main_process():  # the one write
                ckpt.save(
                    save_to, model=model, optimizer=optimizer, batches=batches, history=history
                )
            if stop or history.diverged:
                history.stopped_early = stop
                break
    except KeyboardInterrupt:
        last_finite.rollback()  # a step cut in half is undone
        history.interrupted = True
        if in_epoch and count:
            history.train_loss.append(total / count)
    return history
