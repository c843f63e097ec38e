"""What the input checks cost the pages' code: the from-scratch training loop with and without them.

The scratch notebook's loop (``linreg`` → ``squared_loss`` → ``sum().backward()`` → ``sgd`` per
minibatch of ``data_iter``) runs twice, interleaved, in this one process: once with the package's
functions, which check shapes, dtypes and devices on every call (attribute reads, no pass over the
values), and once with copies of the same three functions without any check. Same data, same
batches, same steps. Prints the median time of each and the ratio. Goal: ratio <= 1.10.

    python benchmarks/checks_overhead.py [--epochs 5] [--repeats 21] [--n 1000] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

import d2l_linreg as d2l


def linreg_unchecked(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return X @ w + b


def squared_loss_unchecked(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_unchecked(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def run(
    fns: tuple[Callable, Callable, Callable],
    batches: list[tuple[torch.Tensor, torch.Tensor]],
    epochs: int,
) -> tuple[float, torch.Tensor]:
    """Seconds for ``epochs`` passes over ``batches``, and the final parameters."""
    linreg, squared_loss, sgd = fns
    model = d2l.LinearRegressionScratch(2, seed=0)
    w, b = model.w, model.b
    start = time.perf_counter()
    for _ in range(epochs):
        for X, y in batches:
            l = squared_loss(linreg(X, w, b), y)
            l.sum().backward()
            sgd([w, b], 0.06, len(y))
    seconds = time.perf_counter() - start
    return seconds, torch.cat([w.detach().flatten(), b.detach()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = d2l.synthetic_data([2.0, -3.4], 4.2, args.n, seed=0)
    batches = list(d2l.data_iter(args.batch_size, X, y, seed=0))  # the same batches for both
    checked = (d2l.linreg, d2l.squared_loss, d2l.sgd)
    unchecked = (linreg_unchecked, squared_loss_unchecked, sgd_unchecked)
    times: dict[str, list[float]] = {"checked": [], "unchecked": []}
    for _ in range(3):  # warm-up
        run(checked, batches, 1), run(unchecked, batches, 1)
    for i in range(args.repeats):
        order = [("checked", checked), ("unchecked", unchecked)]
        for name, fns in order if i % 2 == 0 else order[::-1]:
            seconds, params = run(fns, batches, args.epochs)
            times[name].append(seconds)
            if name == "checked":
                checked_params = params
            else:
                unchecked_params = params
    assert torch.equal(checked_params, unchecked_params), "the checks changed the steps"
    steps = args.epochs * len(batches)
    med = {name: statistics.median(t) for name, t in times.items()}
    for name, t in med.items():
        print(f"{name:>9}: {t * 1e3:7.2f} ms for {steps} steps ({t / steps * 1e6:6.1f} us/step)")
    print(f"ratio checked/unchecked: {med['checked'] / med['unchecked']:.3f} (goal <= 1.10)")


if __name__ == "__main__":
    main()
