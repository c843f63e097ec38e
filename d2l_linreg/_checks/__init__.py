"""The package's one validation layer: every public function checks its inputs through here.

A value of the wrong kind (type or dtype) raises :class:`~d2l_linreg.errors.InputTypeError`, a
wrong value of the right kind :class:`~d2l_linreg.errors.InputValueError`; both are
:class:`~d2l_linreg.errors.InputError`. Every message names the argument as Python spells it
(the command line adds its flags), what was expected, what was received, and the fix. The checks
on the per-step path (:func:`float_tensor`, :func:`model_inputs`, :func:`loss_inputs`) read
attributes only (dtype, shape, device), never the values, so that they cost microseconds.
"""

from d2l_linreg._checks.arguments import (
    FLOAT32_MAX,
    REAL_DTYPES,
    choice,
    device,
    finite_float,
    flag,
    float_dtype,
    non_negative_float,
    positive_float,
    positive_int,
    record,
    seed_generator,
    text,
    work_size,
)
from d2l_linreg._checks.tensors import (
    as_tensor,
    design_and_target,
    finite,
    fits,
    float_tensor,
    float_vector,
    group_labels,
    loss_inputs,
    model_inputs,
    number_column,
    real_tensor,
    vector,
)

__all__ = [
    "FLOAT32_MAX",
    "REAL_DTYPES",
    "as_tensor",
    "choice",
    "design_and_target",
    "device",
    "finite",
    "finite_float",
    "fits",
    "flag",
    "float_dtype",
    "float_tensor",
    "float_vector",
    "group_labels",
    "loss_inputs",
    "model_inputs",
    "non_negative_float",
    "number_column",
    "positive_float",
    "positive_int",
    "real_tensor",
    "record",
    "seed_generator",
    "text",
    "vector",
    "work_size",
]
