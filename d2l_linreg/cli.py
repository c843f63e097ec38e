"""The command line: ``python -m d2l_linreg {train,solve,worked-examples}`` (also ``d2l-linreg``).

Bad input never produces a traceback: the command prints one line ``error: ...`` that names the
problem and the fix, and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

from d2l_linreg import cli_train, data
from d2l_linreg.cli_train import UsageError
from d2l_linreg.closed_form import (
    METHODS,
    RankDeficientError,
    fit_least_squares,
    polynomial_features,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; run '{self.prog} --help' for the options")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m d2l_linreg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train on a synthetic problem with known parameters")
    cli_train.add_arguments(t)

    s = sub.add_parser("solve", help="closed-form least-squares fit of a CSV file")
    s.add_argument("file", help="CSV with a header row; the target is the first column")
    s.add_argument("--target", help="name of the target column (default: the first)")
    s.add_argument(
        "--degree",
        type=int,
        default=1,
        help="expand a single predictor x into x, x², ..., x^K (default: %(default)s)",
    )
    s.add_argument("--no-intercept", action="store_true", help="fit without the bias b")
    s.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="solver: auto (accurate), or a textbook one to see where it breaks "
        "(default: %(default)s)",
    )
    s.add_argument("--json", action="store_true", help="print one JSON object instead of text")

    sub.add_parser("worked-examples", help="print both worked examples step by step")
    return parser


def _cmd_solve(args: argparse.Namespace) -> None:
    if args.degree < 1:
        raise UsageError(
            f"--degree must be a positive integer (got {args.degree}); use e.g. --degree 2"
        )
    X, y, names = data.load_csv(args.file, target=args.target)
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


def _cmd_examples(args: argparse.Namespace) -> None:
    from d2l_linreg.worked_examples import normal_equation_no_bias, sgd_update

    print(sgd_update().report())
    print()
    print(normal_equation_no_bias().report())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, 2 for bad input, 3 for a diverged
    training run, 130 after Ctrl-C."""
    try:
        args = _build_parser().parse_args(argv)
        commands = {"train": cli_train.run, "solve": _cmd_solve, "worked-examples": _cmd_examples}
        status = commands[args.command](args)
    except (UsageError, ValueError, TypeError, OSError) as exc:
        message = " ".join(str(exc).split())  # exactly one line
        print(f"error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: stopped by Ctrl-C", file=sys.stderr)
        return cli_train.EXIT_INTERRUPTED
    return status or 0
