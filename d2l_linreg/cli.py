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
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from d2l_linreg import cli_train, data
from d2l_linreg.cli_train import UsageError
from d2l_linreg.closed_form import (
    METHODS,
    RankDeficientError,
    fit_least_squares,
    polynomial_features,
    sources,
)
from d2l_linreg.errors import InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; run '{self.prog} --help' for the options")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m d2l_linreg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train on a synthetic problem with known parameters")
    cli_train.add_arguments(t)

    s = sub.add_parser("solve", help="closed-form least-squares fit of a CSV or .npy file")
    s.add_argument(
        "file",
        help="CSV with a header row, or a 2-D .npy table; the target is the first column",
    )
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
    s.add_argument(
        "--chunk-rows",
        type=int,
        help="stream the rows in chunks of this many (default for .npy: from free memory)",
    )
    s.add_argument("--json", action="store_true", help="print one JSON object instead of text")

    sub.add_parser("worked-examples", help="print both worked examples step by step")
    return parser


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


# A CSV larger than this is streamed even without --chunk-rows (parsed, it takes ~1.5x its size).
_STREAM_CSV_BYTES = 256 * 2**20


def _large(path: str) -> bool:
    try:
        return os.path.getsize(path) > _STREAM_CSV_BYTES
    except OSError:
        return False  # load_csv names the missing file


def _csv_source(args: argparse.Namespace) -> tuple[Callable[[], Iterator[Any]], list[str]]:
    """A CSV file read a block of rows at a time, as a factory of ``(X, y)`` chunks."""
    probe = data.iter_csv_chunks(args.file, 1, target=args.target)  # checks the header now
    names = list(probe.feature_names)
    rows = args.chunk_rows or sources.default_rows(len(names) + 1 + args.degree)
    chunks = data.iter_csv_chunks(args.file, rows, target=args.target)

    def stream() -> Iterator[Any]:
        for X, y in chunks:
            yield (_expand(X, names, args.degree) if args.degree > 1 else X), y

    return stream, names


def _cmd_solve(args: argparse.Namespace) -> None:
    _check_solve_args(args)
    source: Callable[[], Iterator[Any]] | None = None
    if str(args.file).endswith(".npy"):
        # Any factory of (X, y) chunks fits here: a streaming CSV reader plugs in the same way.
        source, names = _npy_source(args)
    elif args.chunk_rows is not None or _large(args.file):
        source, names = _csv_source(args)
    else:
        X, y, names = data.load_csv(args.file, target=args.target)
        if args.degree > 1:
            X = _expand(X, names, args.degree)
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


def _cmd_examples(args: argparse.Namespace) -> None:
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
    """Run the command line; returns the exit status: 0, 2 for bad input, 3 for a diverged
    training run, 130 after Ctrl-C.

    Bad input is :class:`UsageError`, the package's :class:`~d2l_linreg.errors.InputError` or a
    file error (``OSError``); any other exception is a bug and propagates (a traceback, status 1).
    """
    try:
        args = _build_parser().parse_args(argv)
        commands = {"train": cli_train.run, "solve": _cmd_solve, "worked-examples": _cmd_examples}
        status = commands[args.command](args)
    except (UsageError, InputError, OSError) as exc:  # anything else is a bug: a traceback
        print(f"error: {translate(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: stopped by Ctrl-C", file=sys.stderr)
        return cli_train.EXIT_INTERRUPTED
    return status or 0
