"""Data-parallel training: two CPU processes (gloo) take the single process's steps.

The launches are real (``torchrun`` for the CLI, torch's launcher behind ``run_local``), each
bounded by a timeout, on a free port, with one thread per worker.
"""

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
