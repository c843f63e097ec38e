"""The concise path: ``nn.Linear``, ``nn.MSELoss``, ``torch.optim.SGD`` — and an MLP to swap in.

``nn.MSELoss`` computes ``mean((y_hat - y)²)`` with no ½, so its gradient is twice that of the
page's loss ``mean(½ (y_hat - y)²)``: the same learning rate takes steps twice as large.
:func:`mse_equivalent_lr` converts a learning rate for the ½-loss into the one that makes
``MSELoss`` take identical steps.
"""

from __future__ import annotations

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.errors import InputValueError


def _init_generator(seed: int | None) -> torch.Generator | None:
    return _checks.seed_generator(seed)


def linear_model(num_inputs: int, *, sigma: float = 0.01, seed: int | None = None) -> nn.Linear:
    """``nn.Linear(num_inputs, 1)`` initialised like D2L: weights ~ N(0, sigma²), bias 0.

    Example:
        >>> net = linear_model(2, seed=0)
        >>> net.weight.shape, net.bias.tolist()
        (torch.Size([1, 2]), [0.0])
    """
    _checks.work_size("num_inputs", num_inputs, 2, limit=10**8, cost="400 MB of weights")
    sigma = _checks.non_negative_float("sigma", sigma, 0.01)
    net = nn.Linear(num_inputs, 1)
    with torch.no_grad():
        net.weight.copy_(sigma * torch.randn(1, num_inputs, generator=_init_generator(seed)))
        net.bias.zero_()
    _checks.fits("sigma * N(0, 1)", net.weight.detach(), "use a small sigma, e.g. sigma=0.01")
    return net


def mlp(
    num_inputs: int, hidden: int = 64, *, depth: int = 2, seed: int | None = None
) -> nn.Sequential:
    """A small MLP ``Linear → ReLU → … → Linear(·, 1)`` with ``depth`` hidden layers.

    It takes the place of the linear model in the same training call ("swap the model").

    Example:
        >>> net = mlp(3, hidden=8, seed=0)
        >>> net(torch.zeros(5, 3)).shape
        torch.Size([5, 1])
    """
    _checks.positive_int("num_inputs", num_inputs, 2)
    _checks.positive_int("hidden", hidden, 64)
    _checks.work_size("depth", depth, 2, limit=1000, cost="a layer takes ~0.1 ms to build and run")
    size = num_inputs * hidden + (depth - 1) * hidden * hidden + hidden * (depth + 1) + 1
    if size > 10**8:
        raise InputValueError(
            f"mlp(num_inputs={num_inputs}, hidden={hidden}, depth={depth}) would have {size:.3g} "
            f"weights, {4 * size / 2**30:.3g} GiB (at most 1e8); use a smaller hidden or depth"
        )
    gen = _init_generator(seed)
    layers: list[nn.Module] = []
    width = num_inputs
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    layers.append(nn.Linear(width, 1))
    net = nn.Sequential(*layers)
    if gen is not None:  # PyTorch's default init, drawn from the private generator
        with torch.no_grad():
            for layer in net:
                if isinstance(layer, nn.Linear):
                    bound = 1 / layer.in_features**0.5
                    layer.weight.uniform_(-bound, bound, generator=gen)
                    layer.bias.uniform_(-bound, bound, generator=gen)
    return net


def mse_equivalent_lr(lr: float) -> float:
    """The learning rate for ``nn.MSELoss`` that takes the same steps as ``lr`` with the ½-loss.

    ``∇ mean((y_hat - y)²) = 2 ∇ mean(½ (y_hat - y)²)``, so halve the learning rate.

    Example:
        >>> mse_equivalent_lr(0.03)
        0.015
    """
    return _checks.positive_float("lr", lr, 0.03) / 2


def concise_setup(
    num_inputs: int, lr: float = 0.03, *, seed: int | None = None
) -> tuple[nn.Linear, nn.MSELoss, torch.optim.SGD]:
    """The three objects of the concise program: model, ``nn.MSELoss()`` and ``torch.optim.SGD``.

    Example:
        >>> net, loss_fn, optimizer = concise_setup(2, lr=0.03, seed=0)
        >>> type(loss_fn).__name__, optimizer.defaults["lr"]
        ('MSELoss', 0.03)
    """
    lr = _checks.positive_float("lr", lr, 0.03)
    net = linear_model(num_inputs, seed=seed)
    return net, nn.MSELoss(), torch.optim.SGD(net.parameters(), lr=lr)
