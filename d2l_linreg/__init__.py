"""d2l_linreg: linear regression and the training loop, with every number tested.

The chapter's API is here, one level deep (``__all__``, at most 40 names):

>>> import d2l_linreg as d2l
>>> X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
>>> X.shape, y.shape
(torch.Size([1000, 2]), torch.Size([1000, 1]))

Everything else is one namespace further, named after its topic, as the site's table of
contents is: ``d2l.data``, ``d2l.models``, ``d2l.training``, ``d2l.closed_form``,
``d2l.baselines``, ``d2l.diagnostics``, ``d2l.errors``, ``d2l.generalization``, ``d2l.noise``, ``d2l.bias``, ``d2l.likelihood``,
``d2l.pitfalls``, ``d2l.worked_examples`` and ``d2l.plotting``. The deliberately wrong code
of the pitfalls pages lives only under ``d2l.pitfalls``:

>>> d2l.pitfalls.summed_squared_loss.__module__
'd2l_linreg.pitfalls.loop_bugs'

ARCHITECTURE.md, at the root of the repository, says what each module holds.
"""

import importlib

# The topic namespaces (``d2l.pitfalls.summed_squared_loss``); `as` marks them as re-exported.
from d2l_linreg import baselines as baselines
from d2l_linreg import bias as bias
from d2l_linreg import closed_form as closed_form
from d2l_linreg import data as data
from d2l_linreg import diagnostics as diagnostics
from d2l_linreg import errors as errors
from d2l_linreg import generalization as generalization
from d2l_linreg import likelihood as likelihood
from d2l_linreg import models as models
from d2l_linreg import noise as noise
from d2l_linreg import pitfalls as pitfalls
from d2l_linreg import training as training
from d2l_linreg import worked_examples as worked_examples
from d2l_linreg.bias import weight_decay_groups, weight_decay_solution
from d2l_linreg.closed_form import condition_number, fit_least_squares
from d2l_linreg.data import (
    InMemoryLoader,
    Standardizer,
    data_iter,
    load_array,
    synthetic_data,
    train_val_split,
)
from d2l_linreg.diagnostics import diagnose
from d2l_linreg.errors import InputError
from d2l_linreg.likelihood import fit_gaussian_mle, gaussian_nll, sigma2_mle
from d2l_linreg.models import (
    LinearRegressionManual,
    LinearRegressionScratch,
    SGDScratch,
    concise_setup,
    example_gradients,
    linear_model,
    linreg,
    manual_squared_loss,
    minibatch_gradients,
    mlp,
    mse_equivalent_lr,
    sgd,
    squared_loss,
)
from d2l_linreg.noise import gradient_noise
from d2l_linreg.training import (
    Callback,
    History,
    ParameterPath,
    PrintLoss,
    evaluate,
    rmse,
    train,
)

__version__ = "0.1.0"

# The plotting functions import matplotlib (~0.35 s); they load on first use, so that
# `import d2l_linreg` (the CLI, every test process) does not pay for figures it never draws.
_PLOTTING = ("plot_gradient_noise", "plot_loss_contours", "plot_loss_curves", "plot_residuals")


def __getattr__(name: str) -> object:
    if name in _PLOTTING or name == "plotting":
        plotting = importlib.import_module("d2l_linreg.plotting")
        return plotting if name == "plotting" else getattr(plotting, name)
    raise AttributeError(f"module 'd2l_linreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {*_PLOTTING, "plotting"})


__all__ = [
    "Callback",
    "History",
    "InMemoryLoader",
    "InputError",
    "LinearRegressionManual",
    "LinearRegressionScratch",
    "ParameterPath",
    "PrintLoss",
    "SGDScratch",
    "Standardizer",
    "concise_setup",
    "condition_number",
    "data_iter",
    "diagnose",
    "evaluate",
    "example_gradients",
    "fit_gaussian_mle",
    "fit_least_squares",
    "gaussian_nll",
    "gradient_noise",
    "linear_model",
    "linreg",
    "load_array",
    "manual_squared_loss",
    "minibatch_gradients",
    "mlp",
    "mse_equivalent_lr",
    "plot_gradient_noise",
    "plot_loss_contours",
    "plot_loss_curves",
    "plot_residuals",
    "rmse",
    "sgd",
    "sigma2_mle",
    "squared_loss",
    "synthetic_data",
    "train",
    "train_val_split",
    "weight_decay_groups",
    "weight_decay_solution",
]
