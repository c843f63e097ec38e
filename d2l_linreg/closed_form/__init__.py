"""Least squares in closed form (the normal-equation and numerics pages).

* ``api.py`` — the public functions: :func:`fit_least_squares`, :func:`condition_number`,
  :func:`polynomial_features`, :func:`lre`;
* ``plain.py`` — the textbook solvers (normal equation, Cholesky, QR, lstsq), kept to show what
  goes wrong;
* ``refine.py`` — the accurate solvers behind ``method="auto"`` (QR or Cholesky + refinement);
* ``common.py`` — what both kinds share: the design, Gram matrix, scaled QR, the two errors;
* ``fast.py`` — the small-problem fast path of ``"auto"`` (numpy views, few operations);
  ``blocked.py`` — its large-problem counterpart (three passes over ``X`` in row blocks);
* ``chunked.py`` — rows in chunks: TSQR + refinement passes, also across ``torch.distributed``
  ranks; ``sources.py`` — where chunks come from (``.npy`` files, lists, iterators);
* ``dd.py`` — double-double arithmetic (residuals to twice the working precision).
"""

from d2l_linreg.closed_form import chunked as chunked  # the streaming solver's parts
from d2l_linreg.closed_form import sources as sources  # (.npy files, iterables of chunks)
from d2l_linreg.closed_form.api import (
    METHODS,
    IllConditionedWarning,
    LeastSquaresResult,
    RankDeficientError,
    condition_number,
    fit_least_squares,
    lre,
    polynomial_features,
)

__all__ = [
    "METHODS",
    "IllConditionedWarning",
    "LeastSquaresResult",
    "RankDeficientError",
    "condition_number",
    "fit_least_squares",
    "lre",
    "polynomial_features",
]
