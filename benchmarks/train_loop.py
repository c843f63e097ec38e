"""Time the reference program's DataLoader loop against ``d2l_linreg.train`` on the same problem.

All run in this one process, interleaved, on the reference settings (n = 1000, d = 2, batch 32,
lr 0.03). ``train()`` also evaluates a validation set after every epoch and records its history.
A third loop takes the same steps over the in-memory loader with no validation or history: the
floor that any loop doing these torch steps pays. Prints the median time per epoch of each and
the ratios. Goal: train()/reference <= 0.5.

    python benchmarks/train_loop.py [--epochs 5] [--repeats 7] [--n 1000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import d2l_linreg as d2l


def reference_loop(X: torch.Tensor, y: torch.Tensor, epochs: int) -> float:
    """The source text's program (printing left out), timed per epoch."""
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    model = nn.Linear(X.shape[1], 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
    start = time.perf_counter()
    for _ in range(epochs):
        total_loss = 0.0
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * xb.shape[0]
    return (time.perf_counter() - start) / epochs


def slicing_loop(X: torch.Tensor, y: torch.Tensor, epochs: int) -> float:
    """The same steps over ``InMemoryLoader`` batches, no validation or history: the floor."""
    model, loss_fn, optimizer = d2l.concise_setup(X.shape[1], lr=0.03, seed=0)
    loader = d2l.InMemoryLoader(X, y, 32, seed=0)
    start = time.perf_counter()
    for _ in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
    return (time.perf_counter() - start) / epochs


def package_loop(
    X: torch.Tensor, y: torch.Tensor, X_val: torch.Tensor, y_val: torch.Tensor, epochs: int
) -> float:
    """``d2l_linreg.train`` with its default in-memory loader, validation pass and history."""
    model, loss_fn, optimizer = d2l.concise_setup(X.shape[1], lr=0.03, seed=0)
    start = time.perf_counter()
    d2l.train(model, loss_fn, optimizer, (X, y), num_epochs=epochs, val_data=(X_val, y_val), seed=0)
    return (time.perf_counter() - start) / epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: leave as is)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    X, y = d2l.synthetic_data([2.0, -3.4], 4.2, args.n, seed=0)
    X_val, y_val = d2l.synthetic_data([2.0, -3.4], 4.2, args.n // 5, seed=1)
    reference_loop(X, y, 1)  # warm-up: the DataLoader's one-off set-up, first autograd calls
    package_loop(X, y, X_val, y_val, 1)
    ref, pkg, bare = [], [], []
    for _ in range(args.repeats):  # interleaved, so drifts in machine load hit all alike
        ref.append(reference_loop(X, y, args.epochs))
        pkg.append(package_loop(X, y, X_val, y_val, args.epochs))
        bare.append(slicing_loop(X, y, args.epochs))
    r, p, s = statistics.median(ref), statistics.median(pkg), statistics.median(bare)
    print(f"problem: n={args.n}, d=2, batch 32, {args.epochs} epochs x {args.repeats} repeats")
    print(f"reference DataLoader loop : {r * 1e3:8.2f} ms/epoch")
    print(f"bare slicing loop (floor) : {s * 1e3:8.2f} ms/epoch  ({s / r:.2f}x reference)")
    print(f"d2l_linreg.train (+val)   : {p * 1e3:8.2f} ms/epoch")
    print(f"ratio train()/reference   : {p / r:8.2f}x  (goal <= 0.50x)")


if __name__ == "__main__":
    main()
