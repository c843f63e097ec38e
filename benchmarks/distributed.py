"""Time one epoch of ``d2l_linreg.train`` on 1 and 2 CPU worker processes (gloo, one thread each).

Each problem is trained in a fresh process group started by
``d2l.training.distributed.run_local``; rank 0 times every epoch after a warm-up epoch and the
script prints the median, the time per step and the ratio 2 workers / 1 worker. Also checks that
both runs end at the same parameters (to 1e-5, float32 rounding). The problems range from the
site's (n = 1000, d = 2, batch 32: communication dominates) to one where each step has real work
(d = 128, batch 4096). On a machine with 2 cores that other jobs share, read the ratios, not the
milliseconds.

    python benchmarks/distributed.py [--epochs 5] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

import d2l_linreg as d2l
from d2l_linreg.training import distributed

PROBLEMS = [(1_000, 2, 32), (100_000, 16, 1024), (200_000, 128, 4096)]


class _EpochTimer(d2l.training.Callback):
    def __init__(self) -> None:
        self.times: list[float] = []
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, history: d2l.training.History) -> None:
        now = time.perf_counter()
        self.times.append(now - self.start)
        self.start = now


def time_epochs(n: int, d: int, batch_size: int, epochs: int) -> dict[str, object]:
    """One training run in this process (a rank, or alone); seconds per epoch and parameters."""
    w_true = torch.linspace(-1.0, 1.0, d)
    X, y = d2l.synthetic_data(w_true, 0.5, n, seed=0)
    net = d2l.linear_model(d, seed=0)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    timer = _EpochTimer()
    data = (X, y)
    d2l.train(
        net,
        nn.MSELoss(),
        optimizer,
        data,
        num_epochs=epochs + 1,
        batch_size=batch_size,
        seed=0,
        callbacks=[timer],
    )
    params = torch.cat([p.detach().flatten() for p in net.parameters()])
    return {"epoch_s": statistics.median(timer.times[1:]), "params": params}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the two smaller problems only")
    args = parser.parse_args()
    problems = PROBLEMS[:2] if args.quick else PROBLEMS
    print(f"{'problem (n, d, batch)':>24} {'1 worker':>12} {'2 workers':>12} {'2w/1w':>7}  same w")
    for n, d, batch in problems:
        one, two = (
            distributed.run_local(time_epochs, n, d, batch, args.epochs, nproc=k)[0] for k in (1, 2)
        )
        same = (one["params"] - two["params"]).abs().max().item() < 1e-5
        steps = -(-n // batch)
        t1, t2 = one["epoch_s"], two["epoch_s"]
        print(
            f"{(n, d, batch)!s:>24} {t1 * 1e3:9.1f} ms {t2 * 1e3:9.1f} ms {t2 / t1:6.2f}x  {same}"
        )
        print(f"{'per step':>24} {t1 / steps * 1e6:9.0f} us {t2 / steps * 1e6:9.0f} us")


if __name__ == "__main__":
    main()
