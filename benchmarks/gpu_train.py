"""One training epoch on a CUDA device: ``d2l_linreg.train`` against a CUDA-graph step loop.

The problem of issue 13: n = 10^7 examples, d = 128, batch 4096, ``nn.Linear`` + ``MSELoss`` +
SGD, float32, on one GPU. Three loops take the same steps on the same global minibatches:

* ``train()``: the package's loop (a per-step ``loss.item()``, its in-memory loader);
* eager floor: one gather per epoch, then slices, no ``.item()`` (the loss summed on the device);
* CUDA graph: the same step captured once (forward, loss, backward, SGD) and replayed per batch.

Prints the median seconds per epoch of each, the ratio train()/graph (goal: <= 1.5) and the
largest parameter difference between the loops. With two or more GPUs, ``--ddp`` under
``torchrun --nproc-per-node K`` times ``train()`` data-parallel over NCCL. Without CUDA the
script says so and exits 0 (``--device cpu --n 20000`` runs the eager loops on the CPU, a smoke
test of this script).

    python benchmarks/gpu_train.py [--n 10000000] [--d 128] [--batch-size 4096] [--epochs 3]
    torchrun --standalone --nproc-per-node 2 benchmarks/gpu_train.py --ddp
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import torch
from torch import nn

import d2l_linreg as d2l
from d2l_linreg.training import distributed


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timed(device: torch.device, epochs: int, run_epoch: Callable[[], None]) -> float:
    run_epoch()  # warm-up: kernels, allocator, graph capture
    times = []
    for _ in range(epochs):
        _sync(device)
        start = time.perf_counter()
        run_epoch()
        _sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _setup(d: int, device: torch.device) -> tuple[nn.Linear, torch.optim.SGD]:
    net = d2l.linear_model(d, seed=0).to(device)
    return net, torch.optim.SGD(net.parameters(), lr=0.01)


def time_train(X: torch.Tensor, y: torch.Tensor, batch_size: int, epochs: int) -> tuple:
    net, opt = _setup(X.shape[1], X.device)
    loader = d2l.InMemoryLoader(X, y, batch_size, seed=0)
    seconds = _timed(
        X.device, epochs, lambda: d2l.train(net, nn.MSELoss(), opt, loader, num_epochs=1)
    )
    return seconds, net


def time_eager(X: torch.Tensor, y: torch.Tensor, batch_size: int, epochs: int) -> tuple:
    net, opt = _setup(X.shape[1], X.device)
    gen = torch.Generator().manual_seed(0)  # the loader's permutations, drawn on the CPU
    loss_fn = nn.MSELoss()

    def epoch() -> None:
        order = torch.randperm(X.shape[0], generator=gen).to(X.device)
        Xs, ys = X[order], y[order]  # one gather per epoch, then views
        total = torch.zeros((), device=X.device)
        for start in range(0, X.shape[0], batch_size):
            opt.zero_grad()
            loss = loss_fn(net(Xs[start : start + batch_size]), ys[start : start + batch_size])
            loss.backward()
            opt.step()
            total += loss.detach()
        total.item()

    return _timed(X.device, epochs, epoch), net


def time_graph(X: torch.Tensor, y: torch.Tensor, batch_size: int, epochs: int) -> tuple:
    """Full batches replay one captured step; the last, partial batch runs eagerly."""
    net, opt = _setup(X.shape[1], X.device)
    gen = torch.Generator().manual_seed(0)
    loss_fn = nn.MSELoss()
    static_X = torch.zeros(batch_size, X.shape[1], device=X.device)
    static_y = torch.zeros(batch_size, 1, device=X.device)
    total = torch.zeros((), device=X.device)

    def step(xb: torch.Tensor, yb: torch.Tensor) -> None:
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        total.add_(loss.detach())

    snapshot = [p.detach().clone() for p in net.parameters()]
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up on a side stream, as the CUDA graphs docs require
        for _ in range(3):
            step(static_X, static_y)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step(static_X, static_y)
    with torch.no_grad():  # undo the warm-up and capture steps
        for p, saved in zip(net.parameters(), snapshot, strict=True):
            p.copy_(saved)

    def epoch() -> None:
        order = torch.randperm(X.shape[0], generator=gen).to(X.device)
        Xs, ys = X[order], y[order]
        total.zero_()
        full = X.shape[0] // batch_size * batch_size
        for start in range(0, full, batch_size):
            static_X.copy_(Xs[start : start + batch_size])
            static_y.copy_(ys[start : start + batch_size])
            graph.replay()
        if full < X.shape[0]:
            step(Xs[full:], ys[full:])
        total.item()

    return _timed(X.device, epochs, epoch), net


def _params(net: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten().cpu() for p in net.parameters()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu (smoke test)")
    parser.add_argument("--ddp", action="store_true", help="data-parallel train() (torchrun)")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"no CUDA device (torch {torch.__version__}): nothing measured; run on a GPU")
        return
    if args.ddp and distributed.init_from_env():
        device = torch.device("cuda", torch.cuda.current_device())
    else:
        device = torch.device(args.device)
    w_true = torch.linspace(-1.0, 1.0, args.d)
    X, y = d2l.synthetic_data(w_true, 0.5, args.n, seed=0)
    X, y = X.to(device), y.to(device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    world = distributed.world_size()
    if distributed.is_main_process():
        print(f"{name}, torch {torch.__version__}: n={args.n}, d={args.d}, batch {args.batch_size}")
    train_s, train_net = time_train(X, y, args.batch_size, args.epochs)
    if world > 1:
        if distributed.is_main_process():
            print(f"train() on {world} ranks (NCCL): {train_s * 1e3:.1f} ms/epoch")
        return
    eager_s, eager_net = time_eager(X, y, args.batch_size, args.epochs)
    print(f"train()              : {train_s * 1e3:9.1f} ms/epoch")
    print(f"eager floor (no sync): {eager_s * 1e3:9.1f} ms/epoch ({train_s / eager_s:.2f}x)")
    nets = [train_net, eager_net]
    if device.type == "cuda":
        graph_s, graph_net = time_graph(X, y, args.batch_size, args.epochs)
        print(f"CUDA-graph steps     : {graph_s * 1e3:9.1f} ms/epoch")
        print(f"ratio train()/graph  : {train_s / graph_s:9.2f}x  (goal <= 1.5x)")
        nets.append(graph_net)
    diff = max((_params(n) - _params(train_net)).abs().max().item() for n in nets)
    print(f"largest parameter difference between the loops: {diff:.1e}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
