"""Linear regression from scratch: parameters are plain tensors, autograd computes the gradients.

This is the left column of the comparison table: tensors with ``requires_grad=True`` instead of
``nn.Linear``, ``X @ w + b`` instead of ``model(X)``, a hand-written squared loss instead of
``nn.MSELoss``, and a manual update under ``torch.no_grad()`` instead of ``torch.optim.SGD``.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from d2l_linreg import _checks
from d2l_linreg.errors import InputTypeError, InputValueError


def _tensors(name: str, params: Iterable[torch.Tensor]) -> list[torch.Tensor]:
    """The parameters as a non-empty list of real floating-point tensors."""
    if isinstance(params, torch.Tensor) or not isinstance(params, Iterable):
        raise InputTypeError(
            f"{name} must be a list of tensors (got {type(params).__name__}); pass e.g. [w, b]"
        )
    params = list(params)
    for i, p in enumerate(params):
        _checks.float_tensor(f"{name}[{i}]", p)
    if not params:
        raise InputValueError(f"{name} must hold at least one tensor (got none); pass [w, b]")
    return params


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear model ``y_hat = X w + b`` (``b`` is broadcast over the rows).

    Args:
        X: features, shape (n, d).
        w: weights, shape (d, 1).
        b: bias, shape (1,).

    Returns:
        Predictions of shape (n, 1).

    Example:
        >>> linreg(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.0], [1.0]]), torch.tensor([0.5]))
        tensor([[3.5000],
                [7.5000]])
    """
    _checks.model_inputs(X, w, b)  # shapes and dtypes only (no pass over the values)
    return X @ w + b  # (n, d) @ (d, 1) -> (n, 1), + (1,) broadcast


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Per-example squared loss ``½ (y_hat - y)²``, shape (n, 1):

    $$\ell(\hat{y}, y) = \tfrac{1}{2} (\hat{y} - y)^2.$$

    ``y`` of shape (n,) or (n, 1) is reshaped to the shape of ``y_hat`` so that it cannot
    silently broadcast to an (n, n) matrix; any other mismatch is refused.

    Example:
        >>> squared_loss(torch.tensor([[0.0], [0.0]]), torch.tensor([3.0, 5.0]))
        tensor([[ 4.5000],
                [12.5000]])
    """
    y = _checks.loss_inputs(y_hat, y)  # shapes and dtypes only
    return (y_hat - y) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """Earlier D2L editions' minibatch SGD step for a *summed* minibatch loss: ``p -= lr * p.grad / batch_size``.

    The update happens under ``torch.no_grad()`` (it is not part of the model), then the
    gradients are zeroed so that the next ``backward()`` does not add to them.

    Example:
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> (3 * w).sum().backward()          # grad = 3
        >>> sgd([w], lr=0.1, batch_size=1)
        >>> w.detach(), w.grad
        (tensor([0.7000]), tensor([0.]))
    """
    lr = _checks.positive_float("lr", lr, 0.03)
    _checks.positive_int("batch_size", batch_size, 32)
    params = _tensors("params", params)
    grads = [param.grad for param in params if param.grad is not None]
    if len(grads) != len(params):
        raise InputValueError(
            f"every parameter needs a gradient before sgd() (got {len(params) - len(grads)} "
            f"tensor(s) whose .grad is None); call loss.backward() first, on tensors made with "
            f"requires_grad=True"
        )
    with torch.no_grad():
        for param, grad in zip(params, grads, strict=True):
            param -= lr * grad / batch_size
            grad.zero_()


class SGDScratch:
    """A from-scratch optimizer for the reusable training loop: ``p -= lr * p.grad`` under no_grad.

    Used with a *mean* minibatch loss (what :func:`d2l_linreg.train` backpropagates), it takes
    exactly the steps of :func:`sgd` with a summed loss. It has the two methods the loop calls.

    Example:
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = SGDScratch([w], lr=0.1)
        >>> opt.zero_grad(); (3 * w).sum().backward(); opt.step()
        >>> w.detach()
        tensor([0.7000])
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float) -> None:
        self.params = _tensors("params", params)
        self.lr = _checks.positive_float("lr", lr, 0.03)

    def step(self) -> None:
        with torch.no_grad():
            for param in self.params:
                if param.grad is not None:
                    param -= self.lr * param.grad

    def zero_grad(self) -> None:
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()


class LinearRegressionScratch(nn.Module):
    """The linear model with hand-made parameters: ``w`` (d, 1) ~ N(0, sigma²) and ``b`` (1,) = 0.

    ``w`` and ``b`` are made by hand, as tensors with ``requires_grad=True``, and kept as the
    module's parameters (``nn.Parameter`` wraps a tensor without copying it), so that the training
    loop, ``model.parameters()``, ``.to(device)`` and ``state_dict()`` treat this model like any
    other. ``.params`` lists them, in the order ``[w, b]``.

    Example:
        >>> model = LinearRegressionScratch(2, seed=0)
        >>> model.w.shape, model.b.shape, model.w.requires_grad
        (torch.Size([2, 1]), torch.Size([1]), True)
        >>> [p is q for p, q in zip(model.parameters(), model.params)]
        [True, True]
        >>> model(torch.zeros(3, 2)).shape
        torch.Size([3, 1])
    """

    def __init__(self, num_inputs: int, sigma: float = 0.01, *, seed: int | None = None) -> None:
        super().__init__()
        _checks.work_size("num_inputs", num_inputs, 2, limit=10**8, cost="400 MB of weights")
        sigma = _checks.non_negative_float("sigma", sigma, 0.01)
        gen = _checks.seed_generator(seed)
        w = _checks.fits(
            "sigma * N(0, 1)",
            sigma * torch.randn(num_inputs, 1, generator=gen),
            "use a small sigma, e.g. sigma=0.01",
        )
        b = torch.zeros(1)
        self.w, self.b = nn.Parameter(w), nn.Parameter(b)  # registered: parameters(), .to()

    @property
    def params(self) -> list[torch.Tensor]:
        """``[w, b]``: the same tensors as ``list(model.parameters())``."""
        return [self.w, self.b]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return linreg(X, self.w, self.b)
