"""The command line: ``python -m d2l_linreg {train,solve,worked-examples}`` (also ``d2l-linreg``).

Bad input never produces a traceback: the command prints one line ``error: ...`` that names the
problem and the fix, and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from torch import nn

from d2l_linreg import data
from d2l_linreg.closed_form import (
    METHODS,
    RankDeficientError,
    fit_least_squares,
    polynomial_features,
    sources,
)
from d2l_linreg.models import concise, gradients, scratch
from d2l_linreg.training.callbacks import PrintLoss, ProgressBar
from d2l_linreg.training.loop import Callback, History, train

IMPLS = ("concise", "scratch", "manual")


class UsageError(Exception):
    """Bad input on the command line; reported as one ``error:`` line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; run '{self.prog} --help' for the options")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m d2l_linreg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train on a synthetic problem with known parameters")
    t.add_argument("--w", type=float, nargs="+", default=[2.0, -3.4], help="true weights")
    t.add_argument("--b", type=float, default=4.2, help="true bias")
    t.add_argument("--num-examples", type=int, default=1000)
    t.add_argument("--noise", type=float, default=0.01)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument(
        "--lr",
        type=float,
        default=0.03,
        help="learning rate of the reference program (MSELoss); the ½-loss paths use 2 × lr",
    )
    t.add_argument("--epochs", type=int, default=5)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--impl", choices=IMPLS, default="concise")
    t.add_argument("--json", action="store_true", help="print one JSON object instead of text")

    s = sub.add_parser("solve", help="closed-form least-squares fit of a CSV or .npy file")
    s.add_argument(
        "file",
        help="CSV with a header row, or a 2-D .npy table; the target is the first column",
    )
    s.add_argument("--target", help="name of the target column (default: the first)")
    s.add_argument(
        "--degree", type=int, default=1, help="expand a single predictor x into x, x², ..., x^K"
    )
    s.add_argument("--no-intercept", action="store_true")
    s.add_argument("--method", choices=METHODS, default="auto")
    s.add_argument(
        "--chunk-rows",
        type=int,
        help="stream the rows in chunks of this many (default for .npy: from free memory)",
    )
    s.add_argument("--json", action="store_true")

    sub.add_parser("worked-examples", help="print both worked examples step by step")
    return parser


def _check_train_args(args: argparse.Namespace) -> None:
    for name, value, example in [
        ("--batch-size", args.batch_size, 32),
        ("--epochs", args.epochs, 5),
        ("--num-examples", args.num_examples, 1000),
    ]:
        if value <= 0:
            raise UsageError(
                f"{name} must be a positive integer (got {value}); use e.g. {name} {example}"
            )
    if not args.lr > 0 or args.lr == float("inf"):
        raise UsageError(f"--lr must be a positive number (got {args.lr}); use e.g. --lr 0.03")
    if not args.noise >= 0:
        raise UsageError(f"--noise must be a number >= 0 (got {args.noise}); use e.g. --noise 0.01")


def _setup(impl: str, d: int, lr: float, seed: int) -> tuple[nn.Module, Any, Any, float]:
    """Model, loss and optimizer of one implementation; all three take identical steps."""
    if impl == "concise":
        net, loss_fn, optimizer = concise.concise_setup(d, lr, seed=seed)
        return net, loss_fn, optimizer, lr
    # The ½-loss has half the gradient of MSELoss: double lr so every path takes the same steps.
    model_cls = (
        scratch.LinearRegressionScratch if impl == "scratch" else gradients.LinearRegressionManual
    )
    loss = scratch.squared_loss if impl == "scratch" else gradients.manual_squared_loss
    model = model_cls(d, seed=seed)
    return model, loss, scratch.SGDScratch(model.params, 2 * lr), 2 * lr


def _parameters(model: nn.Module) -> tuple[list[float], float]:
    if isinstance(model, scratch.LinearRegressionScratch):
        return model.w.detach().flatten().tolist(), float(model.b.detach())
    assert isinstance(model, nn.Linear)  # internal invariant of _setup, not an input check
    return model.weight.detach().flatten().tolist(), float(model.bias.detach())


def _cmd_train(args: argparse.Namespace) -> None:
    _check_train_args(args)
    X, y = data.synthetic_data(args.w, args.b, args.num_examples, args.noise, seed=args.seed)
    model, loss_fn, optimizer, lr_used = _setup(args.impl, len(args.w), args.lr, args.seed)
    steps_per_epoch = -(-args.num_examples // args.batch_size)
    callbacks: list[Callback] = [] if args.json else [ProgressBar(steps_per_epoch), PrintLoss()]
    history: History = train(
        model,
        loss_fn,
        optimizer,
        (X, y),
        num_epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        callbacks=callbacks,
    )
    w, b = _parameters(model)
    if args.json:
        print(
            json.dumps(
                {
                    "impl": args.impl,
                    "w": w,
                    "b": b,
                    "true_w": args.w,
                    "true_b": args.b,
                    "train_loss": history.train_loss,
                    "lr": lr_used,
                    "diverged": history.diverged,
                }
            )
        )
        return
    loss_name = "MSELoss" if args.impl == "concise" else "½ squared loss"
    print(f"impl {args.impl}: {loss_name}, lr {lr_used:g}")
    if history.diverged:
        print("training diverged (the loss became NaN or infinite): lower --lr")
    print(
        "learned w:",
        " ".join(f"{v:.4f}" for v in w),
        "| true w:",
        " ".join(f"{v:g}" for v in args.w),
    )
    print(f"learned b: {b:.4f} | true b: {args.b:g}")


def _check_solve_args(args: argparse.Namespace) -> None:
    if args.degree < 1:
        raise UsageError(
            f"--degree must be a positive integer (got {args.degree}); use e.g. --degree 2"
        )
    if args.chunk_rows is not None and args.chunk_rows < 1:
        raise UsageError(
            f"--chunk-rows must be a positive integer (got {args.chunk_rows}); "
            f"use e.g. --chunk-rows 100000"
        )


def _expand(X: Any, names: list[str], degree: int) -> Any:
    """``x -> x, x², ..., x^K`` for a single predictor (the names too, when given)."""
    if X.shape[1] != 1:
        raise UsageError(
            f"--degree needs exactly one predictor column (got {X.shape[1]}: "
            f"{', '.join(names)}); drop --degree or keep one column"
        )
    return polynomial_features(X[:, 0], degree)


def _poly_names(names: list[str], degree: int) -> list[str]:
    return [names[0]] + [f"{names[0]}^{k}" for k in range(2, degree + 1)] if degree > 1 else names


def _npy_source(args: argparse.Namespace) -> tuple[Callable[[], Iterator[Any]], list[str]]:
    """A ``.npy`` table ``[y, X]`` as a factory of chunks, and its feature names ``x1..xd``."""
    if args.target is not None:
        raise UsageError(
            f"--target needs a CSV header (got {args.target!r} for a .npy file); in a .npy "
            f"table the target is the first column"
        )
    shape, _ = sources.npy_shape(args.file)
    d = shape[1] - 1 if len(shape) == 2 else 0
    names = ["x"] if d == 1 else [f"x{j}" for j in range(1, d + 1)]
    rows = args.chunk_rows or sources.default_rows(shape[-1] + args.degree)

    def chunks() -> Iterator[Any]:
        for X, y in sources.npy_chunks(args.file, rows):
            yield (_expand(X, names, args.degree) if args.degree > 1 else X), y

    return chunks, names


def _in_chunks(X: Any, y: Any, rows: int) -> Callable[[], Iterator[Any]]:
    return lambda: ((X[i : i + rows], y[i : i + rows]) for i in range(0, X.shape[0], rows))


def _cmd_solve(args: argparse.Namespace) -> None:
    _check_solve_args(args)
    source: Callable[[], Iterator[Any]] | None = None
    if str(args.file).endswith(".npy"):
        # Any factory of (X, y) chunks fits here: a streaming CSV reader plugs in the same way.
        source, names = _npy_source(args)
    else:
        X, y, names = data.load_csv(args.file, target=args.target)
        if args.degree > 1:
            X = _expand(X, names, args.degree)
        if args.chunk_rows is not None:
            source = _in_chunks(X, y, args.chunk_rows)
    if source is not None and args.method != "auto":
        raise UsageError(
            f"--method {args.method} needs the data in memory; streaming (a .npy file or "
            f"--chunk-rows) uses the default method: drop --method"
        )
    names = _poly_names(names, args.degree)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if source is not None:
                result = fit_least_squares(source, fit_intercept=not args.no_intercept)
            else:
                result = fit_least_squares(
                    X, y, fit_intercept=not args.no_intercept, method=args.method
                )
        except RankDeficientError as exc:
            named = " and ".join(repr(names[i]) for i in exc.columns if i < len(names))
            raise UsageError(f"{args.file}: columns {named} are linearly dependent; {exc}") from exc
    for warning in caught:  # one line each, like errors: "warning: ..."
        print(f"warning: {' '.join(str(warning.message).split())}", file=sys.stderr)
    w = result.w.tolist()
    if args.json:
        print(
            json.dumps(
                {
                    "w": w,
                    "b": result.b,
                    "method": result.method,
                    "condition_number": result.condition_number,
                    "features": names,
                }
            )
        )
        return
    print(f"method {result.method}, condition number {result.condition_number:.4g}")
    for name, value in zip(names, w, strict=True):
        print(f"w[{name}] = {value:.15g}")
    print(f"b = {result.b:.15g}")


def _cmd_worked_examples(args: argparse.Namespace) -> None:
    from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

    print(sgd_update().report())
    print()
    print(normal_equation_no_bias().report())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input)."""
    try:
        args = _build_parser().parse_args(argv)
        {"train": _cmd_train, "solve": _cmd_solve, "worked-examples": _cmd_worked_examples}[
            args.command
        ](args)
    except (UsageError, ValueError, TypeError, OSError) as exc:
        message = " ".join(str(exc).split())  # exactly one line
        print(f"error: {message}", file=sys.stderr)
        return 2
    return 0
