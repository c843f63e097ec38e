"""The command line: ``python -m d2l_linreg {train,solve,worked-examples}`` (also ``d2l-linreg``).

Bad input never produces a traceback: the command prints one line ``error: ...`` that names the
problem and the fix (with the package's argument names translated to this command's flags), and
exits with status 2. Only the package's :class:`~d2l_linreg.errors.InputError`, this module's
:class:`UsageError` and file errors count as bad input: anything else is a bug in the package
and ends in a traceback with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from torch import nn

from d2l_linreg import data
from d2l_linreg.closed_form import (
    METHODS,
    RankDeficientError,
    fit_least_squares,
    polynomial_features,
)
from d2l_linreg.errors import InputError
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

    s = sub.add_parser("solve", help="closed-form least-squares fit of a CSV file")
    s.add_argument("file", help="CSV with a header row; the target is the first column")
    s.add_argument("--target", help="name of the target column (default: the first)")
    s.add_argument(
        "--degree", type=int, default=1, help="expand a single predictor x into x, x², ..., x^K"
    )
    s.add_argument("--no-intercept", action="store_true")
    s.add_argument("--method", choices=METHODS, default="auto")
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


def _cmd_solve(args: argparse.Namespace) -> None:
    if args.degree < 1:
        raise UsageError(
            f"--degree must be a positive integer (got {args.degree}); use e.g. --degree 2"
        )
    try:
        X, y, names = data.load_csv(args.file, target=args.target)
    except InputError:
        raise
    except ValueError as exc:  # the file's content; until load_csv raises InputValueError
        raise UsageError(str(exc)) from exc
    if X.shape[1] == 0:
        raise UsageError(f"{args.file}: no feature column besides the target; add one")
    if args.degree > 1:
        if X.shape[1] != 1:
            raise UsageError(
                f"--degree needs exactly one predictor column (got {X.shape[1]}: "
                f"{', '.join(names)}); drop --degree or keep one column"
            )
        X = polynomial_features(X[:, 0], args.degree)
        names = [names[0]] + [f"{names[0]}^{k}" for k in range(2, args.degree + 1)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fit_least_squares(
                X, y, fit_intercept=not args.no_intercept, method=args.method
            )
        except RankDeficientError as exc:
            named = " and ".join(repr(names[i]) for i in exc.columns if i < len(names))
            raise UsageError(f"{args.file}: columns {named} are linearly dependent; {exc}") from exc
        except InputError:
            raise
        except ValueError as exc:  # the data of the file; until closed_form raises InputValueError
            raise UsageError(f"{args.file}: {exc}") from exc
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


# The package's argument names and the flags that set them (the package speaks Python).
FLAGS = {
    "w": "--w",
    "b": "--b",
    "num_examples": "--num-examples",
    "batch_size": "--batch-size",
    "num_epochs": "--epochs",
    "noise": "--noise",
    "seed": "--seed",
    "lr": "--lr",
    "degree": "--degree",
    "target": "--target",
    "method": "--method",
}
_ARG = re.compile(r"(?<![\w.-])(" + "|".join(FLAGS) + r")(=| must\b)")


def translate(message: str) -> str:
    """A package message in the command's terms: ``lr=0.03`` -> ``--lr 0.03``, ``lr must`` ->
    ``--lr must``; on one line.

    >>> translate("lr must be a positive number (got 0.0); use e.g. lr=0.03")
    '--lr must be a positive number (got 0.0); use e.g. --lr 0.03'
    """
    message = " ".join(message.split())  # exactly one line
    return _ARG.sub(lambda m: FLAGS[m[1]] + (" " if m[2] == "=" else m[2]), message)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input).

    Bad input is :class:`UsageError`, the package's :class:`~d2l_linreg.errors.InputError` or a
    file error (``OSError``); any other exception is a bug and propagates (a traceback, status 1).
    """
    try:
        args = _build_parser().parse_args(argv)
        {"train": _cmd_train, "solve": _cmd_solve, "worked-examples": _cmd_worked_examples}[
            args.command
        ](args)
    except (UsageError, InputError, OSError) as exc:
        print(f"error: {translate(str(exc))}", file=sys.stderr)
        return 2
    return 0
