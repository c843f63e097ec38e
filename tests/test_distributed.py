"""Data-parallel training: two CPU processes (gloo) take the single process's steps.

The launches are real (``torchrun`` for the CLI, torch's launcher behind ``run_local``), each
bounded by a timeout, on a free port, with one thread per worker.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import d2l_linreg
from d2l_linreg.cli import main
from d2l_linreg.data.loaders import InMemoryLoader
from d2l_linreg.training import distributed

ROOT = Path(d2l_linreg.__file__).resolve().parent.parent
# float32 steps summed in a different order (per piece, then across ranks): rounding only.
TOL = 1e-5


def _max_diff(a, b):
    return max(abs(u - v) for u, v in zip([*a["w"], a["b"]], [*b["w"], b["b"]], strict=True))


def test_torchrun_cli_prints_one_json_equal_to_one_process(capsys):
    argv = ["train", "--impl", "concise", "--epochs", "3", "--seed", "0", "--json"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    launch = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node"]
    proc = subprocess.run(
        [*launch, "2", "-m", "d2l_linreg", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,  # a loaded 2-core machine: the launch takes 10-25 s; a hang fails here
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout  # rank 0 only
    ddp = json.loads(lines[0])
    assert main(argv) == 0
    single = json.loads(capsys.readouterr().out)
    assert _max_diff(ddp, single) < TOL
    assert ddp["train_loss"] == pytest.approx(single["train_loss"], rel=1e-5)


# Trainings whose global batches do not split evenly, run in one launch (each costs seconds).
CASES = [
    # 33 rows split 17/16, a last batch of 11 split 6/5: the per-rank weights matter
    ("scratch", {"num_examples": 1001, "batch_size": 33}),
    # batch_size 1 on 2 ranks: one rank gets an empty piece every step (weight 0, NaN loss)
    ("concise", {"num_examples": 41, "batch_size": 1, "num_epochs": 1}),
    ("scratch", {"num_examples": 41, "batch_size": 1, "num_epochs": 1}),
]


def _train_cases():
    return [distributed.train_example(impl, **kwargs) for impl, kwargs in CASES]


def test_uneven_and_empty_pieces_match_one_process():
    ranks = distributed.run_local(_train_cases, nproc=2)
    assert ranks[0] == ranks[1]  # the replicas and their histories agree
    for ddp, (impl, kwargs) in zip(ranks[0], CASES, strict=True):
        single = distributed.train_example(impl, **kwargs)
        assert (ddp["world_size"], single["world_size"]) == (2, 1)
        assert _max_diff(ddp, single) < TOL, (impl, kwargs)
        assert ddp["step_loss"] == pytest.approx(single["step_loss"], rel=1e-5)


@pytest.mark.parametrize("shuffle", [True, False])
def test_pieces_partition_every_global_batch_in_order(shuffle):
    X, y = torch.arange(22.0).reshape(11, 2), torch.arange(11.0).reshape(11, 1)
    reference = [yb for _, yb in InMemoryLoader(X, y, 4, shuffle=shuffle, seed=3)]
    for world in (2, 3):
        shards = [
            distributed.ShardedBatches(InMemoryLoader(X, y, 4, shuffle=shuffle, seed=3), r, world)
            for r in range(world)
        ]
        pieces = [[(yb, s.share, s.global_size) for _, yb in s] for s in shards]
        for step, batch in enumerate(reference):
            assert torch.equal(torch.cat([p[step][0] for p in pieces]), batch)
            assert sum(p[step][1] for p in pieces) == pytest.approx(1.0)
            assert {p[step][2] for p in pieces} == {batch.shape[0]}


def test_any_iterable_of_global_batches_is_split():
    X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0).reshape(5, 1)
    shards = distributed.ShardedBatches([(X, y), (X[:1], y[:1])], rank=1, world_size=2)
    got = [(yb.flatten().tolist(), shards.share) for _, yb in shards]
    assert got == [([3.0, 4.0], 0.4), ([], 0.0)]


def test_outside_a_process_group_train_is_unchanged():
    assert not distributed.is_distributed() and distributed.world_size() == 1
    net, batches = torch.nn.Linear(2, 1), [(torch.zeros(3, 2), torch.zeros(3, 1))]
    replica = distributed.replicate(net, batches)
    assert replica.model is net and replica.batches is batches
    assert replica.sync(torch.tensor(2.5), 3) == (2.5, 3)
    assert not distributed.init_from_env()  # WORLD_SIZE unset: nothing to join


# --- The GPU paths: marked `cuda`, skipped with the reason where there is no device ----------

NO_CUDA = "no CUDA device: torch.cuda.is_available() is False (run `pytest -m cuda` on a GPU)"


def _gpu_script():
    spec = importlib.util.spec_from_file_location("gpu_train", ROOT / "benchmarks" / "gpu_train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gpu_benchmark_loops_take_the_same_steps_on_the_cpu():
    # the script's train() and eager loops, run on the CPU: same permutations, same steps
    gpu_train = _gpu_script()
    X, y = d2l_linreg.synthetic_data(torch.linspace(-1, 1, 4), 0.5, 2000, seed=0)
    _, net_train = gpu_train.time_train(X, y, 256, 1)
    _, net_eager = gpu_train.time_eager(X, y, 256, 1)
    assert torch.equal(gpu_train._params(net_train), gpu_train._params(net_eager))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_CUDA)
def test_cuda_graph_loop_takes_the_steps_of_train():
    gpu_train = _gpu_script()
    X, y = d2l_linreg.synthetic_data(torch.linspace(-1, 1, 16), 0.5, 50_000, seed=0)
    X, y = X.cuda(), y.cuda()
    _, net_train = gpu_train.time_train(X, y, 4096, 1)
    _, net_graph = gpu_train.time_graph(X, y, 4096, 1)
    # the same float32 kernels in the same order; 1e-5: allow a different reduction split
    diff = (gpu_train._params(net_train) - gpu_train._params(net_graph)).abs().max().item()
    assert diff < 1e-5


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_CUDA)
def test_cuda_training_matches_the_cpu():
    X, y = d2l_linreg.synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
    params = []
    for device in ("cpu", "cuda"):
        net, loss_fn, opt = d2l_linreg.concise_setup(2, 0.03, seed=0)
        net.to(device)
        d2l_linreg.train(net, loss_fn, opt, (X, y), num_epochs=3, seed=0)
        params.append(torch.cat([p.detach().flatten().cpu() for p in net.parameters()]))
    assert (params[0] - params[1]).abs().max().item() < 1e-5  # float32, other kernels


def _train_on_this_gpu():
    X, y = d2l_linreg.synthetic_data([2.0, -3.4], 4.2, 1001, seed=0)
    net, loss_fn, opt = d2l_linreg.concise_setup(2, 0.03, seed=0)
    net.cuda()
    d2l_linreg.train(net, loss_fn, opt, (X, y), num_epochs=3, batch_size=33, seed=0)
    return torch.cat([p.detach().flatten().cpu() for p in net.parameters()])


@pytest.mark.cuda
@pytest.mark.skipif(
    torch.cuda.device_count() < 2, reason="NCCL data parallelism needs 2 CUDA devices"
)
def test_nccl_two_gpus_match_one():
    ranks = distributed.run_local(_train_on_this_gpu, nproc=2)
    single = _train_on_this_gpu()
    assert torch.equal(ranks[0], ranks[1])
    assert (ranks[0] - single).abs().max().item() < 1e-5
