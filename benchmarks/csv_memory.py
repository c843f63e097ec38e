"""Time and peak memory of reading a large CSV file, each reader in a fresh process.

    python benchmarks/csv_memory.py              # a ~40 MB file: 400,000 rows x 10 columns
    python benchmarks/csv_memory.py --rows 40000 # a ~4 MB file (seconds)

Readers: the pure-Python reader that ``load_csv`` used before issue 12 (``csv.reader``, one
``float()`` per cell, a list of lists, then ``torch.tensor``; reproduced here), today's
``load_csv`` (NumPy's C parser a block at a time), and a streaming pass over
``iter_csv_chunks`` that keeps only running sums (what a streaming solver holds). Peak memory is
the child's ``ru_maxrss``; "above imports" subtracts a child that only imports the package, and
the ratio divides that by the file size. Goal (issue 12): a few times the file, not 23x.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

PRELUDE = """
import resource, sys, time
import torch
import d2l_linreg as d2l
path = sys.argv[1]
start = time.perf_counter()
"""
EPILOGUE = """
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB -> MiB
"""
READERS = {
    "imports only": "",
    "before: pure-Python reader": """
import csv
with open(path, newline="") as f:
    rows = [row for row in csv.reader(f) if row]
values = [[float(cell) for cell in row] for row in rows[1:]]
data = torch.tensor(values, dtype=torch.float64)
X, y = data[:, 1:], data[:, :1]
""",
    "after: load_csv": """
X, y, names = d2l.data.load_csv(path)
""",
    "after: iter_csv_chunks, sums": """
total, count = 0.0, 0
for X, y in d2l.data.iter_csv_chunks(path, 65536):
    total, count = total + float(X.sum() + y.sum()), count + len(y)
""",
}


def write_csv(path: Path, rows: int, columns: int) -> None:
    rng = np.random.default_rng(0)
    with path.open("w") as f:
        f.write(",".join(["y"] + [f"x{i}" for i in range(1, columns)]) + "\n")
        for start in range(0, rows, 50_000):
            block = rng.standard_normal((min(50_000, rows - start), columns))
            np.savetxt(f, block, delimiter=",", fmt="%.9g")


def measure(code: str, path: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + code + EPILOGUE, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--columns", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        write_csv(path, args.rows, args.columns)
        size = path.stat().st_size / 2**20
        print(f"{path.name}: {args.rows:,} rows x {args.columns} columns, {size:.1f} MiB")
        print(
            f"{'reader':30} {'time s':>7} {'peak MiB':>9} {'/ file':>7} {'above imports':>14} "
            f"{'/ file':>7}"
        )
        base = None
        for name, code in READERS.items():
            seconds, peak = measure(code, path)
            base = peak if base is None else base
            extra = peak - base
            print(
                f"{name:30} {seconds:7.2f} {peak:9.0f} {peak / size:7.1f} {extra:14.0f} "
                f"{extra / size:7.1f}"
            )


if __name__ == "__main__":
    main()
