"""A bad-input sweep over every public function and class of the package.

For each public callable (``d2l_linreg.__all__`` and the ``__all__`` of every topic namespace, so
that a new function cannot skip it) there is one valid call below. The sweep replaces one argument
at a time by a value of a bad-input class (None, text, lists and numpy arrays, integer, half,
boolean and complex tensors, NaN and ±inf, empty and single-row data, an extra dimension, one row
short, meta tensors, zero, negative, fractional and huge sizes, ...) and sorts the outcome:

* clean error: an :class:`~d2l_linreg.InputError` (or a file error) whose message names the argument;
* legitimate result: the input is accepted, and then a list or array gives the same result as the
  tensor it was made from, and nothing non-finite comes out of finite input;
* unclear error: any other exception, or a message that does not name the argument;
* silent wrong answer: a result where a clean error belongs (None, text, NaN accepted, ...);
* hang: a call that runs past a time limit.

Run ``python tests/test_sweep.py`` for the table of counts.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import d2l_linreg as d2l
from d2l_linreg.errors import InputError

NAMESPACES = (
    "baselines",
    "bias",
    "closed_form",
    "data",
    "diagnostics",
    "errors",
    "generalization",
    "likelihood",
    "models",
    "noise",
    "pitfalls",
    "plotting",
    "training",
    "worked_examples",
)
LIMIT_S = 5  # a call that takes longer is a hang (every valid call below takes milliseconds)


def public_names() -> dict[str, Any]:
    """Every public object: ``name`` for the facade, ``topic.name`` for the namespaces."""
    found: dict[int, tuple[str, Any]] = {}
    for name in d2l.__all__:
        found.setdefault(id(getattr(d2l, name)), (name, getattr(d2l, name)))
    for topic in NAMESPACES:
        module = importlib.import_module(f"d2l_linreg.{topic}")
        names = getattr(module, "__all__", None)
        if names is None:  # what the module defines itself (diagnostics has no __all__ yet)
            names = [
                n
                for n, o in vars(module).items()
                if not n.startswith("_")
                and (
                    getattr(o, "__module__", None) == module.__name__
                    or str(getattr(o, "__module__", "")).startswith("d2l_linreg._")  # re-exported
                )
            ]
        for name in names:
            found.setdefault(id(getattr(module, name)), (f"{topic}.{name}", getattr(module, name)))
    return dict(found.values())


# --- What is not swept, and why -------------------------------------------------------------

SKIP = {
    "Callback": "a base class with no-op hooks; subclasses are tested through train",
    "History": "a plain record (dataclass) of what train did; it takes no input to check",
    "InputError": "the error type itself",
    "errors.InputTypeError": "an error type",
    "errors.InputValueError": "an error type",
    "closed_form.METHODS": "a constant",
    "closed_form.IllConditionedWarning": "a warning type",
    "closed_form.RankDeficientError": "an error type",
    "closed_form.LeastSquaresResult": "a result record returned by fit_least_squares",
    "data.NIST_DATASETS": "a constant",
    "data.NistDataset": "a result record returned by load_nist",
    "diagnostics.Flag": "a result record returned by diagnose",
    "diagnostics.Diagnosis": "a result record returned by diagnose",
    "baselines.BaselineComparison": "a result record returned by compare_with_mlp",
    "baselines.RealDataReport": "a result record returned by diabetes_report",
    "likelihood.GaussianFit": "a result record returned by fit_gaussian_mle",
    "noise.GradientNoise": "a result record returned by gradient_noise",
    "pitfalls.LeakageProblem": "a result record returned by leakage_problem",
    "pitfalls.ScalingRun": "a result record returned by scaling_run",
    "pitfalls.ShufflingRun": "a result record returned by shuffling_run",
    "pitfalls.SubsetSearch": "a result record returned by subset_search",
    "pitfalls.SkipZeroGrad": "a deliberately broken optimizer wrapper: it forwards step() as is",
    "plotting.PageFigure": "matplotlib's Figure with a PNG repr; its arguments are matplotlib's",
    "generalization.Sweep": "a result record returned by the sweeps",
    "generalization.TRUE_COEFFICIENTS": "a constant",
    "worked_examples.NormalEquationResult": "a result record of normal_equation_no_bias",
    "worked_examples.SGDUpdateResult": "a result record of sgd_update",
}
# Work-size arguments that training/loop.py bounds (num_epochs): the loop branch owns that check.
LOOP_OWNED = (
    "num_epochs is bounded by the memory of the step history, which depends on the machine; "
    "tests/test_train.py refuses num_epochs=10**12 and stops a huge run with Ctrl-C"
)

# --- Valid calls ----------------------------------------------------------------------------


def _data(n: int = 12, d: int = 2, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=gen)
    y = X @ torch.tensor([[2.0], [-3.4], [1.0]][:d]) + 4.2 + 0.1 * torch.randn(n, 1, generator=gen)
    return X, y


def _with_grads() -> list[torch.Tensor]:
    w, b = torch.ones(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
    X, y = _data()
    d2l.squared_loss(d2l.linreg(X, w, b), y).sum().backward()
    return [w, b]


def _csv() -> str:
    path = Path(tempfile.mkdtemp(prefix="sweep-")) / "data.csv"
    path.write_text("y,a,b\n1,0.5,2\n2,1.5,1\n3,2.5,7\n5,3,1\n")
    return str(path)


def _table() -> Any:
    X, y = _data(64)
    return d2l.gradient_noise(X, y, batch_sizes=[1, 4], num_draws=4, seed=0)


@dataclasses.dataclass
class Spec:
    """One valid call: ``args()`` builds fresh arguments; ``fn`` replaces the object's own call."""

    args: Callable[[], dict[str, Any]]
    fn: Callable[..., Any] | None = None
    propagates: tuple[str, ...] = ()  # per-step primitives: NaN in, NaN out (no value scan)
    ok: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # accepted bad classes
    skip: dict[str, str] = dataclasses.field(default_factory=dict)  # "arg:case" -> reason
    post: Callable[[Any], Any] | None = None  # e.g. list(...) for an iterator
    none_ok: set[str] = dataclasses.field(default_factory=set)  # filled from the signature


def _xy(**extra: Any) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        X, y = _data()
        return {"X": X, "y": y, **extra}

    return build


def _preds(**extra: Any) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        X, y = _data(20)
        return {"y_hat": y + 0.1 * X[:, :1] ** 2, "y": y, **extra}

    return build


def _model_args() -> dict[str, Any]:
    X = _data()[0]
    return {"X": X, "w": torch.ones(2, 1), "b": torch.zeros(1)}


def _loop_args() -> dict[str, Any]:
    model = d2l.linear_model(2, seed=0)
    return {
        "model": model,
        "loss_fn": d2l.squared_loss,
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.03),
        "train_data": _data(),
        "num_epochs": 1,
        "batch_size": 4,
        "seed": 0,
    }


def _loop_skips(*names: str) -> dict[str, str]:
    return {f"{name}:{case}": LOOP_OWNED for name in names for case in ("huge", "huger")}


PRIMITIVE = ("y_hat", "y", "X", "w", "b", "log_sigma")
SPECS: dict[str, Spec] = {
    # models
    "linreg": Spec(_model_args, propagates=PRIMITIVE, ok={"X": {"empty"}}),
    "squared_loss": Spec(_preds(), propagates=PRIMITIVE),
    "manual_squared_loss": Spec(_preds(), propagates=PRIMITIVE),
    "pitfalls.summed_squared_loss": Spec(_preds(), propagates=PRIMITIVE),
    "pitfalls.twice_averaged_squared_loss": Spec(_preds(), propagates=PRIMITIVE),
    "sgd": Spec(lambda: {"params": _with_grads(), "lr": 0.03, "batch_size": 12}),
    "SGDScratch": Spec(lambda: {"params": _with_grads(), "lr": 0.03}),
    "LinearRegressionScratch": Spec(lambda: {"num_inputs": 2, "sigma": 0.01, "seed": 0}),
    "LinearRegressionManual": Spec(lambda: {"num_inputs": 2, "sigma": 0.01, "seed": 0}),
    "linear_model": Spec(lambda: {"num_inputs": 2, "sigma": 0.01, "seed": 0}),
    "mlp": Spec(lambda: {"num_inputs": 2, "hidden": 4, "depth": 2, "seed": 0}),
    "concise_setup": Spec(lambda: {"num_inputs": 2, "lr": 0.03, "seed": 0}),
    "mse_equivalent_lr": Spec(lambda: {"lr": 0.03}),
    "example_gradients": Spec(
        lambda: {
            "x": torch.tensor([1.0, 2.0]),
            "y": 5.0,
            "w": torch.ones(2, 1),
            "b": torch.zeros(1),
        }
    ),
    "minibatch_gradients": Spec(lambda: {**_model_args(), "y": _data()[1]}),
    "rmse": Spec(_preds()),
    "sigma2_mle": Spec(_preds()),
    "gaussian_nll": Spec(_preds(log_sigma=torch.zeros(1)), propagates=PRIMITIVE),
    "fit_gaussian_mle": Spec(_xy(lr=0.05, num_steps=20, tol=1e3)),
    # data
    "synthetic_data": Spec(
        lambda: (
            {"w": torch.tensor([2.0, -3.4]), "b": 4.2, "num_examples": 12, "noise": 0.01}
            | {"seed": 0}
        ),
        ok={"w": {"single", "short"}},
    ),
    "data_iter": Spec(_xy(batch_size=4, shuffle=True, seed=0), post=list),
    "load_array": Spec(lambda: {"data": _data(), "batch_size": 4, "seed": 0}, post=list),
    "InMemoryLoader": Spec(_xy(batch_size=4, shuffle=True, seed=0), post=list),
    "train_val_split": Spec(_xy(val_fraction=0.25, seed=0)),
    "data.three_way_split": Spec(_xy(val_fraction=0.25, test_fraction=0.25, seed=0)),
    "Standardizer": Spec(
        lambda: {"X": _data()[0], "X_new": _data(4, seed=1)[0]},
        fn=lambda X, X_new: d2l.Standardizer().fit(X).transform(X_new),
        ok={"X_new": {"empty"}},
    ),
    "data.standardize_parts": Spec(
        lambda: {"train_part": _data(), "others": _data(4, seed=1)},
        fn=lambda train_part, others: d2l.data.standardize_parts(train_part, others),
    ),
    "data.load_csv": Spec(lambda: {"path": _csv(), "target": "y", "dtype": torch.float64}),
    "data.iter_csv_chunks": Spec(
        lambda: {"path": _csv(), "chunk_rows": 2, "target": "y", "dtype": torch.float64},
        post=lambda chunks: [X for X, _ in chunks],
    ),
    "data.load_diabetes": Spec(lambda: {"dtype": torch.float64}),
    "data.load_nist": Spec(lambda: {"name": "norris"}),
    # training
    "train": Spec(_loop_args, skip=_loop_skips("num_epochs")),
    "evaluate": Spec(
        lambda: {
            "model": d2l.linear_model(2, seed=0),
            "loss_fn": d2l.squared_loss,
            "data": _data(),
            "batch_size": 4,
        }
    ),
    "ParameterPath": Spec(lambda: {"model": nn.Linear(2, 1)}, post=lambda p: p.tensor()),
    "PrintLoss": Spec(lambda: {"stream": sys.stderr}, ok={"stream": {"None"}}),
    # closed form
    "fit_least_squares": Spec(_xy(fit_intercept=True, method="auto", dtype=torch.float64)),
    "condition_number": Spec(
        lambda: {"X": _data()[0], "fit_intercept": True, "standardize": False}
    ),
    "closed_form.lre": Spec(
        lambda: (
            {"estimate": torch.tensor([1.0001, 2.0]), "certified": torch.tensor([1.0, 2.0])}
            | {"digits": 15}
        ),
        # a NaN or infinite estimate has no correct digit: LRE 0 is the right answer
        ok={
            "estimate": {"single", "short", "nan", "inf", "-inf"},
            "certified": {"single", "short"},
        },
    ),
    "closed_form.polynomial_features": Spec(
        lambda: {"x": torch.tensor([1.0, 2.0, 3.0]), "degree": 3}
    ),
    # topics
    "baselines.regression_problem": Spec(
        lambda: {"kind": "quadratic", "num_examples": 20, "noise": 0.3, "seed": 0}
    ),
    "baselines.compare_with_mlp": Spec(
        lambda: (
            {**_xy()(), "hidden": 4, "lr": 0.03, "num_epochs": 1, "batch_size": 4}
            | {"val_fraction": 0.25, "seed": 0}
        ),
        skip=_loop_skips("num_epochs"),
    ),
    "baselines.diabetes_report": Spec(
        lambda: (
            {"seed": 0, "models": ("mean", "sgd"), "lr": 0.03, "num_epochs": 1}
            | {"batch_size": 64, "hidden": 4}
        ),
        skip=_loop_skips("num_epochs"),
    ),
    "bias.add_constant_feature": Spec(lambda: {"X": _data()[0]}, ok={"X": {"empty"}}),
    "bias.split_bias": Spec(lambda: {"w_aug": torch.tensor([[2.0], [-3.4], [4.2]])}),
    "weight_decay_groups": Spec(lambda: {"params": nn.Linear(2, 1), "weight_decay": 0.1}),
    "weight_decay_solution": Spec(_xy(weight_decay=0.1, decay_bias=False)),
    "gradient_noise": Spec(
        lambda: (
            {**_xy()(), "w": torch.zeros(2, 1), "b": torch.zeros(1)}
            | {"batch_sizes": [1, 4], "num_draws": 4, "seed": 0}
        ),
        ok={"w": {"None"}, "b": {"None"}},
    ),
    "diagnose": Spec(_preds(feature=None, groups=None, alpha=0.01), ok={"feature": {"None"}}),
    "diagnostics.residuals": Spec(_preds()),
    "diagnostics.chi2_quantile": Spec(
        lambda: {"p": 0.99, "df": 2},
        ok={"df": {"fraction"}},  # chi-square allows any df > 0
    ),
    "diagnostics.false_alarm_rates": Spec(
        lambda: {"num_examples": 12, "num_problems": 20, "alpha": 0.01, "seed": 0}
    ),
    "diagnostics.residual_case": Spec(
        lambda: {"kind": "curved", "num_examples": 40, "seed": 0},
        skip={"num_examples:huge": "runs for minutes: csvdiag branch to bound it (xfail below)"},
    ),
    "generalization.polynomial_data": Spec(lambda: {"num_examples": 12, "noise": 0.1, "seed": 0}),
    "generalization.degree_sweep": Spec(
        lambda: {
            "train": d2l.generalization.polynomial_data(12, seed=0),
            "val": d2l.generalization.polynomial_data(8, seed=1),
            "degrees": [0, 1, 3],
        }
    ),
    "generalization.weight_decay_sweep": Spec(
        lambda: (
            {"train": _data(), "val": _data(6, seed=1), "weight_decays": [0.01, 1.0]}
            | {"degree": None}
        ),
        ok={"degree": {"None"}},
    ),
    "generalization.learning_curve": Spec(
        lambda: (
            {"degree": 2, "sizes": [6, 12], "num_val": 20, "num_draws": 2}
            | {"noise": 0.1, "seed": 0}
        )
    ),
    "generalization.plot_sweeps": Spec(
        lambda: (
            {"sweeps": d2l.generalization.Sweep("degree", (1, 2), (0.5, 0.1), (0.6, 0.2))}
            | {"labels": ["a"], "log_x": False, "floor": 0.1, "title": "t"}
        ),
        fn=lambda sweeps, **kw: d2l.generalization.plot_sweeps(sweeps, **kw),
        ok={"labels": {"None"}, "floor": {"None"}, "title": {"None", "bogus"}},
    ),
    "generalization.kfold_splits": Spec(_xy(k=3, seed=0)),
    "generalization.cross_validate": Spec(
        lambda: (
            {"data": d2l.generalization.polynomial_data(12, seed=0), "values": [1, 2]}
            | {"k": 3, "hyperparameter": "degree", "degree": None, "seed": 0}
        ),
        ok={"degree": {"None"}},
    ),
    "worked_examples.sgd_update": Spec(
        lambda: {"x": (1.0, 2.0), "y": (3.0, 5.0), "w": 0.0, "b": 0.0, "lr": 0.1}
    ),
    "worked_examples.normal_equation_no_bias": Spec(lambda: {"x": (1.0, 2.0), "y": (2.0, 3.0)}),
    # pitfalls
    "pitfalls.accumulated_gradients": Spec(
        lambda: {"model": nn.Linear(2, 1), "loss_fn": d2l.squared_loss, "batches": [_data()] * 2}
    ),
    "pitfalls.collinear_features": Spec(lambda: {"num_examples": 20, "eps": 1e-3, "seed": 0}),
    "pitfalls.effective_lr": Spec(lambda: {"lr": 0.03, "batch_size": 32, "reduction": "sum"}),
    "pitfalls.gram_bytes": Spec(lambda: {"d": 100, "dtype": torch.float32}),
    "pitfalls.leakage_problem": Spec(
        lambda: (
            {"num_features": 4, "num_train": 10, "num_val": 5, "num_test": 10}
            | {"noise": 1.0, "seed": 0}
        )
    ),
    "pitfalls.loss_along_path": Spec(lambda: {**_xy()(), "path": torch.zeros(3, 2)}),
    "pitfalls.max_stable_lr": Spec(lambda: {"X": _data()[0]}),
    "pitfalls.normal_equation_cost": Spec(lambda: {"n": 1000, "d": 10}),
    "pitfalls.sgd_epoch_cost": Spec(lambda: {"n": 1000, "d": 10, "batch_size": 32}),
    "pitfalls.scaling_run": Spec(
        _xy(lr=0.01, batch_size=4, num_epochs=1, seed=0), skip=_loop_skips("num_epochs")
    ),
    "pitfalls.shuffling_run": Spec(
        lambda: (
            {"shuffle": True, "num_examples": 40, "noise": 1.0, "lr": 0.3}
            | {"batch_size": 8, "num_epochs": 1, "seed": 0}
        ),
        skip=_loop_skips("num_epochs"),
    ),
    "pitfalls.sort_by_target": Spec(_xy()),
    "pitfalls.steps_to_tolerance": Spec(
        lambda: {**_xy()(), "path": torch.zeros(3, 2)} | {"tol": 1e-3}
    ),
    "pitfalls.subset_search": Spec(
        lambda: (
            {"problem": d2l.pitfalls.leakage_problem(num_features=4, num_train=10, num_val=5)}
            | {"num_configs": 5, "subset_size": 2, "seed": 0}
        )
    ),
    "pitfalls.unscaled_problem": Spec(
        lambda: {"num_examples": 20, "scales": (1.0, 10.0), "noise": 0.01, "seed": 0}
    ),
    # plotting
    "plot_loss_curves": Spec(
        lambda: {"history": d2l.History([2.0, 1.0], [2.1, 1.1], [3.0, 2.0, 1.0]), "title": "t"},
        ok={"title": {"None", "bogus"}},
    ),
    "plot_residuals": Spec(_preds(feature=None, groups=None), ok={"feature": {"None"}}),
    "plot_loss_contours": Spec(
        lambda: {**_xy()(), "path": torch.zeros(3, 2), "num": 10, "levels": 5},
        fn=lambda X, y, **kw: d2l.plot_loss_contours(X, y, **kw),
        ok={"path": {"None"}},
    ),
    "plot_gradient_noise": Spec(lambda: {"table": _table()}),
}


# --- Bad-input classes ----------------------------------------------------------------------

EQUIVALENT = {"list", "numpy", "float64"}  # the same data in another container: same result


def _set_first(t: torch.Tensor, value: float) -> torch.Tensor:
    t = t.detach().clone()
    t.view(-1)[0] = value
    return t


def tensor_cases(v: torch.Tensor) -> Iterator[tuple[str, Any]]:
    v = v.detach()
    yield "None", None
    yield "str", "abc"
    yield "list", v.tolist()
    yield "numpy", v.numpy().copy()
    if v.dtype == torch.float32:
        yield "float64", v.double()
    yield "int", (v * 10).long()
    yield "half", v.half()
    yield "bool", v > 0
    yield "complex", v.to(torch.complex64)
    if v.numel():
        yield "nan", _set_first(v, math.nan)
        yield "inf", _set_first(v, math.inf)
        yield "-inf", _set_first(v, -math.inf)
    if v.dim():
        yield "empty", v[:0]
        yield "single", v[:1]
        if len(v) > 1:
            yield "short", v[:-1]
    yield "extra_dim", v.unsqueeze(0).repeat(2, *([1] * v.dim()))
    yield "meta", v.to("meta")


def int_cases() -> Iterator[tuple[str, Any]]:
    yield from [("None", None), ("str", "3"), ("fraction", 2.5), ("zero", 0), ("negative", -1)]
    yield from [("bool", True), ("huge", 10**9), ("huger", 2**64), ("tensor", torch.tensor(3))]


def float_cases() -> Iterator[tuple[str, Any]]:
    yield from [("None", None), ("str", "0.1"), ("nan", math.nan), ("inf", math.inf)]
    yield from [("-inf", -math.inf), ("negative", -1.0), ("zero", 0.0), ("huge", 1e300)]
    yield from [("complex", 1j), ("bool", True)]


def cases_for(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        yield from tensor_cases(value)
    elif isinstance(value, bool):
        yield from [("None", None), ("str", "no"), ("int", 2)]
    elif isinstance(value, int):
        yield from int_cases()
    elif isinstance(value, float):
        yield from float_cases()
    elif isinstance(value, str):
        yield from [("None", None), ("int", 3), ("bogus", "bogus")]
    elif isinstance(value, torch.dtype):
        yield from [("None", None), ("str", "float64"), ("int64", torch.int64)]
        yield from [("complex", torch.complex64), ("half", torch.float16)]
    elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], torch.Tensor):
        X, y = value
        yield from [("None", None), ("str", "abc"), ("one", (X,)), ("short", (X, y[:-1]))]
        yield from [("numpy", (X.numpy(), y.numpy())), ("complex", (X.to(torch.complex64), y))]
        yield "nan", (_set_first(X, math.nan), y)
    elif isinstance(value, (list, tuple)):
        yield from [("None", None), ("str", "abc"), ("empty", type(value)()), ("int", 3)]
        yield from [("nested_none", type(value)([None]))]
    else:  # models, callables, optimizers, streams, records
        yield from [("None", None), ("str", "abc"), ("int", 3)]


# --- Running one call -----------------------------------------------------------------------


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang


def _leaves(result: Any, depth: int = 0) -> Iterator[Any]:
    """The numbers inside a result (tensors, floats, records, containers, modules)."""
    if depth > 4:
        return
    if isinstance(result, torch.Tensor):
        yield result.detach()
    elif isinstance(result, (bool, str, type(None))):
        return
    elif isinstance(result, (int, float)):
        yield torch.tensor(float(result), dtype=torch.float64)
    elif isinstance(result, dict):
        for v in result.values():
            yield from _leaves(v, depth + 1)
    elif isinstance(result, (list, tuple)):
        for v in result:
            yield from _leaves(v, depth + 1)
    elif isinstance(result, nn.Module):
        for p in [*result.parameters(), *getattr(result, "params", [])]:
            yield p.detach()
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        for field in dataclasses.fields(result):
            if field.name not in ("seconds_per_update",):  # timings differ from run to run
                yield from _leaves(getattr(result, field.name), depth + 1)


def _finite(result: Any) -> bool:
    return all(
        bool(torch.isfinite(t).all()) for t in _leaves(result) if not t.is_complex() and t.numel()
    )


def _same(a: Any, b: Any) -> bool:
    la, lb = list(_leaves(a)), list(_leaves(b))
    return len(la) == len(lb) and all(
        x.shape == y.shape
        and torch.allclose(x.double(), y.double(), rtol=1e-5, atol=1e-6, equal_nan=True)
        for x, y in zip(la, lb, strict=True)
    )


def _call(spec: Spec, target: Any, kwargs: dict[str, Any], limit: float = LIMIT_S) -> Any:
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        result = (spec.fn or target)(**kwargs)
        return spec.post(result) if spec.post else result
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _defaults_to_none(spec: Spec, arg: str) -> bool:
    """None is a legitimate value of an argument whose default is None (seed, w, feature, ...)."""
    return arg in spec.none_ok or arg == "seed"  # seed=None: the global generator


def classify(name: str, spec: Spec, target: Any, arg: str, case: str, value: Any, baseline: Any):
    kwargs = spec.args()
    kwargs[arg] = value
    try:
        result = _call(spec, target, kwargs)
    except Hang:
        return "hang", f"{arg}={case}: no answer in {LIMIT_S} s"
    except (InputError, FileNotFoundError) as exc:
        named = arg in str(exc)
        if named or (arg in ("X_new", "train_part", "data") and "X" in str(exc)):
            return "clean", ""
        return "unclear", f"{arg}={case}: {type(exc).__name__} does not name {arg}: {exc}"
    except Exception as exc:
        return "unclear", f"{arg}={case}: {type(exc).__name__}: {str(exc)[:150]}"
    if case in EQUIVALENT:
        if _same(result, baseline):
            return "legit", ""
        return "silent", f"{arg}={case}: a different result than for the tensor"
    if case in spec.ok.get(arg, set()) or (case == "None" and _defaults_to_none(spec, arg)):
        return "legit", ""
    if case in ("nan", "inf", "-inf") and arg in spec.propagates:
        if not _finite(result):  # NaN in, NaN out: visible, and the loop stops on it
            return "legit", ""
        return "silent", f"{arg}={case}: a finite result from non-finite input"
    finite_input = case in ("single", "short", "huge", "huger", "negative", "zero", "tensor")
    if finite_input or (case == "-inf" and arg == "b"):
        if _finite(result):
            return "legit", ""
        return "silent", f"{arg}={case}: NaN or inf in the result of finite input"
    return "silent", f"{arg}={case}: accepted ({type(result).__name__} returned)"


def sweep(name: str) -> Counter[str]:
    target, spec = public_names()[name], SPECS[name]
    params = inspect.signature(spec.fn or target).parameters.values()
    spec.none_ok = {p.name for p in params if p.default is None}
    baseline = _call(spec, target, spec.args(), limit=0)  # no limit: first calls import lazily
    counts: Counter[str] = Counter()
    problems = []
    for arg, value in spec.args().items():
        for case, bad in cases_for(arg, value):
            if f"{arg}:{case}" in spec.skip:
                counts["skipped"] += 1
                continue
            outcome, why = classify(name, spec, target, arg, case, bad, baseline)
            counts[outcome] += 1
            if why:
                problems.append(why)
    counts["calls"] = sum(counts[k] for k in ("clean", "legit", "unclear", "silent", "hang"))
    sweep.problems[name] = problems  # type: ignore[attr-defined]
    return counts


sweep.problems = {}  # type: ignore[attr-defined]
TOTALS: Counter[str] = Counter()


def test_every_public_name_is_swept_or_skipped_with_a_reason() -> None:
    names = set(public_names())
    missing = sorted(n for n in names if n not in SPECS and n not in SKIP)
    assert not missing, f"add a valid call to SPECS (or a reason to SKIP) for {missing}"
    stale = sorted((set(SPECS) | set(SKIP)) - names)
    assert not stale, f"SPECS/SKIP name objects that are not public: {stale}"
    for name, obj in public_names().items():
        if name in SKIP and inspect.isfunction(obj):
            pytest.fail(f"{name} is a function: sweep it instead of skipping it")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_bad_input_gives_a_clean_error_or_a_correct_result(name: str) -> None:
    counts = sweep(name)
    TOTALS.update(counts)
    problems = sweep.problems[name]  # type: ignore[attr-defined]
    assert not problems, f"{name}: {len(problems)} problem(s):\n" + "\n".join(problems)


def main(names: list[str]) -> None:
    import time

    totals: Counter[str] = Counter()
    for name in names or sorted(SPECS):
        start = time.perf_counter()
        counts = sweep(name)
        print(f"{name}: {time.perf_counter() - start:.2f} s", file=sys.stderr)
        totals.update(counts)
        for why in sweep.problems[name]:  # type: ignore[attr-defined]
            print(f"{name}: {why}")
    keys = ("calls", "clean", "legit", "unclear", "silent", "hang", "skipped")
    print(f"{len(SPECS)} callables;", ", ".join(f"{k} {totals[k]}" for k in keys))


if __name__ == "__main__":
    main(sys.argv[1:])
