"""The one training loop, used for every model on the site.

Each step is ``zero_grad → forward → loss → backward → step``. Evaluation runs under
``model.eval()`` and ``torch.no_grad()``. The loop never plots or prints: what happened is in the
returned :class:`History`, and monitoring goes through callbacks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.data.loaders import InMemoryLoader
from d2l_linreg.training import distributed

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
        train_loss: per epoch, the mean training loss over the epoch's examples (each minibatch
            weighted by its size, measured while training, like the reference program prints).
        val_loss: per epoch, the mean loss on the validation data after the epoch (empty without it).
        step_loss: the loss of every minibatch step, in order.
        diverged: True if a loss became NaN or infinite; training stopped at that step.
        stopped_early: True if a callback asked to stop.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    diverged: bool = False
    stopped_early: bool = False

    @property
    def num_epochs(self) -> int:
        return len(self.train_loss)


class Callback:
    """Base class of callbacks; override what you need. Returning True from a hook stops training."""

    def on_step_end(self, step: int, loss: float) -> bool | None:
        return None

    def on_epoch_end(self, epoch: int, history: History) -> bool | None:
        return None


def _as_batches(data: Any, name: str, batch_size: int, seed: int | None, shuffle: bool) -> Any:
    if (
        isinstance(data, tuple)
        and len(data) == 2
        and all(isinstance(t, torch.Tensor) for t in data)
    ):
        return InMemoryLoader(data[0], data[1], batch_size, shuffle=shuffle, seed=seed)
    if isinstance(data, Iterable) and not isinstance(data, (torch.Tensor, str)):
        return data
    raise TypeError(
        f"{name} must be a tuple (X, y) of tensors or an iterable of (X, y) minibatches "
        f"(got {type(data).__name__}); pass e.g. {name}=(X, y)"
    )


def _model_device(model: nn.Module) -> torch.device:
    for tensor in [*model.parameters(), *getattr(model, "params", [])]:
        return tensor.device
    return torch.device("cpu")


def _mean_loss(loss_fn: LossFn, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    loss = loss_fn(y_hat, y)
    return loss if loss.dim() == 0 else loss.mean()  # per-example losses are averaged


def evaluate(
    model: nn.Module,
    loss_fn: LossFn,
    data: Any,
    *,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> float:
    """Mean loss of ``model`` over ``data`` (a tuple ``(X, y)`` or an iterable of minibatches).

    Runs under ``model.eval()`` and ``torch.no_grad()``; restores the previous mode afterwards.
    Each minibatch is weighted by its size, so the result is the mean over all examples.

    Example:
        >>> from d2l_linreg.models.scratch import LinearRegressionScratch, squared_loss
        >>> model = LinearRegressionScratch(1, sigma=0.0)
        >>> evaluate(model, squared_loss, (torch.tensor([[1.0], [2.0]]), torch.tensor([[3.0], [5.0]])))
        8.5
    """
    batches = _as_batches(data, "data", batch_size, None, shuffle=False)
    device = torch.device(device) if device is not None else _model_device(model)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in batches:
            X, y = X.to(device), y.to(device)
            total += _mean_loss(loss_fn, model(X), y).item() * X.shape[0]
            count += X.shape[0]
    model.train(was_training)
    if count == 0:
        raise ValueError(
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
) -> History:
    """Train ``model`` for ``num_epochs`` epochs and return the :class:`History`.

    Args:
        model: any ``nn.Module`` (the scratch model, ``nn.Linear``, an MLP, ...), already on ``device``.
        loss_fn: ``loss_fn(y_hat, y)``; a scalar, or per-example losses that are averaged.
        optimizer: has ``zero_grad()`` and ``step()`` (``torch.optim.SGD``, :class:`SGDScratch`).
        train_data: a tuple ``(X, y)`` (batched by :class:`InMemoryLoader` with ``batch_size`` and
            ``seed``) or any iterable of ``(X, y)`` minibatches, re-iterated each epoch.
        num_epochs: passes over ``train_data``.
        val_data: optional, like ``train_data``; evaluated after each epoch.
        device: where batches are moved; default: where the model's parameters are.
        callbacks: objects with ``on_step_end(step, loss)`` / ``on_epoch_end(epoch, history)``.

    Returns:
        The :class:`History`. If a loss becomes NaN or infinite, training stops and
        ``history.diverged`` is True.

    Example:
        >>> from d2l_linreg import synthetic_data, linear_model
        >>> X, y = synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
        >>> net = linear_model(2, seed=0)
        >>> opt = torch.optim.SGD(net.parameters(), lr=0.03)
        >>> h = train(net, nn.MSELoss(), opt, (X, y), num_epochs=5, seed=0)
        >>> len(h.train_loss), h.train_loss[-1] < 1e-3, [round(v, 2) for v in net.weight[0].tolist()]
        (5, True, [2.0, -3.4])
    """
    _checks.positive_int("num_epochs", num_epochs, 5)
    _checks.positive_int("batch_size", batch_size, 32)
    batches = _as_batches(train_data, "train_data", batch_size, seed, shuffle=True)
    # Data-parallel under torch.distributed (this rank's share of each global batch, gradients
    # averaged in sync); in one process the model and batches unchanged. See distributed.py.
    replica = distributed.replicate(model, batches)
    val_batches = None if val_data is None else _as_batches(val_data, "val_data", 1024, None, False)
    device = torch.device(device) if device is not None else _model_device(model)
    history = History()
    step = 0
    for epoch in range(num_epochs):
        model.train()
        total, count = 0.0, 0
        for X, y in replica.batches:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            loss = _mean_loss(loss_fn, replica.model(X), y)
            loss.backward()
            value, size = replica.sync(loss, X.shape[0])  # the global loss and batch size
            optimizer.step()
            history.step_loss.append(value)
            if not math.isfinite(value):
                history.diverged = True
                break
            total, count = total + value * size, count + size
            stop = _call_hooks(callbacks, "on_step_end", step, value)
            step += 1
            if stop:
                history.stopped_early = True
                break
        if count == 0 and not history.diverged:
            raise ValueError("train_data yielded no minibatch; pass a non-empty data set")
        history.train_loss.append(math.inf if history.diverged or not count else total / count)
        if history.diverged or history.stopped_early:
            break
        if val_batches is not None:
            history.val_loss.append(evaluate(model, loss_fn, val_batches, device=device))
        if _call_hooks(callbacks, "on_epoch_end", epoch, history):
            history.stopped_early = True
            break
    return history
