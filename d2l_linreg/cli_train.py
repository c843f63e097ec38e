"""The command line's ``train`` command: options, the terminal progress bar, the report.

``python -m d2l_linreg train`` prints its settings first, then the loss every few epochs (about
ten lines in all, or every ``--log-every`` epochs), one summary line and the learned parameters.
On a terminal a progress bar runs on stderr. Exit status: 0 done, 3 diverged (with what to
change), 130 stopped by Ctrl-C; ``--json`` prints one valid JSON object in every case.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, TextIO

from torch import nn

from d2l_linreg import data
from d2l_linreg.models import concise, gradients, scratch
from d2l_linreg.training import checkpoint, distributed, guards
from d2l_linreg.training.loop import Callback, History, train

IMPLS = ("concise", "scratch", "manual")
EXIT_DIVERGED, EXIT_INTERRUPTED = 3, 130


class UsageError(Exception):
    """Bad input on the command line; reported as one ``error:`` line with exit status 2."""


def add_arguments(t: argparse.ArgumentParser) -> None:
    """The options of ``train``, each with a help text that shows its default."""
    t.add_argument(
        "--w",
        type=float,
        nargs="+",
        default=[2.0, -3.4],
        help="true weights (default: %(default)s)",
    )
    t.add_argument("--b", type=float, default=4.2, help="true bias (default: %(default)s)")
    t.add_argument(
        "--num-examples", type=int, default=1000, help="examples to simulate (default: %(default)s)"
    )
    t.add_argument(
        "--noise",
        type=float,
        default=0.01,
        help="standard deviation of the noise (default: %(default)s)",
    )
    t.add_argument(
        "--batch-size", type=int, default=32, help="examples per minibatch (default: %(default)s)"
    )
    t.add_argument(
        "--lr",
        type=float,
        default=0.03,
        help="learning rate of the reference program (MSELoss); the ½-loss paths use 2 × lr (default: %(default)s)",
    )
    t.add_argument(
        "--epochs", type=int, default=5, help="passes over the data, in all (default: %(default)s)"
    )
    t.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the data, model and shuffling (default: %(default)s)",
    )
    t.add_argument(
        "--impl",
        choices=IMPLS,
        default="concise",
        help="which implementation trains (default: %(default)s)",
    )
    t.add_argument(
        "--log-every",
        type=int,
        default=0,
        metavar="K",
        help="print the loss every K epochs and after the last; 0: about ten lines in all (default: %(default)s)",
    )
    t.add_argument("--checkpoint", metavar="PATH", help="save the run to PATH after each epoch")
    t.add_argument("--resume", metavar="PATH", help="continue the run saved in PATH")
    t.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _check(args: argparse.Namespace) -> None:
    for name, value, example in [
        ("--batch-size", args.batch_size, 32),
        ("--epochs", args.epochs, 5),
        ("--num-examples", args.num_examples, 1000),
    ]:
        if value <= 0:
            raise UsageError(
                f"{name} must be a positive integer (got {value}); use e.g. {name} {example}"
            )
    if args.log_every < 0:
        raise UsageError(f"--log-every must be 0 or more (got {args.log_every}); use e.g. 10")
    if not args.lr > 0 or args.lr == float("inf"):
        raise UsageError(f"--lr must be a positive number (got {args.lr}); use e.g. --lr 0.03")
    if not args.noise >= 0:
        raise UsageError(f"--noise must be a number >= 0 (got {args.noise}); use e.g. --noise 0.01")
    if args.checkpoint is not None:
        checkpoint.checkpoint_path("--checkpoint", args.checkpoint, must_exist=False, flag=True)
    if args.resume is not None:  # a bad file is reported before anything is printed
        path = checkpoint.checkpoint_path("--resume", args.resume, must_exist=True, flag=True)
        checkpoint.read(path, f"--resume {path}")
    memory = guards.memory_bytes()
    data_bytes = 4 * 4 * args.num_examples * (len(args.w) + 1)  # float32; ~4 copies at a time
    if data_bytes > memory:
        most = memory // (16 * (len(args.w) + 1))
        raise UsageError(
            f"--num-examples {args.num_examples} needs about {data_bytes / 1e9:.3g} GB, more than "
            f"this machine's {memory / 1e9:.3g} GB; use --num-examples {most} or fewer"
        )
    steps = args.epochs * -(-args.num_examples // args.batch_size)
    if steps * guards.STEP_BYTES > memory:
        most = memory // guards.STEP_BYTES // -(-args.num_examples // args.batch_size)
        raise UsageError(
            f"--epochs {args.epochs} means {steps:.3g} steps, whose losses alone need "
            f"{steps * guards.STEP_BYTES / 1e9:.3g} GB, more than this machine's "
            f"{memory / 1e9:.3g} GB; use --epochs {most} or fewer, or a larger --batch-size"
        )


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
    return model, loss, scratch.SGDScratch(model.parameters(), 2 * lr), 2 * lr


class ProgressBar(Callback):
    """A bar over all steps of the run, drawn in place on stderr, only when it is a terminal.

    It redraws when the shown percentage or epoch changes, and clears itself (:meth:`clear`)
    before another line is printed and at the end.
    """

    def __init__(self, total_steps: int, epochs: int, stream: TextIO | None = None) -> None:
        self.total, self.epochs = max(1, total_steps), epochs
        self.stream = stream or sys.stderr
        self.on = self.stream.isatty()
        self._shown: tuple[int, int] | None = None
        self._epoch = 0

    def on_step_end(self, step: int, loss: float) -> None:
        done = min(step + 1, self.total)
        key = (100 * done // self.total, self._epoch)
        if self.on and key != self._shown:
            self._shown = key
            filled = 30 * done // self.total
            bar = "#" * filled + "-" * (30 - filled)
            print(
                f"\r[{bar}] {key[0]:3d}% epoch {self._epoch + 1}/{self.epochs} loss {loss:.4g}",
                end="",
                file=self.stream,
                flush=True,
            )

    def on_epoch_end(self, epoch: int, history: History) -> None:
        self._epoch = epoch + 1

    def clear(self) -> None:
        if self.on and self._shown is not None:
            print("\r\033[K", end="", file=self.stream, flush=True)
            self._shown = None


class EpochLines(Callback):
    """``epoch N, train loss L`` every ``every`` epochs and after the last one."""

    def __init__(self, every: int, last: int, bar: ProgressBar) -> None:
        self.every, self.last, self.bar = every, last, bar

    def on_epoch_end(self, epoch: int, history: History) -> None:
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.last:
            self.bar.clear()
            print(f"epoch {epoch + 1}, train loss {history.train_loss[-1]:.6f}", flush=True)


def _finite(values: list[float]) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in values]


def run(args: argparse.Namespace) -> int:
    """Run ``train``; returns the exit status."""
    _check(args)
    distributed.init_from_env()  # under torchrun (WORLD_SIZE > 1): join the group; else no-op
    main = distributed.is_main_process()  # only rank 0 prints
    X, y = data.synthetic_data(args.w, args.b, args.num_examples, args.noise, seed=args.seed)
    model, loss_fn, optimizer, lr_used = _setup(args.impl, len(args.w), args.lr, args.seed)
    loss_name = "MSELoss" if args.impl == "concise" else "½ squared loss"
    if main and not args.json:  # the settings first
        print(
            f"train {args.impl} ({loss_name}, lr {lr_used:g}): {args.epochs} epochs, batches of "
            f"{args.batch_size}, {args.num_examples} examples, noise {args.noise:g}, seed {args.seed}",
            flush=True,
        )
    steps_per_epoch = -(-args.num_examples // args.batch_size)
    bar = ProgressBar(args.epochs * steps_per_epoch, args.epochs)
    every = args.log_every or max(1, math.ceil(args.epochs / 10))
    callbacks: list[Callback] = [bar] if args.json else [bar, EpochLines(every, args.epochs, bar)]
    if not main:
        callbacks = []
    try:
        history = train(
            model,
            loss_fn,
            optimizer,
            (X, y),
            num_epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            callbacks=callbacks,
            checkpoint=args.checkpoint,
            resume=args.resume,
        )
    finally:
        bar.clear()
    if not main:
        return 0
    w, b = (p.detach() for p in model.parameters())  # (weight, bias) or (w, b): same order
    w_list, b_value = w.flatten().tolist(), float(b)
    if args.json:
        result = {
            "impl": args.impl,
            "w": _finite(w_list),
            "b": _finite([b_value])[0],
            "true_w": args.w,
            "true_b": args.b,
            "train_loss": _finite(history.train_loss),
            "lr": lr_used,
            "epochs": history.num_epochs,
            "diverged": history.diverged,
            "interrupted": history.interrupted,
        }
        print(json.dumps(result, allow_nan=False))
    else:
        last = history.train_loss[-1] if history.train_loss else math.nan
        print(
            f"trained {history.num_epochs} epochs ({len(history.step_loss)} steps), "
            f"last train loss {last:.6g}"
        )
        print("learned w:", " ".join(f"{v:.4f}" for v in w_list), "| true w:",
              " ".join(f"{v:g}" for v in args.w))  # fmt: skip
        print(f"learned b: {b_value:.4f} | true b: {args.b:g}")
    return _status(args, history)


def _status(args: argparse.Namespace, history: History) -> int:
    if history.interrupted:
        kept = f"; {args.checkpoint} holds the last complete epoch" if args.checkpoint else ""
        print(
            f"interrupted: stopped by Ctrl-C after {len(history.step_loss)} steps, the "
            f"parameters are those of the last complete step{kept}",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if history.diverged:
        print(
            f"error: training diverged at step {len(history.step_loss)} (the loss or a parameter "
            f"became NaN or infinite); lower --lr (it was {args.lr:g}), e.g. --lr {args.lr / 10:g}",
            file=sys.stderr,
        )
        return EXIT_DIVERGED
    return 0
