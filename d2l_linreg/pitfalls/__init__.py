"""The pitfalls pages, each bug reproduced on purpose so that its symptom can be measured.

Deliberately wrong code (``summed_squared_loss``, ``twice_averaged_squared_loss``,
``SkipZeroGrad``) lives only here, never in the top-level ``d2l_linreg`` namespace.

* ``loop_bugs.py`` — bugs in the training loop: not shuffling, averaging the loss twice (or not
  at all), forgetting ``zero_grad``;
* ``data_and_solver.py`` — validation leakage, the normal equation at scale;
* ``feature_scaling.py`` — unscaled features.
"""

from d2l_linreg.pitfalls.data_and_solver import (
    LeakageProblem,
    SubsetSearch,
    collinear_features,
    gram_bytes,
    leakage_problem,
    normal_equation_cost,
    sgd_epoch_cost,
    subset_search,
)
from d2l_linreg.pitfalls.feature_scaling import (
    ScalingRun,
    loss_along_path,
    max_stable_lr,
    scaling_run,
    steps_to_tolerance,
    unscaled_problem,
)
from d2l_linreg.pitfalls.loop_bugs import (
    ShufflingRun,
    SkipZeroGrad,
    accumulated_gradients,
    effective_lr,
    shuffling_run,
    sort_by_target,
    summed_squared_loss,
    twice_averaged_squared_loss,
)

__all__ = [
    "LeakageProblem",
    "ScalingRun",
    "ShufflingRun",
    "SkipZeroGrad",
    "SubsetSearch",
    "accumulated_gradients",
    "collinear_features",
    "effective_lr",
    "gram_bytes",
    "leakage_problem",
    "loss_along_path",
    "max_stable_lr",
    "normal_equation_cost",
    "scaling_run",
    "sgd_epoch_cost",
    "shuffling_run",
    "sort_by_target",
    "steps_to_tolerance",
    "subset_search",
    "summed_squared_loss",
    "twice_averaged_squared_loss",
    "unscaled_problem",
]
