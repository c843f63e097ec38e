"""Training and validation error against a hyperparameter: polynomial degree, data size, λ.

Every fit here is in closed form (float64), so that a sweep measures the model, not the
optimizer: :func:`degree_sweep` fits polynomials by least squares (LAPACK's QR on the features
of :func:`~d2l_linreg.closed_form.polynomial_features`), :func:`weight_decay_sweep` by the
weight-decay (ridge) normal equation of :func:`~d2l_linreg.bias.weight_decay_solution`,

$$\\bigl(\\mathbf X^\\top \\mathbf X + n \\lambda \\mathbf I\\bigr)\\, \\mathbf w = \\mathbf X^\\top \\mathbf y
\\quad\\text{(centred data; the bias is not decayed)},$$

the minimizer of ``mean ½ (X w + b - y)² + (λ/2) ‖w‖²``. Errors are reported as the RMSE
(:func:`~d2l_linreg.training.metrics.rmse`), in the units of ``y``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from d2l_linreg import _checks
from d2l_linreg.bias import weight_decay_solution
from d2l_linreg.closed_form import polynomial_features
from d2l_linreg.data.scaling import Standardizer
from d2l_linreg.errors import InputError, InputTypeError, InputValueError
from d2l_linreg.training.metrics import rmse

Batch = tuple[torch.Tensor, torch.Tensor]
# The running example of the generalization page (D2L's cubic): 5 + 1.2 x - 3.4 x²/2! + 5.6 x³/3!
TRUE_COEFFICIENTS = (5.0, 1.2, -3.4 / 2, 5.6 / 6)


@dataclass(frozen=True)
class Sweep:
    """Training and validation RMSE for each value of one hyperparameter.

    Attributes:
        name: what was varied (``"degree"``, ``"weight decay λ"``, ``"training examples n"``).
        values: the values tried, in order.
        train_rmse, val_rmse: the RMSE on the training and on the validation data, per value.
    """

    name: str
    values: tuple[float, ...]
    train_rmse: tuple[float, ...]
    val_rmse: tuple[float, ...]

    @property
    def best(self) -> float:
        """The value with the smallest validation RMSE (the first one on a tie)."""
        return self.values[min(range(len(self.values)), key=self.val_rmse.__getitem__)]


def _draw(num_examples: int, noise: float, gen: torch.Generator | None) -> Batch:
    x = 2 * torch.rand(num_examples, 1, generator=gen, dtype=torch.float64) - 1  # U(-1, 1)
    eps = torch.randn(num_examples, 1, generator=gen, dtype=torch.float64)
    y = sum(c * x**k for k, c in enumerate(TRUE_COEFFICIENTS)) + noise * eps
    return x, y  # (n, 1), (n, 1)


def polynomial_data(num_examples: int, *, noise: float = 0.1, seed: int | None = None) -> Batch:
    """Draw ``y = 5 + 1.2 x - 3.4 x²/2! + 5.6 x³/3! + noise * eps``, ``x ~ U(-1, 1)``, ``eps ~ N(0, 1)``.

    Returns:
        ``(x, y)``: float64 tensors of shape (n, 1) each (x first, then the noise, per seed).

    Example:
        >>> x, y = polynomial_data(5, noise=0.0, seed=0)
        >>> x.shape, bool((x.abs() <= 1).all()), round(float(y[0] - (5 + 1.2 * x[0]
        ...     - 1.7 * x[0] ** 2 + 5.6 / 6 * x[0] ** 3)), 12)
        (torch.Size([5, 1]), True, 0.0)
    """
    _checks.work_size("num_examples", num_examples, 20, limit=10**8, cost="x and y of 1.6 GB")
    noise = _checks.non_negative_float("noise", noise, 0.1)
    return _draw(num_examples, noise, _checks.seed_generator(seed))


def pair(name: str, part: Any, *, one_column: bool = False) -> Batch:
    """``part`` as a checked pair ``(X, y)`` in float64; errors say which argument."""
    if isinstance(part, torch.Tensor) or not isinstance(part, (tuple, list)) or len(part) != 2:
        raise InputTypeError(
            f"{name} must be a pair (X, y) (got {type(part).__name__}); pass e.g. {name}=(x, y)"
        )
    try:
        X, y = _checks.design_and_target(part[0], part[1])
    except InputError as exc:  # say which part
        raise type(exc)(f"{name}: {exc}") from None
    if one_column and X.shape[1] != 1:
        raise InputValueError(
            f"{name} must hold one feature x of shape (n, 1) (got X of shape {tuple(X.shape)}); "
            f"pass the raw x: the polynomial features are made here"
        )
    return X.double(), y.double()


def degree_list(degrees: Any, num_train: int, name: str = "degrees") -> list[int]:
    """Integers 0 <= K <= num_train - 1 (a polynomial of degree K has K + 1 parameters)."""
    if isinstance(degrees, (str, bytes, torch.Tensor)) or not isinstance(degrees, Sequence):
        raise InputTypeError(
            f"{name} must be a list of integers (got {type(degrees).__name__}); "
            f"use e.g. {name}=range(10)"
        )
    if len(degrees) == 0:
        raise InputValueError(f"{name} must hold at least one degree (got none); use range(10)")
    for k in degrees:
        if isinstance(k, bool) or not isinstance(k, int):
            raise InputTypeError(f"{name} must hold integers (got {k!r}); use e.g. range(10)")
        if not 0 <= k < num_train:
            raise InputValueError(
                f"{name} must lie in 0..{num_train - 1}: a degree-K polynomial has K + 1 "
                f"parameters and {num_train} training examples fit at most {num_train} "
                f"(got {k}); use smaller degrees or more data"
            )
    return list(degrees)


def _polynomial_rmse(
    train: Batch, others: Sequence[Batch], degrees: Sequence[int]
) -> list[list[float]]:
    """For each degree, the RMSE on ``train`` and on each of ``others`` of its least-squares fit.

    The models are nested, so one QR factorization of the largest design ``[1, x, ..., x^K]``
    serves every degree: the fit of degree k solves ``R[:k+1, :k+1] θ = (Qᵀ y)[:k+1]``.
    """
    y, parts, top = train[1], [train, *others], max(degrees)
    powers = [
        torch.cat([torch.ones_like(xs), polynomial_features(xs, top)], dim=1) if top else xs**0
        for xs, _ in parts
    ]  # (n, top + 1) each: [1, x, ..., x^top]
    # NumPy's QR: torch's runs its threads even on a 20 x 16 matrix, which costs ~100x on a busy machine
    Q, R = (torch.from_numpy(m) for m in np.linalg.qr(powers[0].numpy()))  # (n, K+1), (K+1, K+1)
    qty = Q.T @ y  # (top + 1, 1)
    errors = []
    for k in degrees:
        theta = torch.linalg.solve_triangular(R[: k + 1, : k + 1], qty[: k + 1], upper=True)
        errors.append(
            [rmse(P[:, : k + 1] @ theta, ys) for P, (_, ys) in zip(powers, parts, strict=True)]
        )
    return errors


def degree_sweep(train: Any, val: Any, degrees: Any) -> Sweep:
    """Fit a polynomial of each degree to ``train`` by least squares; RMSE on train and val.

    Args:
        train, val: pairs ``(x, y)`` with x of shape (n, 1) (see :func:`polynomial_data`).
        degrees: the degrees K to try, each at most ``len(x_train) - 1``; degree 0 predicts
            the mean of the training targets.

    Returns:
        A :class:`Sweep` over the degrees.

    Example:
        >>> s = degree_sweep(polynomial_data(20, seed=0), polynomial_data(200, seed=1), [1, 3])
        >>> s.best, s.val_rmse[1] < s.val_rmse[0]
        (3, True)
    """
    train, val = pair("train", train, one_column=True), pair("val", val, one_column=True)
    ks = degree_list(degrees, len(train[0]))
    errors = _polynomial_rmse(train, [val], ks)
    return Sweep("degree", tuple(ks), tuple(e[0] for e in errors), tuple(e[1] for e in errors))


def weight_decay_list(weight_decays: Any, name: str = "weight_decays") -> list[float]:
    """Numbers λ > 0 (λ = 0 has no unique solution when features outnumber examples)."""
    if isinstance(weight_decays, (str, bytes)) or not isinstance(
        weight_decays, (Sequence, torch.Tensor)
    ):
        raise InputTypeError(
            f"{name} must be a list of numbers > 0 (got {type(weight_decays).__name__}); "
            f"use e.g. {name}=[1e-4, 1e-2, 1.0]"
        )
    values = weight_decays.tolist() if isinstance(weight_decays, torch.Tensor) else weight_decays
    if not isinstance(values, list) or not values:
        raise InputValueError(f"{name} must hold at least one value (got none)")
    return [_checks.positive_float(name, v, 0.01) for v in values]


def weight_decay_sweep(
    train: Any, val: Any, weight_decays: Any, *, degree: int | None = None
) -> Sweep:
    """The weight-decay (ridge) fit for each λ; RMSE on train and val. The bias is not decayed.

    Args:
        train, val: pairs ``(X, y)``; with ``degree``, X is one feature x of shape (n, 1).
        weight_decays: the values λ > 0 to try.
        degree: if given, fit a polynomial of this degree: the features ``x, ..., x^K`` are
            standardized with the training statistics (:class:`~d2l_linreg.data.Standardizer`)
            so that λ weighs every power alike.

    Returns:
        A :class:`Sweep` over λ.

    Example:
        >>> X = torch.randn(30, 5, generator=torch.Generator().manual_seed(0))
        >>> y = X.sum(1, keepdim=True)
        >>> s = weight_decay_sweep((X[:20], y[:20]), (X[20:], y[20:]), [1e-3, 10.0])
        >>> s.best, s.train_rmse[0] < s.train_rmse[1]
        (0.001, True)
    """
    if degree is not None:
        k = _checks.work_size("degree", degree, 10, limit=50, cost="x^50 is ill-conditioned")
    try:
        one = degree is not None
        (X, y), (Xv, yv) = pair("train", train, one_column=one), pair("val", val, one_column=one)
    except InputValueError as exc:
        raise InputValueError(f"with degree={degree!r}: {exc}" if one else str(exc)) from None
    lams = weight_decay_list(weight_decays)
    if degree is not None:
        scaler = Standardizer().fit(polynomial_features(X, k))
        X, Xv = (scaler.transform(polynomial_features(x, k)) for x in (X, Xv))
    train_rmse, val_rmse = [], []
    for lam in lams:
        w, b = weight_decay_solution(X, y, lam)  # (d, 1), (1,)
        train_rmse.append(rmse(X @ w + b, y))
        val_rmse.append(rmse(Xv @ w + b, yv))
    return Sweep("weight decay λ", tuple(lams), tuple(train_rmse), tuple(val_rmse))


def learning_curve(
    degree: int,
    sizes: Any,
    *,
    num_val: int = 1000,
    num_draws: int = 20,
    noise: float = 0.1,
    seed: int | None = None,
) -> Sweep:
    """Training and validation RMSE of a degree-K polynomial against the number of examples.

    For each size n, ``num_draws`` training sets of n examples of :func:`polynomial_data` are
    drawn and fitted; the RMSE on them and on one validation set of ``num_val`` examples is
    averaged over the draws.

    Returns:
        A :class:`Sweep` over the sizes (``values``).

    Example:
        >>> s = learning_curve(3, [10, 100], num_val=200, num_draws=5, seed=0)
        >>> s.train_rmse[0] < s.train_rmse[1], s.val_rmse[0] > s.val_rmse[1]
        (True, True)
    """
    _checks.work_size("degree", degree, 3, limit=50, cost="powers up to x^50 are ill-conditioned")
    if (
        isinstance(sizes, (str, bytes, torch.Tensor))
        or not isinstance(sizes, Sequence)
        or not sizes
    ):
        raise InputTypeError(
            f"sizes must be a non-empty list of integers (got {sizes!r:.40}); use e.g. "
            f"sizes=[10, 100, 1000]"
        )
    for n in sizes:
        _checks.work_size("sizes", n, 100, limit=10**6, cost="each size is fitted num_draws times")
        if n <= degree + 1:
            raise InputValueError(
                f"sizes must exceed degree + 1 = {degree + 1} so that a fit leaves residuals "
                f"(got {n}); use larger sizes or a smaller degree"
            )
    _checks.work_size("num_val", num_val, 1000, limit=10**7, cost="the validation set")
    _checks.work_size("num_draws", num_draws, 20, limit=10**4, cost="each draw is a fit per size")
    noise = _checks.non_negative_float("noise", noise, 0.1)
    if noise > 1e100:
        raise InputValueError(
            f"noise must be at most 1e100, else the squared errors overflow (got {noise:.3g}); "
            f"use e.g. noise=0.1"
        )
    gen = _checks.seed_generator(seed)
    val = _draw(num_val, noise, gen)
    totals = [[0.0, 0.0] for _ in sizes]
    for _ in range(num_draws):
        for total, n in zip(totals, sizes, strict=True):
            (errors,) = _polynomial_rmse(_draw(n, noise, gen), [val], [degree])
            total[0] += errors[0] / num_draws
            total[1] += errors[1] / num_draws
    return Sweep(
        "training examples n",
        tuple(sizes),
        tuple(t[0] for t in totals),
        tuple(t[1] for t in totals),
    )
