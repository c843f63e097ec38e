"""Bugs in the training loop, each reproduced on purpose so that its symptom can be measured.

Every demonstration runs the package's one :func:`~d2l_linreg.train`; the bug is in what goes
into it: an unshuffled loader over data sorted by target (:func:`shuffling_run`), a loss that is
summed or averaged twice (:func:`summed_squared_loss`, :func:`twice_averaged_squared_loss`), an
optimizer whose ``zero_grad`` does nothing (:class:`SkipZeroGrad`). The general callback
:class:`~d2l_linreg.training.callbacks.ParameterPath` records where the parameters went. The data
and solver pitfalls are in :mod:`d2l_linreg.pitfalls.data_and_solver` and
:mod:`d2l_linreg.pitfalls.feature_scaling`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.data.loaders import InMemoryLoader
from d2l_linreg.data.splits import train_val_split
from d2l_linreg.data.synthetic import synthetic_data
from d2l_linreg.errors import InputTypeError, InputValueError
from d2l_linreg.models.concise import linear_model
from d2l_linreg.models.scratch import squared_loss
from d2l_linreg.training.callbacks import ParameterPath
from d2l_linreg.training.loop import History, train

Batch = tuple[torch.Tensor, torch.Tensor]
TRUE_W, TRUE_B = (2.0, -3.4), 4.2  # the site's running example


# --- Not shuffling ----------------------------------------------------------------------------


def sort_by_target(X: Any, y: Any) -> Batch:
    """The examples reordered by increasing target, as in a file sorted by price or by date.

    Example:
        >>> X, y = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([[5.0], [1.0], [3.0]])
        >>> Xs, ys = sort_by_target(X, y)
        >>> Xs.flatten().tolist(), ys.flatten().tolist()
        ([2.0, 3.0, 1.0], [1.0, 3.0, 5.0])
    """
    X, y = _checks.design_and_target(X, y)
    order = torch.argsort(y[:, 0], stable=True)
    return X[order], y[order]


@dataclass
class ShufflingRun:
    """One training run on target-sorted data: its history and the parameter path ``(w1, w2, b)``."""

    history: History
    path: torch.Tensor
    steps_per_epoch: int

    @property
    def val_loss(self) -> float:
        """Validation loss (mean ½ squared error) after the last epoch."""
        return self.history.val_loss[-1]

    @property
    def bias_error(self) -> float:
        """``b - b*`` at the end of training."""
        return float(self.path[-1, -1]) - TRUE_B

    @property
    def bias_swing(self) -> float:
        """How far the bias travels within the last epoch (max - min over its steps)."""
        b = self.path[-self.steps_per_epoch :, -1]
        return float(b.max() - b.min())


def shuffling_run(
    shuffle: bool,
    *,
    num_examples: int = 1000,
    noise: float = 1.0,
    lr: float = 0.3,
    batch_size: int = 32,
    num_epochs: int = 5,
    seed: int = 0,
) -> ShufflingRun:
    """Train the linear model on data sorted by target, with or without shuffling each epoch.

    The running example's ``w* = (2, -3.4)``, ``b* = 4.2`` with noise ``noise``; a random 20 %
    validation split is taken *before* sorting, so only the training order differs.

    Example:
        >>> bad, good = shuffling_run(shuffle=False), shuffling_run(shuffle=True)
        >>> bad.val_loss > 1.5 * good.val_loss, bad.bias_error > 0.5 > abs(good.bias_error)
        (True, True)
    """
    _checks.flag("shuffle", shuffle)
    lr = _checks.positive_float("lr", lr, 0.3, maximum=_checks.FLOAT32_MAX)
    X, y = synthetic_data(TRUE_W, TRUE_B, num_examples, noise, seed=seed)
    (X_tr, y_tr), val = train_val_split(X, y, 0.2, seed=seed)
    loader = InMemoryLoader(*sort_by_target(X_tr, y_tr), batch_size, shuffle=shuffle, seed=seed)
    model = linear_model(2, seed=seed)
    path = ParameterPath(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = train(
        model,
        squared_loss,
        optimizer,
        loader,
        num_epochs=num_epochs,
        val_data=val,
        callbacks=[path],
    )
    return ShufflingRun(history, path.tensor(), len(loader))


# --- Averaging the loss twice, or not at all --------------------------------------------------


def summed_squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The bug "not averaged": ``Σ_i ½ (y_hat_i - y_i)²`` over the minibatch, a scalar.

    Its gradient is ``|B|`` times that of the mean loss, so the step is ``|B|`` times too large.

    Example:
        >>> summed_squared_loss(torch.zeros(4, 1), torch.ones(4, 1))
        tensor(2.)
    """
    return squared_loss(y_hat, y).sum()


def twice_averaged_squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The bug "averaged twice": the mean loss divided by ``|B|`` once more, a scalar.

    Its gradient is ``1 / |B|`` of that of the mean loss, so the step is ``|B|`` times too small.

    Example:
        >>> twice_averaged_squared_loss(torch.zeros(4, 1), torch.ones(4, 1))
        tensor(0.1250)
    """
    return squared_loss(y_hat, y).mean() / y_hat.shape[0]


def effective_lr(lr: float, batch_size: int, reduction: str) -> float:
    """The learning rate that the mean loss would need to take the same step.

    ``reduction`` is ``"mean"`` (correct), ``"sum"`` (not averaged: ``lr * batch_size``) or
    ``"mean_twice"`` (averaged twice: ``lr / batch_size``).

    Example:
        >>> [effective_lr(0.1, 32, r) for r in ("mean", "sum", "mean_twice")]
        [0.1, 3.2, 0.003125]
    """
    lr = _checks.positive_float("lr", lr, 0.03, maximum=_checks.FLOAT32_MAX)
    _checks.positive_int("batch_size", batch_size, 32)
    factors = {"mean": 1.0, "sum": float(batch_size), "mean_twice": 1.0 / batch_size}
    _checks.choice("reduction", reduction, tuple(factors))
    return lr * factors[reduction]


# --- Forgetting zero_grad ---------------------------------------------------------------------


class SkipZeroGrad:
    """An optimizer wrapper with the bug: ``zero_grad()`` does nothing, ``step()`` is the wrapped one.

    Pass it to :func:`train` in place of the optimizer to see what forgetting
    ``optimizer.zero_grad()`` does: every ``backward()`` *adds* to ``.grad``.

    Example:
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = SkipZeroGrad(torch.optim.SGD([w], lr=0.1))
        >>> for _ in range(3):
        ...     opt.zero_grad(); (2 * w).sum().backward(); opt.step()
        >>> w.grad.item()                  # 2 + 2 + 2: never reset
        6.0
        >>> round(w.item(), 4)             # 1 - 0.1 * (2 + 4 + 6)
        -0.2
    """

    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer

    def zero_grad(self) -> None:
        """The bug: leave the gradients of the previous steps in place."""

    def step(self) -> None:
        self.optimizer.step()


def accumulated_gradients(
    model: nn.Module, loss_fn: Any, batches: Iterable[Batch]
) -> list[list[torch.Tensor]]:
    """Call ``backward()`` on each minibatch's mean loss *without* zeroing; snapshot ``.grad``.

    The parameters do not change (no optimizer step), so after k calls each ``.grad`` is exactly
    the sum of the k minibatch gradients.

    Returns:
        One entry per batch: copies of the ``.grad`` of every parameter after that ``backward()``.

    Example:
        >>> model = nn.Linear(1, 1, bias=False)
        >>> with torch.no_grad():
        ...     _ = model.weight.zero_()
        >>> batches = [(torch.tensor([[1.0]]), torch.tensor([[3.0]]))] * 3
        >>> [g[0].item() for g in accumulated_gradients(model, squared_loss, batches)]
        [-3.0, -6.0, -9.0]
    """
    if not isinstance(model, nn.Module):
        raise InputTypeError(f"model must be an nn.Module (got {type(model).__name__})")
    if not callable(loss_fn):
        raise InputTypeError(f"loss_fn must be a function (got {type(loss_fn).__name__})")
    if isinstance(batches, (str, bytes, torch.Tensor)) or not isinstance(batches, Iterable):
        raise InputTypeError(
            f"batches must be a list of (X, y) minibatches (got {type(batches).__name__})"
        )
    batches = list(batches)
    if not batches or not all(isinstance(b, (tuple, list)) and len(b) == 2 for b in batches):
        raise InputValueError(
            f"batches must hold at least one (X, y) pair (got {len(batches)} item(s) of types "
            f"{sorted({type(b).__name__ for b in batches})}); pass e.g. [(X, y)]"
        )
    params = list(model.parameters())
    for p in params:
        p.grad = None
    snapshots = []
    for X, y in batches:
        X, y = _checks.design_and_target(X, y)
        loss_fn(model(X), y).mean().backward()
        snapshots.append(
            [torch.zeros_like(p) if p.grad is None else p.grad.detach().clone() for p in params]
        )
    return snapshots
