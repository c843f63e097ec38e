"""d2l_linreg: linear regression and the training loop, with every number tested.

The public names live in small modules (one concept each) and are re-exported here:

>>> import d2l_linreg as d2l
>>> X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
>>> X.shape, y.shape
(torch.Size([1000, 2]), torch.Size([1000, 1]))
"""

from d2l_linreg.concise import concise_setup, linear_model, mlp, mse_equivalent_lr
from d2l_linreg.data import (
    InMemoryLoader,
    Standardizer,
    data_iter,
    load_array,
    load_csv,
    synthetic_data,
    train_val_split,
)
from d2l_linreg.gradients import (
    LinearRegressionManual,
    example_gradients,
    manual_squared_loss,
    minibatch_gradients,
)
from d2l_linreg.scratch import LinearRegressionScratch, SGDScratch, linreg, sgd, squared_loss
from d2l_linreg.train import Callback, History, PrintLoss, ProgressBar, evaluate, train
from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

__version__ = "0.1.0"

__all__ = [
    "Callback",
    "History",
    "InMemoryLoader",
    "LinearRegressionManual",
    "LinearRegressionScratch",
    "PrintLoss",
    "ProgressBar",
    "SGDScratch",
    "Standardizer",
    "concise_setup",
    "data_iter",
    "evaluate",
    "example_gradients",
    "linear_model",
    "linreg",
    "load_array",
    "load_csv",
    "manual_squared_loss",
    "minibatch_gradients",
    "mlp",
    "mse_equivalent_lr",
    "normal_equation_no_bias",
    "sgd",
    "sgd_update",
    "squared_loss",
    "synthetic_data",
    "train",
    "train_val_split",
]
