# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # What the closed form costs
#
# The [normal equation at scale](../../pitfalls/normal-equation-at-scale/) counts operations:
# the closed form costs about $n d^2 + d^3$ multiply-adds, one epoch of minibatch SGD about
# $n d$. Counts are the same on every machine; time is not. This page **measures** both on the
# machine that builds it, finds where one epoch and the whole closed-form fit cross, and times
# the chunked path that solves data larger than memory. Symbols as on the [notation](../../notation/) page.
#
# Every number below is measured when the page is built, on the machine that builds it (the
# first output names it). Read them as this machine's, and the shapes of the curves as the
# lesson: timings depend on the processor, the BLAS library, the number of threads and the
# load of the moment.

# %%
# %matplotlib inline
import os
import statistics
import time

import torch
from matplotlib.figure import Figure

import d2l_linreg as d2l

print(f"this machine: {os.cpu_count()} CPU cores, torch {torch.__version__}, "
      f"{torch.get_num_threads()} threads")


def median_time(fn, repeat=2):
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# %% [markdown]
# ## One closed-form fit against one epoch
#
# A regression problem with $n$ examples and $d$ features, in float64 for the closed form
# (the package's default) and float32 for SGD (how training runs). One epoch is a pass of
# the package's `train` with minibatches of 256 examples and `nn.Linear`.

# %%
n = 10_000
ds = [4, 16, 64, 256]
g = torch.Generator().manual_seed(0)
rows = []
for d in ds:
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    y = X @ torch.randn(d, generator=g, dtype=torch.float64) + 0.1 * torch.randn(
        n, generator=g, dtype=torch.float64
    )
    closed = median_time(lambda: d2l.fit_least_squares(X, y))
    X32, y32 = X.float(), y.float().reshape(-1, 1)

    def one_epoch():
        net, loss, opt = d2l.models.concise_setup(d, 0.01, seed=0)
        d2l.train(net, loss, opt, (X32, y32), num_epochs=1, batch_size=256, seed=0)

    epoch = median_time(one_epoch)
    rows.append((d, closed, epoch))
    print(f"d = {d:4d}: closed form {closed * 1e3:8.2f} ms, one epoch {epoch * 1e3:8.2f} ms, "
          f"closed form = {closed / epoch:6.2f} epochs")

# %% tags=["hide-cell"]
assert all(c > 0 and e > 0 and c < float("inf") and e < float("inf") for _, c, e in rows)

# %% [markdown]
# The last column is the lesson: how many epochs of SGD the exact answer is worth. For a few
# features the closed form costs less than one epoch, so SGD cannot beat it, however well
# tuned. The $n d^2$ term grows with $d$ while an epoch grows only with $d$ itself (and here
# mostly with the number of steps: at small $d$ an epoch is dominated by the per-step overhead
# of Python and torch, not by arithmetic), so the ratio climbs with $d$. Where it crosses the
# number of epochs SGD needs to converge (tens on a well-conditioned problem, many more on a
# badly scaled one, see [unscaled features](../../pitfalls/feature-scaling/)) the iterative
# method starts to win.

# %% alt="Log-log plot against the number of features: the time of one closed-form fit climbs faster than the time of one SGD epoch, measured on the machine that built this page"
fig = Figure(figsize=(6, 3.6))
ax = fig.subplots()
ax.loglog(ds, [c * 1e3 for _, c, _ in rows], "o-", label="closed form (fit_least_squares)")
ax.loglog(ds, [e * 1e3 for _, _, e in rows], "s-", label="one SGD epoch (batch 256)")
ax.set_xlabel("number of features d")
ax.set_ylabel("milliseconds (this machine)")
ax.set_title(f"n = {n:,d} examples")
ax.legend()
fig.tight_layout()
fig

# %% [markdown]
# ## The chunked path: data larger than memory
#
# `fit_least_squares` also accepts the rows in chunks: a `.npy` file path, a list of
# `(X, y)` blocks, or a function that returns a fresh iterator over them. It never holds more
# than one chunk and a few $d \times d$ matrices. The first pass is a *tall-skinny QR*: each
# chunk is factored together with the triangular factor so far. The following passes refine
# the answer with residuals computed in double-double arithmetic, so the chunked fit keeps the
# default solver's digits (the NIST problems fed five rows at a time are in the tests). The
# price is reading the data more than once, and a QR instead of a Gram matrix:

# %%
d = 16
X = torch.randn(n, d, generator=g, dtype=torch.float64)
y = X @ torch.randn(d, generator=g, dtype=torch.float64) + 1.0
chunks = [(X[i : i + 2500], y[i : i + 2500]) for i in range(0, n, 2500)]
in_memory = median_time(lambda: d2l.fit_least_squares(X, y))
streamed = median_time(lambda: d2l.fit_least_squares(chunks))
fit = d2l.fit_least_squares(chunks)
print(f"n = {n:,d}, d = {d}: in memory {in_memory * 1e3:.2f} ms, "
      f"in chunks of 2500 rows {streamed * 1e3:.2f} ms ({fit.method})")
gap = float((fit.params - d2l.fit_least_squares(X, y).params).abs().max())
print("chunked and in-memory coefficients agree to 1e-12:", gap < 1e-12)

# %% tags=["hide-cell"]
assert in_memory > 0 and streamed > 0
assert float((fit.params - d2l.fit_least_squares(X, y).params).abs().max()) < 1e-12

# %% [markdown]
# From the command line the same path reads a `.npy` table whose first column is the target:
# `python -m d2l_linreg solve big.npy --json` picks a chunk size from the free memory
# (`--chunk-rows` sets it). The script `benchmarks/solve_memory.py` writes a table of four
# million rows and seventeen columns, solves it through the command line and reports the peak
# resident memory against the size of the file; `benchmarks/closed_form.py` compares the
# default solver with numpy, scikit-learn and `torch.linalg.lstsq` from two rows to a million.
#
# Under `torch.distributed`, `d2l.closed_form.chunked.fit_chunked(..., across_ranks=True)`
# lets each worker factor its own rows; the workers exchange only their small triangular
# factors and refinement sums, and every worker gets the single-process answer.
