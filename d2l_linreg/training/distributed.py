"""Data-parallel training with ``torch.distributed``: the same loop on several processes.

:func:`d2l_linreg.train` asks :func:`replicate` for the model to call, the batches to draw and a
``sync`` to run between ``backward()`` and ``step()``. In one process: the model, the batches and
``loss.item()``. In a process group of ``R`` > 1 ranks (``torchrun`` + :func:`init_from_env`, or
:func:`run_local`), rank ``r`` takes the ``r``-th of ``R`` contiguous pieces of every global
minibatch (the same permutation is drawn on every rank), and the gradients and the loss are
summed over the ranks weighted by ``B_r / B``, the piece's share of the batch: the mean gradient
of the whole batch, also when ``B`` does not split evenly. ``nn.Parameter`` models go through
``DistributedDataParallel`` with a hook applying these weights; models with plain tensors in
``.params`` (from scratch) through one ``all_reduce`` per step. Every rank takes the same step and
records the same global losses, so callbacks decide alike; create printing or checkpointing
callbacks on rank 0 only (:func:`is_main_process`).
"""

from __future__ import annotations

import atexit
import datetime
import os
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch._C._distributed_c10d import GradBucket
from torch.nn.parallel import DistributedDataParallel

from d2l_linreg.data.loaders import InMemoryLoader
from d2l_linreg.errors import InputValueError

Batch = tuple[torch.Tensor, torch.Tensor]


def is_distributed() -> bool:
    """True inside an initialised process group of more than one rank."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's rank (0 outside a process group)."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def world_size() -> int:
    """The number of ranks (1 outside a process group)."""
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def is_main_process() -> bool:
    """True on rank 0, the one that prints, writes checkpoints and reports results."""
    return rank() == 0


def backend() -> str:
    """gloo for CPU tensors; with CUDA, NCCL for CUDA tensors and gloo for CPU ones."""
    return "cpu:gloo,cuda:nccl" if torch.cuda.is_available() else "gloo"


def init_from_env(timeout_s: float = 300.0) -> bool:
    """Join the process group described by ``torchrun``'s environment (``WORLD_SIZE`` > 1).

    Returns True if this call initialised the group (it is destroyed at exit), False when not
    launched on several processes or already initialised. With CUDA, selects the GPU
    ``LOCAL_RANK``.
    """
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or dist.is_initialized():
        return False
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend(), timeout=datetime.timedelta(seconds=timeout_s))
    atexit.register(shutdown)
    return True


def shutdown() -> None:
    """Leave the process group, if any."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


class ShardedBatches:
    """This rank's piece of every global minibatch of ``batches``.

    ``batches`` yields the global minibatches, the same on every rank: an :class:`InMemoryLoader`
    (seeded: the permutation is drawn on every rank, and only this rank's rows are gathered) or
    any iterable that yields the same ``(X, y)`` sequence on every rank. After each minibatch,
    ``global_size`` is ``B`` and ``share`` is ``B_r / B``.

    Example (rank 1 of 2, a global batch of 5 rows):
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0).reshape(5, 1)
        >>> shards = ShardedBatches([(X, y)], rank=1, world_size=2)
        >>> [(xb.shape[0], shards.share, shards.global_size) for xb, _ in shards]
        [(2, 0.4, 5)]
    """

    def __init__(self, batches: Iterable[Batch], rank: int, world_size: int) -> None:
        self.batches, self.rank, self.world_size = batches, rank, world_size
        self.share, self.global_size = 0.0, 0

    def __len__(self) -> int:
        return len(self.batches)  # type: ignore[arg-type]

    def _global_pieces(self) -> Iterator[tuple[int, Batch]]:
        loader = self.batches
        if isinstance(loader, InMemoryLoader):  # gather this rank's rows only
            n, B = loader.num_examples, loader.batch_size
            order = torch.randperm(n, generator=loader._gen) if loader.shuffle else None
            for start in range(0, n, B):
                idx = torch.arange(start, min(start + B, n))
                idx = idx if order is None else order[idx]
                mine = idx.tensor_split(self.world_size)[self.rank]
                yield idx.numel(), (loader.X[mine], loader.y[mine])
            return
        for X, y in loader:
            yield (
                X.shape[0],
                (
                    X.tensor_split(self.world_size)[self.rank],
                    y.tensor_split(self.world_size)[self.rank],
                ),
            )

    def __iter__(self) -> Iterator[Batch]:
        for size, (X, y) in self._global_pieces():
            self.global_size, self.share = size, X.shape[0] / size
            yield X, y


def _weighted_allreduce(
    shards: ShardedBatches, bucket: GradBucket
) -> torch.futures.Future[torch.Tensor]:
    """DDP communication hook: sum over the ranks of ``(B_r / B) × gradient``."""
    buffer = bucket.buffer()
    if shards.share == 0.0:  # an empty piece: its mean loss is NaN, its weight zero
        buffer.zero_()
    else:
        buffer.mul_(shards.share)
    work = dist.all_reduce(buffer, async_op=True)
    return work.get_future().then(lambda fut: fut.value()[0])


# DDP checks the hook's annotations against the classes; `from __future__ import annotations`
# left them as strings.
_weighted_allreduce.__annotations__ = typing.get_type_hints(_weighted_allreduce)


class Replica:
    """One process's part in a training step; in one process, the model and batches unchanged."""

    def __init__(self, model: nn.Module, batches: Iterable[Batch]) -> None:
        self.model: Callable[[torch.Tensor], torch.Tensor] = model
        self.batches: Iterable[Batch] = batches

    def sync(self, loss: torch.Tensor, batch_size: int) -> tuple[float, int]:
        """After ``backward()``: the (global) loss value and batch size of this step."""
        return loss.item(), batch_size


class DataParallelReplica(Replica):
    """A rank's replica: its piece of each global batch; gradients and loss averaged by share."""

    def __init__(self, model: nn.Module, batches: Iterable[Batch]) -> None:
        if isinstance(batches, InMemoryLoader) and batches.shuffle and batches._gen is None:
            seed = torch.randint(2**62, (1,))  # every rank must draw the same permutations
            dist.broadcast(seed, src=0)
            batches._gen = torch.Generator().manual_seed(int(seed))
        self.shards = ShardedBatches(batches, dist.get_rank(), dist.get_world_size())
        self.plain: list[torch.Tensor] = []
        if any(p.requires_grad for p in model.parameters()):
            ddp = DistributedDataParallel(model)  # broadcasts rank 0's parameters
            ddp.register_comm_hook(self.shards, _weighted_allreduce)
            super().__init__(ddp, self.shards)
            return
        self.plain = list(getattr(model, "params", []))
        if not self.plain:
            raise InputValueError(
                "model must have parameters to train on several processes (got none: no "
                "nn.Parameter requires a gradient and there is no .params list); register them "
                "with nn.Parameter or list plain tensors in model.params"
            )
        with torch.no_grad():
            for param in self.plain:
                dist.broadcast(param, src=0)  # rank 0's initial values everywhere
        super().__init__(model, self.shards)

    def sync(self, loss: torch.Tensor, batch_size: int) -> tuple[float, int]:
        share = self.shards.share
        value = loss.detach().reshape(1) * share if share else torch.zeros(1, device=loss.device)
        grads = [
            p.grad.flatten() * share
            if share and p.grad is not None
            else torch.zeros_like(p).flatten()
            for p in self.plain
        ]  # DDP already averaged the gradients of nn.Parameter models during backward()
        flat = torch.cat([value.to(loss.dtype), *grads])
        dist.all_reduce(flat)  # Σ_r (B_r / B) × (loss_r, grads_r): the global mean
        offset = 1
        for param in self.plain:
            size = param.numel()
            param.grad = flat[offset : offset + size].view_as(param).clone()
            offset += size
        return flat[0].item(), self.shards.global_size


def replicate(model: nn.Module, batches: Iterable[Batch]) -> Replica:
    """What :func:`d2l_linreg.train` runs: data-parallel inside a process group, else unchanged."""
    return DataParallelReplica(model, batches) if is_distributed() else Replica(model, batches)


def _worker(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], timeout_s: float
) -> Any:
    torch.set_num_threads(1)  # one thread per worker: the workers share the cores
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ["LOCAL_RANK"]) % torch.cuda.device_count())
    dist.init_process_group(backend(), timeout=datetime.timedelta(seconds=timeout_s))
    try:
        return fn(*args, **kwargs)
    finally:
        dist.destroy_process_group()


def run_local(
    fn: Callable[..., Any], *args: Any, nproc: int = 2, timeout_s: float = 120.0, **kwargs: Any
) -> list[Any]:
    """Run ``fn(*args, **kwargs)`` on ``nproc`` new processes of one process group, here.

    Uses torch's own launcher (what ``torchrun`` runs), one thread per worker, the backends of
    :func:`backend` (rank ``r`` gets GPU ``r`` modulo their number). ``fn`` must be importable
    (defined in a module); a script calling this needs the ``if __name__ == "__main__":`` guard.

    Returns:
        The list of the ranks' return values, rank 0 first.
    """
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    if isinstance(nproc, bool) or not isinstance(nproc, int) or nproc < 1:
        raise InputValueError(f"nproc must be a positive integer (got {nproc!r}); use e.g. nproc=2")
    config = LaunchConfig(
        min_nodes=1,
        max_nodes=1,
        nproc_per_node=nproc,
        run_id=f"d2l-{uuid.uuid4().hex[:8]}",
        rdzv_backend="c10d",
        rdzv_endpoint="localhost:0",  # a free port, like torchrun --standalone
        rdzv_timeout=int(timeout_s),
        max_restarts=0,
        start_method="spawn",
    )
    results = elastic_launch(config, _worker)(fn, args, kwargs, timeout_s)
    return [results[r] for r in range(nproc)]


def train_example(
    impl: str = "concise",
    *,
    num_epochs: int = 3,
    batch_size: int = 32,
    num_examples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """The CLI's ``train`` problem (``w = [2, -3.4]``, ``b = 4.2``, lr 0.03 for ``MSELoss``).

    Runs :func:`d2l_linreg.train` in this process, or as one rank of a process group (e.g.
    through :func:`run_local`). Returns ``w``, ``b``, the per-epoch ``train_loss``, the
    ``step_loss`` and the ``world_size``, as plain Python numbers.
    """
    from d2l_linreg.data.synthetic import synthetic_data
    from d2l_linreg.models import concise, scratch
    from d2l_linreg.training.loop import train

    X, y = synthetic_data([2.0, -3.4], 4.2, num_examples, seed=seed)
    model: nn.Module
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    optimizer: Any
    if impl == "concise":
        model, loss_fn, optimizer = concise.concise_setup(2, 0.03, seed=seed)
    elif impl == "scratch":  # the ½-loss: twice the learning rate takes the same steps
        model = scratch_model = scratch.LinearRegressionScratch(2, seed=seed)
        loss_fn, optimizer = scratch.squared_loss, scratch.SGDScratch(scratch_model.params, 0.06)
    else:
        raise InputValueError(
            f"impl must be 'concise' or 'scratch' (got {impl!r}); use impl='concise'"
        )
    history = train(
        model, loss_fn, optimizer, (X, y), num_epochs=num_epochs, batch_size=batch_size, seed=seed
    )
    params = [p.detach().flatten() for p in [*model.parameters(), *getattr(model, "params", [])]]
    return {
        "w": params[0].tolist(),
        "b": params[1].item(),
        "train_loss": history.train_loss,
        "step_loss": history.step_loss,
        "world_size": world_size(),
    }
