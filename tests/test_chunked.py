"""Least squares over chunks of rows (TSQR + refinement), .npy files, the CLI, and two ranks."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from d2l_linreg.cli import main
from d2l_linreg.closed_form import RankDeficientError, chunked, fit_least_squares, lre, sources
from d2l_linreg.data.datasets import NIST_DATASETS, load_nist


def _chunks(X, y, rows):
    y = y.reshape(-1)
    return [(X[i : i + rows], y[i : i + rows]) for i in range(0, X.shape[0], rows)]


@pytest.mark.parametrize("name", NIST_DATASETS)
def test_nist_in_chunks_of_five_rows_keeps_seven_digits(name):
    data = load_nist(name)
    res = fit_least_squares(_chunks(data.X, data.y, 5))
    assert res.method.startswith("tsqr+refine")
    assert lre(res.params, data.certified) >= 7
    exact = fit_least_squares(data.X, data.y)
    assert abs(res.condition_number / exact.condition_number - 1) < 1e-4  # Filip: 1.5e-6


def test_one_shot_iterator_makes_one_pass_and_a_factory_refines():
    data = load_nist("wampler4")
    once = fit_least_squares(iter(_chunks(data.X, data.y, 5)))
    assert once.method == "tsqr (1 pass)" and lre(once.params, data.certified) >= 6
    again = fit_least_squares(lambda: iter(_chunks(data.X, data.y, 5)))
    assert lre(again.params, data.certified) > lre(once.params, data.certified)


def test_chunked_matches_in_memory_on_random_data_with_offsets_and_scales():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(5000, 6, generator=g, dtype=torch.float64) * torch.logspace(-3, 3, 6)
    X = X + torch.linspace(-1e4, 1e4, 6)
    y = X @ torch.randn(6, generator=g, dtype=torch.float64) + 7 + torch.randn(5000, generator=g)
    ref = fit_least_squares(X, y)
    for fit_intercept in (True, False):
        ref = fit_least_squares(X, y, fit_intercept=fit_intercept)
        res = fit_least_squares(_chunks(X, y, 777), fit_intercept=fit_intercept)
        assert lre(res.params, ref.params) >= 12


def test_scales_grow_when_a_later_chunk_is_huge():
    X = torch.tensor([[1.0], [2.0], [3.0], [4e150], [5e150], [7e150]], dtype=torch.float64)
    y = 2 * X[:, 0] / 1e150 + 1 + torch.tensor([0.0, 0.1, -0.1, 0.0, 0.2, -0.2])
    ref = fit_least_squares(X, y)
    res = fit_least_squares(_chunks(X, y, 2))
    assert lre(res.params, ref.params) >= 10


def test_bad_chunks_are_named():
    X = torch.ones(4, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="chunk 0 must be a pair"):
        fit_least_squares([X])
    with pytest.raises(ValueError, match="same m and d in every chunk"):
        fit_least_squares([(X, torch.ones(4)), (torch.ones(3, 3), torch.ones(3))])
    with pytest.raises(ValueError, match="NaN or infinite"):
        fit_least_squares([(X, torch.tensor([1.0, float("nan"), 2.0, 3.0]))])
    with pytest.raises(ValueError, match="no rows"):
        fit_least_squares([])
    with pytest.raises(RankDeficientError, match="constant"):
        fit_least_squares([(torch.tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]), torch.ones(3))])
    with pytest.raises(ValueError, match="y is missing"):
        fit_least_squares(X)
    with pytest.raises(ValueError, match="method must be 'auto'"):
        fit_least_squares(_chunks(X, torch.ones(4), 2), method="qr")
    with pytest.raises(ValueError, match=r"\.npy file"):
        fit_least_squares("table.csv")


def _nist_npy(tmp_path, name, fortran=False):
    data = load_nist(name)
    x = data.X[:, :1] if data.degree else data.X
    table = np.column_stack([data.y.numpy(), x.numpy()])
    path = tmp_path / f"{name}.npy"
    np.save(path, np.asfortranarray(table) if fortran else table)
    return path


@pytest.mark.parametrize("fortran", [False, True])
def test_npy_file_streams_with_the_same_digits(tmp_path, fortran):
    data = load_nist("longley")
    path = _nist_npy(tmp_path, "longley", fortran)
    res = fit_least_squares(str(path), chunk_rows=3)
    assert lre(res.params, data.certified) >= 7
    assert sources.npy_shape(path)[0] == (16, 7)


def test_npy_table_must_be_2d_numeric(tmp_path):
    path = tmp_path / "v.npy"
    np.save(path, np.arange(5.0))
    with pytest.raises(ValueError, match="2-D table"):
        fit_least_squares(str(path))


def test_default_rows_is_bounded():
    rows = sources.default_rows(17)
    assert 4 * 17 <= rows <= 128 * 2**20 // (12 * 8 * 17)


def test_cli_solves_filip_npy_in_chunks_of_five(capsys, tmp_path):
    path = _nist_npy(tmp_path, "filip")
    status = main(["solve", str(path), "--degree", "10", "--chunk-rows", "5", "--json"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    res = json.loads(out)
    assert res["features"][:2] == ["x", "x^2"] and res["method"].startswith("tsqr+refine")
    assert lre([res["b"], *res["w"]], load_nist("filip").certified) >= 7


def test_cli_npy_and_chunk_errors(capsys, tmp_path):
    path = _nist_npy(tmp_path, "norris")
    for argv, match in (
        (["--target", "y"], "needs a CSV header"),
        (["--chunk-rows", "0"], "--chunk-rows must be a positive integer"),
        (["--method", "qr"], "needs the data in memory"),
    ):
        status = main(["solve", str(path), *argv])
        _, err = capsys.readouterr()
        assert status == 2 and err.count("\n") == 1 and match in err
    (tmp_path / "bad.npy").write_bytes(b"garbage")
    for file, match in (
        (tmp_path / "none.npy", "no such file"),
        (tmp_path / "bad.npy", "not a readable .npy"),
    ):
        status = main(["solve", str(file)])
        _, err = capsys.readouterr()
        assert status == 2 and err.count("\n") == 1 and match in err


def test_cli_csv_with_chunk_rows_matches_in_memory(capsys, tmp_path):
    data = load_nist("longley")
    path = tmp_path / "l.csv"
    rows = [",".join(["y"] + [f"x{j}" for j in range(1, 7)])]
    rows += [
        ",".join(repr(float(v)) for v in [yy, *xx])
        for yy, xx in zip(data.y[:, 0], data.X, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    outs = []
    for extra in ([], ["--chunk-rows", "4"]):
        assert main(["solve", str(path), "--json", *extra]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert lre([outs[1]["b"], *outs[1]["w"]], [outs[0]["b"], *outs[0]["w"]]) >= 10


_WORKER = textwrap.dedent(
    """
    import os, sys, json, torch, torch.distributed as dist
    from d2l_linreg.closed_form import chunked
    from d2l_linreg.data import load_nist
    rank, world = int(sys.argv[1]), 2
    dist.init_process_group("gloo", init_method="file://" + sys.argv[2], rank=rank,
                            world_size=world, timeout=__import__("datetime").timedelta(seconds=60))
    data = load_nist("longley")
    X, y = data.X, data.y.reshape(-1)
    mine = [(X[i : i + 3], y[i : i + 3]) for i in range(0, 16, 3)][rank::world]
    res = chunked.fit_chunked(mine, across_ranks=True)
    print(json.dumps(res.params.tolist()))
    dist.destroy_process_group()
    """
)


def test_two_gloo_ranks_give_the_single_process_answer(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.getcwd()}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(r), str(tmp_path / "rendezvous")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for r in range(2)
    ]
    outs = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
        assert p.returncode == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    data = load_nist("longley")
    single = chunked.fit_chunked(_chunks(data.X, data.y, 3))
    assert outs[0] == outs[1]  # every rank returns the same fit
    assert lre(outs[0], single.params) >= 13
    assert lre(outs[0], data.certified) >= 7
