"""General callbacks for :func:`~d2l_linreg.train`: print the loss, record the parameter path.

Each overrides the hooks of :class:`~d2l_linreg.training.loop.Callback`. (The command line's
progress bar lives with the command line, in :mod:`d2l_linreg.cli_train`.)
"""

from __future__ import annotations

import sys
from typing import TextIO

import torch
from torch import nn

from d2l_linreg.errors import InputTypeError
from d2l_linreg.training.loop import Callback, History


class PrintLoss(Callback):
    """Prints ``epoch N, train loss L[, val loss V]`` after each epoch."""

    def __init__(self, stream: TextIO | None = None) -> None:
        if stream is not None and not callable(getattr(stream, "write", None)):
            raise InputTypeError(
                f"stream must be a text stream with write() (got {type(stream).__name__}); "
                f"pass e.g. sys.stderr, or leave it out for standard output"
            )
        self.stream = stream

    def on_epoch_end(self, epoch: int, history: History) -> None:
        line = f"epoch {epoch + 1}, train loss {history.train_loss[-1]:.6f}"
        if history.val_loss:
            line += f", val loss {history.val_loss[-1]:.6f}"
        print(line, file=self.stream or sys.stdout)


class ParameterPath(Callback):
    """A callback that records all parameters of ``model``, flattened, after every step.

    ``points`` starts with the parameters before training, so after k steps it holds k + 1
    rows. For ``nn.Linear(d, 1)`` a row is ``(w_1, ..., w_d, b)``; for the from-scratch model
    it is the same, ``(w_1, ..., w_d, b)``.

    Example:
        >>> model = nn.Linear(1, 1)
        >>> path = ParameterPath(model)
        >>> with torch.no_grad():
        ...     _ = model.weight.fill_(2.0), model.bias.fill_(-1.0)
        >>> path.on_step_end(0, 0.0)
        >>> path.tensor()[-1].tolist()
        [2.0, -1.0]
    """

    def __init__(self, model: nn.Module) -> None:
        if not isinstance(model, nn.Module):
            raise InputTypeError(
                f"model must be an nn.Module (got {type(model).__name__}); pass the model "
                f"that train() trains"
            )
        self.model = model
        self.points = [self._flat()]

    def _flat(self) -> torch.Tensor:
        return torch.cat([p.detach().reshape(-1).clone() for p in self.model.parameters()])

    def on_step_end(self, step: int, loss: float) -> None:
        self.points.append(self._flat())

    def tensor(self) -> torch.Tensor:
        """The path as a tensor of shape (steps + 1, number of parameters)."""
        return torch.stack(self.points)
