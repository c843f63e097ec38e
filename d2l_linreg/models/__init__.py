"""The model three ways (the implementation pages).

* ``scratch.py`` — from scratch: :func:`linreg`, :func:`squared_loss`, :func:`sgd`,
  :class:`SGDScratch`, :class:`LinearRegressionScratch`;
* ``concise.py`` — with ``torch.nn``: :func:`linear_model`, :func:`mlp`, :func:`concise_setup`;
* ``gradients.py`` — gradients by hand: per-example and minibatch gradients, and
  :class:`LinearRegressionManual` whose backward pass is written out.
"""

from d2l_linreg.models.concise import concise_setup, linear_model, mlp, mse_equivalent_lr
from d2l_linreg.models.gradients import (
    LinearRegressionManual,
    example_gradients,
    manual_squared_loss,
    minibatch_gradients,
)
from d2l_linreg.models.scratch import LinearRegressionScratch, SGDScratch, linreg, sgd, squared_loss

__all__ = [
    "LinearRegressionManual",
    "LinearRegressionScratch",
    "SGDScratch",
    "concise_setup",
    "example_gradients",
    "linear_model",
    "linreg",
    "manual_squared_loss",
    "minibatch_gradients",
    "mlp",
    "mse_equivalent_lr",
    "sgd",
    "squared_loss",
]
