"""adlib's speed, side by side with HIPS autograd (its peer: eager, NumPy-based) and JAX, in one run.

    make bench                      # or: python benchmarks/run.py [--quick] [--markdown FILE]

Every workload is timed for every library in the same process, one after the other: the median over repeats of
the mean time per call (``adlib.course.measure.time_call`` picks the number of calls per repeat). What
matters are the ratios in the same run, not the absolute times, which depend on the machine. JAX runs in float64,
eagerly and jit-compiled (compilation excluded by a warm-up call, results waited for with ``block_until_ready``).

Targets (from the project's issue): adlib ≤ 0.9 × autograd's time on the MDS gradient at N = 1000; adlib's MDS
gradient ≤ 2.5 × the NumPy loss itself; the scalar L(w1, w2) gradient ≤ 50 µs.
"""

import argparse
import importlib.metadata
import os
import sys

import numpy as np

import adlib
import adlib.numpy as anp
from adlib.course.measure import time_call

try:
    import autograd
    import autograd.numpy as agnp
except ImportError:  # pragma: no cover - the bench extra installs it
    autograd = None

try:
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
except ImportError:  # pragma: no cover
    jax = None


def timed(fn, repeat=5, min_time=0.05):
    """Median over ``repeat`` batches of the mean time of one call of ``fn()``, in seconds (each batch lasts at
    least ``min_time``): the course's one timer, ``adlib.course.measure.time_call``."""
    return time_call(fn, repeat=repeat, warmup=1, min_time=min_time, best=False)


def block(f):
    return lambda *a: jax.block_until_ready(f(*a))


# ---------------------------------------------------------------------------------------------------------
# Workloads: each written once, for any NumPy-like module
# ---------------------------------------------------------------------------------------------------------


def mds_loss(np_):
    """The lecture's MDS loss  L(W) = Σ_ij (‖W_i − W_j‖² − D_ij)²  (D holds squared distances)."""

    def L(W, D):
        diff = W[:, None, :] - W[None, :, :]
        return np_.sum((np_.sum(diff**2, axis=-1) - D) ** 2)

    return L


def lecture_L(np_):
    """The lecture's L(w1, w2) = w2·log w1 + √(w2·log w1)."""
    return lambda w1, w2: w2 * np_.log(w1) + np_.sqrt(w2 * np_.log(w1))


def mlp_loss(np_, logsumexp):
    """Cross-entropy of a 784 → 256 → 10 tanh MLP on a batch; ``params`` is a list [W1, b1, W2, b2]."""

    def loss(params, x, onehot):
        W1, b1, W2, b2 = params
        h = np_.tanh(x @ W1 + b1)
        logits = h @ W2 + b2
        return np_.mean(logsumexp(logits, axis=1) - np_.sum(logits * onehot, axis=1))

    return loss


def mds_data(N, rng):
    points = rng.normal(size=(N, 2))
    D = np.sum((points[:, None, :] - points[None, :, :]) ** 2, axis=-1)
    return rng.normal(size=(N, 2)), D


def mlp_data(rng, batch=256):
    params = [rng.normal(size=(784, 256)) / 28, np.zeros(256), rng.normal(size=(256, 10)) / 16, np.zeros(10)]
    x = rng.normal(size=(batch, 784))
    onehot = np.eye(10)[rng.integers(0, 10, size=batch)]
    return params, x, onehot


# ---------------------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------------------


class Table:
    def __init__(self):
        self.rows = []

    def add(self, workload, library, seconds, ref=None, note=""):
        self.rows.append((workload, library, seconds, None if ref is None else seconds / ref, note))
        ratio = "" if ref is None else f"{seconds / ref:8.2f}×"
        print(f"{workload:<34} {library:<22} {_fmt(seconds):>10} {ratio:>10}  {note}", flush=True)

    def markdown(self):
        lines = ["| workload | library | time | ratio | note |", "|---|---|---:|---:|---|"]
        for w, lib, s, r, note in self.rows:
            lines.append(f"| {w} | {lib} | {_fmt(s)} | {'' if r is None else f'{r:.2f}×'} | {note} |")
        return "\n".join(lines) + "\n"


def _fmt(seconds):
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def check(name, ok):
    print(f"  target {'met   ' if ok else 'MISSED'}: {name}", flush=True)
    return ok


def bench_mds(table, N, repeat, rng):
    W, D = mds_data(N, rng)
    name = f"MDS ∇L, N={N}, d=2"
    targets = []
    t_np = timed(lambda: mds_loss(np)(W, D), repeat)
    g_ad = adlib.grad(mds_loss(anp))
    t_ad = timed(lambda: g_ad(W, D), repeat)
    table.add(name, "adlib", t_ad)
    if autograd:
        g_ag = autograd.grad(mds_loss(agnp))
        np.testing.assert_allclose(g_ad(W, D), g_ag(W, D), rtol=1e-9)
        t_ag = timed(lambda: g_ag(W, D), repeat)
        table.add(name, "autograd", t_ag, t_ad)
    if jax:
        g_jx = jax.grad(mds_loss(jnp))
        np.testing.assert_allclose(g_ad(W, D), g_jx(W, D), rtol=1e-9)
        table.add(name, "jax (eager)", timed(lambda: block(g_jx)(W, D), repeat), t_ad)
        g_jit = jax.jit(g_jx)
        table.add(name, "jax (jit)", timed(lambda: block(g_jit)(W, D), repeat), t_ad)
    table.add(name, "numpy: L itself", t_np, t_ad, note=f"adlib ∇L / L = {t_ad / t_np:.2f}")
    if N == 1000:
        if autograd:
            targets.append(check(f"adlib ≤ 0.9 × autograd on MDS N=1000 (got {t_ad / t_ag:.2f})", t_ad <= 0.9 * t_ag))
        targets.append(check(f"MDS gradient ≤ 2.5 × function (got {t_ad / t_np:.2f})", t_ad <= 2.5 * t_np))
    return targets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats (a smoke test)")
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 7
    rng = np.random.default_rng(0)
    table = Table()
    targets = []
    versions = ", ".join(f"{p} {_version(p)}" for p in ("numpy", "autograd", "jax"))
    print(f"{versions}, {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'workload':<34} {'library':<22} {'time':>10} {'ratio':>10}  (ratio: to the first row of the workload)")

    # 1. The lecture's scalar L: per-primitive overhead --------------------------------------------------
    # (first: the big arrays that the other workloads free keep the machine busy for a few seconds after)
    name = "∇L(w1,w2) scalar, both partials"
    g_ad = adlib.grad(lecture_L(anp), argnums=(0, 1))
    t_ad = timed(lambda: g_ad(2.0, 3.0), repeat)
    table.add(name, "adlib", t_ad, note="6 primitives")
    if autograd:
        g_ag = autograd.grad(lambda w: lecture_L(agnp)(w[0], w[1]))
        g_ag2 = autograd.grad(lecture_L(agnp))  # one partial, the cheapest way in autograd
        table.add(name, "autograd (tuple arg)", timed(lambda: g_ag((2.0, 3.0)), repeat), t_ad)
        table.add(name, "autograd (∂/∂w1 only)", timed(lambda: g_ag2(2.0, 3.0), repeat), t_ad)
    if jax:
        g_jx = jax.grad(lecture_L(jnp), argnums=(0, 1))
        table.add(name, "jax (eager)", timed(lambda: block(g_jx)(2.0, 3.0), repeat), t_ad)
    targets.append(check(f"scalar L gradient ≤ 50 µs (got {t_ad * 1e6:.1f} µs)", t_ad <= 50e-6))

    # 2. MDS gradient ------------------------------------------------------------------------------------
    for N in (100, 300) if args.quick else (100, 500, 1000):
        targets += bench_mds(table, N, repeat, rng)

    # 3. MLP ---------------------------------------------------------------------------------------------
    params, x, onehot = mlp_data(rng, batch=64 if args.quick else 256)
    name = f"MLP 784→256→10, batch {x.shape[0]}"
    g_ad = adlib.grad(mlp_loss(anp, anp.logsumexp))
    t_ad = timed(lambda: g_ad(params, x, onehot), repeat)
    table.add(name, "adlib", t_ad)
    if autograd:
        from autograd.scipy.special import logsumexp as ag_lse

        g_ag = autograd.grad(mlp_loss(agnp, ag_lse))
        for a, b in zip(g_ad(params, x, onehot), g_ag(params, x, onehot)):
            np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
        table.add(name, "autograd", timed(lambda: g_ag(params, x, onehot), repeat), t_ad)
    if jax:
        g_jx = jax.grad(mlp_loss(jnp, jax.nn.logsumexp))
        table.add(name, "jax (eager)", timed(lambda: block(g_jx)(params, x, onehot), repeat), t_ad)
        g_jit = jax.jit(g_jx)
        table.add(name, "jax (jit)", timed(lambda: block(g_jit)(params, x, onehot), repeat), t_ad)
    t_np = timed(lambda: mlp_loss(np, _np_logsumexp)(params, x, onehot), repeat)
    table.add(name, "numpy: loss itself", t_np, t_ad, note=f"adlib ∇L / L = {t_ad / t_np:.2f}")

    # 4. Hessian-vector product vs gradient --------------------------------------------------------------
    W, D = mds_data(300 if args.quick else 500, rng)
    V = rng.normal(size=W.shape)
    name = f"HVP vs ∇, MDS N={W.shape[0]}"
    L = mds_loss(anp)
    t_g = timed(lambda: adlib.grad(L)(W, D), repeat)
    t_h = timed(lambda: adlib.hvp(lambda w: L(w, D), W, V), repeat)
    table.add(name, "adlib ∇L", t_g)
    table.add(name, "adlib hvp (fwd-over-rev)", t_h, t_g, note="goal ≈ 2–4× a gradient")
    if jax:
        Lj = mds_loss(jnp)
        hvp_j = jax.jit(lambda w, v: jax.jvp(jax.grad(lambda w: Lj(w, D)), (w,), (v,))[1])
        grad_j = jax.jit(jax.grad(lambda w: Lj(w, D)))
        np.testing.assert_allclose(adlib.hvp(lambda w: L(w, D), W, V), hvp_j(W, V), rtol=1e-9)
        t_gj = timed(lambda: block(grad_j)(W), repeat)
        table.add(name, "jax (jit) ∇L", t_gj, t_g)
        table.add(name, "jax (jit) hvp", timed(lambda: block(hvp_j)(W, V), repeat), t_g)

    print(f"\n{sum(targets)} of {len(targets)} targets met")
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(table.markdown())
        print(f"table written to {args.markdown}")

    # 5. Jacobians, forward vs reverse (Рис. 25–26): benchmarks/jacobians.py, also runnable on its own
    from jacobians import main as jacobians_main  # benchmarks/ is on sys.path when this file runs as a script

    jacobians_main(["--quick"] if args.quick else [])


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def _np_logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(a - m), axis=axis)) + m.squeeze(axis)


if __name__ == "__main__":
    main()
