"""d2l_linreg: linear regression and the training loop, with every number tested.

The public names live in small modules (one concept each) and are re-exported here:

>>> import d2l_linreg as d2l
>>> X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
>>> X.shape, y.shape
(torch.Size([1000, 2]), torch.Size([1000, 1]))
"""

from d2l_linreg.baselines import (
    compare_with_mlp,
    diabetes_report,
    load_diabetes,
    regression_problem,
    rmse,
    three_way_split,
)
from d2l_linreg.bias import (
    add_constant_feature,
    split_bias,
    weight_decay_groups,
    weight_decay_solution,
)
from d2l_linreg.closed_form import (
    IllConditionedWarning,
    LeastSquaresResult,
    RankDeficientError,
    condition_number,
    fit_least_squares,
    lre,
    polynomial_features,
)
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
from d2l_linreg.datasets import NIST_DATASETS, NistDataset, load_nist
from d2l_linreg.diagnostics import Diagnosis, Flag, diagnose, residual_case, residuals
from d2l_linreg.gradients import (
    LinearRegressionManual,
    example_gradients,
    manual_squared_loss,
    minibatch_gradients,
)
from d2l_linreg.likelihood import GaussianFit, fit_gaussian_mle, gaussian_nll, sigma2_mle
from d2l_linreg.noise import GradientNoise, gradient_noise
from d2l_linreg.pitfalls import (
    ParameterPath,
    SkipZeroGrad,
    summed_squared_loss,
    twice_averaged_squared_loss,
)
from d2l_linreg.pitfalls_data import max_stable_lr, steps_to_tolerance
from d2l_linreg.scratch import LinearRegressionScratch, SGDScratch, linreg, sgd, squared_loss
from d2l_linreg.train import Callback, History, PrintLoss, ProgressBar, evaluate, train
from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

__version__ = "0.1.0"

# The plotting functions import matplotlib (~0.35 s); they load on first use, so that
# `import d2l_linreg` (the CLI, every test process) does not pay for figures it never draws.
_PLOTTING = ("plot_gradient_noise", "plot_loss_contours", "plot_loss_curves", "plot_residuals")


def __getattr__(name: str) -> object:
    if name in _PLOTTING:
        from d2l_linreg import plotting

        return getattr(plotting, name)
    raise AttributeError(f"module 'd2l_linreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PLOTTING))


__all__ = [
    "NIST_DATASETS",
    "Callback",
    "Diagnosis",
    "Flag",
    "GaussianFit",
    "GradientNoise",
    "History",
    "IllConditionedWarning",
    "InMemoryLoader",
    "LeastSquaresResult",
    "LinearRegressionManual",
    "LinearRegressionScratch",
    "NistDataset",
    "ParameterPath",
    "PrintLoss",
    "ProgressBar",
    "RankDeficientError",
    "SGDScratch",
    "SkipZeroGrad",
    "Standardizer",
    "add_constant_feature",
    "compare_with_mlp",
    "concise_setup",
    "condition_number",
    "data_iter",
    "diabetes_report",
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
    "load_csv",
    "load_diabetes",
    "load_nist",
    "lre",
    "manual_squared_loss",
    "max_stable_lr",
    "minibatch_gradients",
    "mlp",
    "mse_equivalent_lr",
    "normal_equation_no_bias",
    "plot_gradient_noise",
    "plot_loss_contours",
    "plot_loss_curves",
    "plot_residuals",
    "polynomial_features",
    "regression_problem",
    "residual_case",
    "residuals",
    "rmse",
    "sgd",
    "sgd_update",
    "sigma2_mle",
    "split_bias",
    "squared_loss",
    "steps_to_tolerance",
    "summed_squared_loss",
    "synthetic_data",
    "three_way_split",
    "train",
    "train_val_split",
    "twice_averaged_squared_loss",
    "weight_decay_groups",
    "weight_decay_solution",
]
