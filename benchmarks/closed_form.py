"""Time and accuracy of every least-squares method, side by side in one process, on CPU.

    python benchmarks/closed_form.py            # n = 1e4..1e6, d = 8..256 (minutes)
    python benchmarks/closed_form.py --quick    # n = 1e4..1e5, d = 8..32 (seconds)

Part 1 grades each method on NIST's seven certified problems (fewest correct digits over all
coefficients of all sets). Part 2 times each method on well-conditioned random problems
(X standard normal, float64) and prints the ratio to ``method="cholesky"`` (the normal
equation solved by Cholesky: the fast textbook baseline), plus an accuracy measure that needs no
reference solution: the normalized gradient ``|Aᵀ r| / (|A| |r|)`` at the returned solution
(0 at the exact least-squares solution; ~1e-16 is as good as float64 gets). Times are the best
of ``--repeat`` runs, methods interleaved so that machine load hits them alike.
Goal (issue 5): ``auto`` within 1.5x of ``cholesky`` at n = 1e6, d = 128.
"""

from __future__ import annotations

import argparse
import time
import warnings

import torch

from d2l_linreg.closed_form import fit_least_squares, lre
from d2l_linreg.data import NIST_DATASETS, load_nist

METHODS = ("cholesky", "auto", "normal", "qr", "lstsq")


def nist_table() -> None:
    print("NIST StRD, fewest correct digits (LRE) over the coefficients, float64:")
    for method in METHODS:
        worst, where = 15.0, ""
        for name in NIST_DATASETS:
            data = load_nist(name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the textbook methods warn, as they should
                try:
                    digits = lre(
                        fit_least_squares(data.X, data.y, method=method).params, data.certified
                    )
                except ValueError:  # Cholesky breaks down on Filip
                    digits = 0.0
            if digits < worst:
                worst, where = digits, name
        print(f"  {method:9s} {worst:5.1f}  (worst: {where})")


def problem(n: int, d: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    w = torch.randn(d, generator=g, dtype=torch.float64)
    y = X @ w + 0.5 + 0.1 * torch.randn(n, generator=g, dtype=torch.float64)
    return X, y


def gradient_measure(X: torch.Tensor, res) -> float:  # type: ignore[no-untyped-def]
    r = res.residuals  # (n,)
    g = torch.cat([r.sum().reshape(1), r @ X])  # Aᵀ r for A = [1, X]
    a_norm = (X.square().sum() + X.shape[0]).sqrt()  # Frobenius norm of A
    return float(g.norm() / (a_norm * r.norm()))


def time_size(n: int, d: int, methods: tuple[str, ...], repeat: int) -> None:
    X, y = problem(n, d)
    best = dict.fromkeys(methods, float("inf"))
    results = {}
    for _ in range(repeat):
        for method in methods:
            start = time.perf_counter()
            results[method] = fit_least_squares(X, y, method=method)
            best[method] = min(best[method], time.perf_counter() - start)
    base = best.get("cholesky", float("nan"))
    for method in methods:
        res = results[method]
        print(
            f"{n:>9,d} {d:>4d}  {method:9s} {res.method:16s} {best[method]:9.3f} s "
            f"{best[method] / base:7.2f}x   {gradient_measure(X, res):.1e}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (seconds)")
    parser.add_argument("--n", type=float, nargs="+", help="numbers of examples")
    parser.add_argument("--d", type=int, nargs="+", help="numbers of features")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--repeat", type=int, default=None, help="best of this many runs")
    args = parser.parse_args()
    ns = (
        [int(v) for v in args.n]
        if args.n
        else ([10**4, 10**5] if args.quick else [10**4, 10**5, 10**6])
    )
    ds = args.d or ([8, 32] if args.quick else [8, 32, 128, 256])
    methods = tuple(m for m in METHODS if m in args.methods)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float64, CPU\n")
    nist_table()
    print(
        f"\n{'n':>9s} {'d':>4s}  {'method':9s} {'path':16s} {'time':>11s} {'/chol':>8s}   "
        f"|A^T r|/(|A||r|)"
    )
    for n in ns:
        for d in ds:
            repeat = args.repeat or (5 if n * d < 10**7 else 3)
            time_size(n, d, methods, repeat)


if __name__ == "__main__":
    main()
