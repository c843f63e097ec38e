"""The large-problem fast path of ``method="auto"``: four reads of ``X``, no (n, d) temporary.

Past ``fast.py``'s sizes (n·p² > 2²⁴) the cost is memory traffic and thread barriers, not
arithmetic: a bare ``torch.linalg.lstsq`` call reads the design once per Householder column,
and the torch path of ``refine.py`` made a dozen whole-array passes (checks, scales, Gram,
matvecs), each a parallel region, and several (n, d) temporaries. Here:

1. in row blocks (about 1 MB, at most ``_MAX_BLOCKS`` of them), the Gram matrix of the columns
   shifted by the first block's means (``X - μ`` per block in a reused buffer: a shift near the
   mean keeps the offsets out of the Gram matrix) and ``[1; y - ν]ᵀ (X - μ)``, then centred as
   ``Gc = Gμ - n δδᵀ``, ``δ`` the mean of the shifted columns;
2. one step of iterative refinement against the *raw* data, ``r = y - A x`` and ``Aᵀ r``, as
   in ``fast.py`` (two whole-array matrix-vector products);
3. the residuals ``A x - y`` (returned) and their norms.

The solve uses the Cholesky factor and inverse of the equilibrated ``Gc``; the accuracy proof is
``fast.py``'s, with ``κ²`` from the eigenvalues of ``G_eq`` (``fast.py``'s Frobenius bound is
up to d times too large, which would reject the well-conditioned d = 128 problems) and a check
that the shift was near the mean. When the proof fails it returns ``None`` and the caller takes
the general path (torch Cholesky + refinement, or QR + extended-precision refinement). With
fewer than ``_THREADED_D`` columns the passes run on one thread: they are memory-bound or
their blocks are small, and each parallel kernel is a barrier that costs milliseconds when the
cores are shared (measured on 2 busy cores at (1e5, 64): 1.4 s threaded, 0.15 s on one thread).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

__all__ = ["accept_refinement", "blocked_fit"]

_BLOCK_BYTES = 2**20  # rows per block: about 1 MB of X, so a block stays in cache
_MAX_BLOCKS = 32  # but at most this many blocks: each kernel call is a thread barrier
_THREADED_D = 256  # from here on the Gram matrix pays for threads (measured: d = 64 did not)


def _kappa2(Geq: np.ndarray, eps: float) -> float:
    """An upper bound on ``cond(G_eq)`` from its eigenvalues (Weyl: each is off by at most the
    eigensolver's backward error, a small multiple of ``d eps |G_eq|``)."""
    lam = np.linalg.eigvalsh(Geq)
    slack = 10 * Geq.shape[0] * eps * float(lam[-1])
    return (float(lam[-1]) + slack) / (float(lam[0]) - slack) if lam[0] > slack else math.inf


def accept_refinement(
    w: np.ndarray,
    dw: np.ndarray,
    b: float,
    db: float,
    fit: tuple[float, float],
    parts: tuple[Any, ...],
) -> tuple[np.ndarray, np.ndarray] | None:
    """The proof shared with ``fast.py``: ``(x, T)`` once a refinement step is accepted, or ``None``.

    ``w``, ``b`` refined by ``dw``, ``db``; ``fit`` = (|A x|², |A x - y|²); ``parts`` = (D, m,
    n, L, κ², eps, fit_intercept, dtype) of the equilibrated, centred Gram matrix. The bound:
    forward error eps (κ + κ² tan θ), plus what the refinement step leaves, plus the floor
    eps κ² ρ that offsets ρ (the largest |mean| / RMS spread of a column) leave in the raw
    residual, must stay below eps^(2/3), and no coefficient may still be moving. ``T`` (p, p)
    satisfies ``AᵀA = TᵀT`` (M the centring: AᵀA = Mᵀ diag(n, Gc) M), so cond(A) = cond(T).
    """
    D, m, n, L, kappa2, eps, fit_intercept, dtype = parts
    fn, rn = fit
    Dw, Ddw = D * w, D * dw
    wn = float(Dw @ Dw)
    if not (fn > 0 and wn > 0 and math.isfinite(rn)):
        return None
    tan_theta = math.sqrt(rn / fn)
    left = kappa2 * eps * math.sqrt(float(Ddw @ Ddw) / wn)
    rho = float(np.abs(m * math.sqrt(n) / D).max()) if fit_intercept else 1.0
    bound = 10 * eps * (math.sqrt(kappa2) + kappa2 * tan_theta) + 10 * left
    if bound + 100 * eps * kappa2 * rho > eps ** (2 / 3):
        return None
    if (np.abs(Ddw) > eps ** (1 / 3) * np.abs(Dw)).any():  # a coefficient still moving
        return None
    d = len(w)
    p = d + int(fit_intercept)
    T = np.zeros((p, p), dtype)
    T[-d:, -d:] = L.T * D
    if not fit_intercept:
        return w, T
    if b != 0 and abs(db) > eps ** (1 / 3) * abs(b):
        return None
    x = np.empty(p, dtype)
    x[0], x[1:] = b, w
    T[0, 0] = math.sqrt(n)
    T[0, 1:] = math.sqrt(n) * m
    return x, T


def blocked_fit(
    X: torch.Tensor, y: torch.Tensor, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``_blocked_fit``, on one thread below ``_THREADED_D`` columns (see the module's notes)."""
    threads = torch.get_num_threads()
    if threads == 1 or X.shape[1] >= _THREADED_D:
        return _blocked_fit(X, y, fit_intercept)
    torch.set_num_threads(1)
    try:
        return _blocked_fit(X, y, fit_intercept)
    finally:
        torch.set_num_threads(threads)


def _blocked_fit(
    X: torch.Tensor, y: torch.Tensor, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Least squares for CPU tensors ``X`` (n, d), ``y`` (n,) in their dtype: ``(x, A x - y, T)``.

    The same contract as ``fast.fast_fit`` (numpy results): ``x = (b, w)`` with an intercept,
    ``w`` without; ``AᵀA = TᵀT``; ``None`` when the accuracy bound fails (or anything is not
    finite). The passes run torch's kernels, on torch's threads (numpy's BLAS has its own
    thread pool, which spins badly when the cores are busy); the (d, d) algebra runs in numpy.
    """
    dt = np.float64 if X.dtype == torch.float64 else np.float32
    eps, lo = float(np.finfo(dt).eps), float(np.finfo(dt).tiny) / float(np.finfo(dt).eps) ** 2
    n, d = X.shape
    # threaded (compute-bound): few large blocks, since every kernel call is a barrier
    most = _MAX_BLOCKS if torch.get_num_threads() == 1 else 4
    rows = max(64, _BLOCK_BYTES // (X.element_size() * d), -(-n // most))
    shift = X[:rows].mean(0) if fit_intercept else X.new_zeros(d)
    nu = y[:rows].mean() if fit_intercept else y.new_zeros(())
    buf, Z = X.new_empty(rows, d), X.new_ones(2, rows)  # X - μ, and the rows [1; y - ν]
    Gt, SC = X.new_zeros(d, d), X.new_zeros(2, d)
    for i in range(0, n, rows):  # pass 1: (X - μ)ᵀ(X - μ), and [1; y - ν] (X - μ): sums, Xᵀy
        k = min(rows, n - i)
        B = torch.sub(X.narrow(0, i, k), shift, out=buf[:k])
        torch.sub(y.narrow(0, i, k), nu, out=Z[1, :k])
        Gt.addmm_(B.T, B)
        SC.addmm_(Z[:, :k], B)
    G, (s, c) = Gt.numpy(), SC.numpy()  # c = (X - μ)ᵀ (y - ν)
    y_dev = float((y - nu).sum())  # Σ(y - ν)
    mu, y_sum = shift.numpy(), float(nu) * n + y_dev
    delta = s / n  # mean of X - μ
    if fit_intercept:
        Gd = G.diagonal().copy()
        G -= n * np.outer(delta, delta)  # the centred Gram matrix Xcᵀ Xc
        c = c - delta * y_dev  # Xcᵀ y = (X - μ)ᵀ (y - ν) - δ Σ(y - ν)
        # the shift must be near the mean (within the columns' spread), or the subtraction
        # above lost digits the bound below does not count
        if not (n * delta * delta <= 0.5 * Gd).all():
            return None
    dg = G.diagonal()
    if not (np.isfinite(G).all() and np.isfinite(c).all() and dg.min() > lo):
        return None
    D = np.sqrt(dg)
    Geq = G / np.outer(D, D)
    try:
        L = np.linalg.cholesky(Geq)
        Ginv = np.linalg.inv(Geq)
    except np.linalg.LinAlgError:
        return None
    kappa2 = _kappa2(Geq, eps)
    if not kappa2 <= eps**-0.5:
        return None
    m = mu + delta  # the column means
    w = Ginv @ (c / D) / D
    b = y_sum / n - float(m @ w) if fit_intercept else 0.0

    # passes 2 and 3 on the whole arrays: a matrix-vector product is memory-bound, and one
    # call is one thread barrier where blocks would be many
    wt = torch.from_numpy(w)
    r = torch.addmv(y, X, wt, alpha=-1) - b  # r = y - A x against the raw data (pass 2)
    g, r_sum = r @ X, float(r.sum())
    if fit_intercept:
        g_np = g.numpy()
        dw = Ginv @ ((g_np - m * r_sum) / D) / D  # the centred normal equations: Xcᵀ r = Xᵀr - m Σr
        db = r_sum / n - float(m @ dw)
        b = b + db
    else:
        dw, db = Ginv @ (g.numpy() / D) / D, 0.0
    w = w + dw

    fitted = X @ torch.from_numpy(w) + b  # pass 3: the residuals A x - y and their norms
    res = fitted - y
    fn, rn = float(fitted @ fitted), float(res @ res)
    residual = res.numpy()
    accepted = accept_refinement(
        w, dw, b, db, (fn, rn), (D, m, n, L, kappa2, eps, fit_intercept, dt)
    )
    return None if accepted is None else (accepted[0], residual, accepted[1])
