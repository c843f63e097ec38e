"""Feature (and target) standardization with statistics of the training part only."""

from __future__ import annotations

from typing import Any

import torch

from d2l_linreg import _checks
from d2l_linreg.errors import InputError, InputTypeError, InputValueError

Batch = tuple[torch.Tensor, torch.Tensor]


class Standardizer:
    """Feature standardization ``(X - mean) / std`` with statistics from the training data only.

    Fit on the training split, then transform validation and test data with the *same* numbers;
    fitting on all data leaks information from the held-out rows. Constant columns keep std 1.

    Example:
        >>> s = Standardizer().fit(torch.tensor([[0.0, 10.0], [2.0, 30.0]]))
        >>> s.mean.tolist(), s.std.tolist()
        ([1.0, 20.0], [1.0, 10.0])
        >>> s.transform(torch.tensor([[4.0, 20.0]])).tolist()
        [[3.0, 0.0]]
    """

    def __init__(self) -> None:
        self.mean: torch.Tensor | None = None
        self.std: torch.Tensor | None = None

    def fit(self, X: Any) -> Standardizer:
        X = _checks.finite("X", _checks.as_tensor("X", X))
        if X.dim() != 2 or X.shape[0] < 2:
            raise InputValueError(
                f"Standardizer.fit needs X of shape (n, d) with n >= 2 (got {tuple(X.shape)}); "
                f"pass the training features"
            )
        self.mean = X.mean(dim=0)
        std = X.std(dim=0, unbiased=False)
        self.std = torch.where(std > 0, std, torch.ones_like(std))
        return self

    def transform(self, X: Any) -> torch.Tensor:
        if self.mean is None or self.std is None:
            raise InputValueError("Standardizer is not fitted; call .fit(X_train) first")
        X = _checks.finite("X", _checks.as_tensor("X", X, self.mean.dtype))
        if X.dim() != 2 or X.shape[1] != self.mean.shape[0]:
            raise InputValueError(
                f"X must have {self.mean.shape[0]} columns like the training data "
                f"(got shape {tuple(X.shape)}); transform data with the same features"
            )
        return (X - self.mean) / self.std

    def fit_transform(self, X: Any) -> torch.Tensor:
        return self.fit(X).transform(X)


def standardize_parts(
    train_part: Batch, *others: Batch
) -> tuple[list[Batch], Standardizer, Standardizer]:
    """Standardize features *and* target of every part with statistics of ``train_part`` only.

    Returns:
        ``(parts, x_scaler, y_scaler)``: the standardized ``(X, y)`` of ``train_part`` and of each
        of ``others``, in order; ``y_scaler`` maps predictions back with ``y_hat * std + mean``.

    Example:
        >>> tr = (torch.tensor([[0.0], [2.0]]), torch.tensor([[10.0], [30.0]]))
        >>> parts, _, y_scaler = standardize_parts(tr, (torch.tensor([[4.0]]), torch.tensor([[50.0]])))
        >>> parts[1][0].item(), parts[1][1].item(), y_scaler.mean.item()
        (3.0, 3.0, 20.0)
    """
    for i, part in enumerate((train_part, *others)):
        if isinstance(part, torch.Tensor) or not isinstance(part, (tuple, list)) or len(part) != 2:
            name = "train_part" if i == 0 else f"others[{i - 1}]"
            raise InputTypeError(
                f"{name} must be a pair (X, y) (got {type(part).__name__}); pass e.g. (X_val, y_val)"
            )
    x_scaler, y_scaler = Standardizer().fit(train_part[0]), Standardizer().fit(train_part[1])
    parts = [(x_scaler.transform(X), y_scaler.transform(y)) for X, y in (train_part,)]
    for i, (X, y) in enumerate(others):
        try:
            parts.append((x_scaler.transform(X), y_scaler.transform(y)))
        except InputError as exc:  # say which part
            raise type(exc)(f"others[{i}]: {exc}") from None
    return parts, x_scaler, y_scaler
