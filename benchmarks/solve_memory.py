"""Peak memory of ``python -m d2l_linreg solve big.npy`` against the size of the file.

    python benchmarks/solve_memory.py                 # 4e6 x 17 float64 (a 544 MB file)
    python benchmarks/solve_memory.py --rows 400000   # a quicker, smaller check

Writes a float64 table ``[y, X]`` (16 features with offsets and scales, a known signal plus
noise) to a temporary ``.npy`` file in blocks, runs the CLI's ``solve --json`` on it in a
subprocess and reads that subprocess's peak resident memory (``ru_maxrss`` of
``RUSAGE_CHILDREN``), then loads the whole table in this process, solves it in memory in
float64 and prints the largest relative difference of the coefficients. Goal (issue 13):
under 1 GB peak for the 544 MB file, and agreement to 1e-9 relative. Not a timed test: the
numbers are this machine's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

from d2l_linreg.closed_form import fit_least_squares


def write_table(path: str, rows: int, d: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d) / np.logspace(0, 3, d)
    header = {"descr": "<f8", "fortran_order": False, "shape": (rows, d + 1)}
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        for i in range(0, rows, 250_000):
            k = min(250_000, rows - i)
            X = rng.standard_normal((k, d)) * np.logspace(0, 3, d) + 10 * np.arange(d)
            y = X @ w + 0.5 + 0.1 * rng.standard_normal(k)
            np.column_stack([y, X]).tofile(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--features", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.npy")
        write_table(path, args.rows, args.features)
        size = os.path.getsize(path)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "d2l_linreg", "solve", path, "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kB on Linux
        streamed = json.loads(proc.stdout)
        table = torch.from_numpy(np.load(path))
        ref = fit_least_squares(table[:, 1:], table[:, 0])
    got = torch.tensor([streamed["b"], *streamed["w"]], dtype=torch.float64)
    rel = float(((got - ref.params).abs() / ref.params.abs()).max())
    print(f"file {args.rows:,d} x {args.features + 1} float64: {size / 1e6:.0f} MB")
    print(f"solve --json: peak resident memory {peak / 1e6:.0f} MB, {seconds:.1f} s this machine")
    print(f"method {streamed['method']}; in memory: {ref.method}")
    print(f"largest relative difference of the coefficients: {rel:.1e}")
    ok = peak < 1e9 and rel < 1e-9
    print("goal (peak < 1 GB, difference < 1e-9):", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
