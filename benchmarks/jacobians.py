"""Jacobians, forward vs reverse mode (the lecture's Рис. 25–26), adlib against JAX.

    python benchmarks/jacobians.py                 # m up to ~3000, a minute or so
    python benchmarks/jacobians.py --quick         # a smoke test, seconds
    python benchmarks/jacobians.py --full          # m up to ~30 000 as in the course (minutes)
    python benchmarks/jacobians.py --markdown FILE # also write the tables as Markdown

1. Рис. 25: f(x) = A x, tanh(A x) and max_i (A x)_i with n = 100 inputs and m swept; adlib.jacfwd/jacrev and
   jax.jit(jax.jacfwd/jacrev); best of repeats, JAX compilation excluded (warm-up call, ``block_until_ready``).
   Reported: every time, the m/n where forward and reverse cost the same (``adlib.course.jacobian.crossover``), and how
   fast each grows at large m (``adlib.course.measure.loglog_slope``: forward is linear in m, reverse quadratic).
2. Рис. 26: a narrow waist R^1000 → R^2 → R^2 → R^1000; jacfwd, jacrev and the mixed-mode ``jac_chain``
   (reverse into the waist, forward out of it), each checked against jacfwd.

What matters are the ratios within one run, not the absolute times.
"""

import argparse
import os
import sys

import numpy as np

import adlib
import adlib.numpy as anp
from adlib.course.jacobian import KINDS, crossover, jac_chain, time_jacobians
from adlib.course.measure import loglog_slope, time_call

try:
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
except ImportError:  # pragma: no cover - the notebooks extra installs it
    jax = None


def sweep(kind, ms, repeat, budget, lines):
    libraries = ("adlib", "jax") if jax else ("adlib",)
    result = time_jacobians(ms, n=100, kind=kind, libraries=libraries, repeat=repeat, budget=budget)
    names = list(result["times"])
    header = f"| m | m/n | {' | '.join(names)} |"
    lines += [f"\n**{KINDS[kind]}**, n = 100 (ms per Jacobian; — = skipped, over the time budget)\n", header,
              "|" + "---:|" * (len(names) + 2)]
    print(f"\n{KINDS[kind]}, n = 100, ms per Jacobian")
    print(f"{'m':>6} {'m/n':>7} " + " ".join(f"{n:>13}" for n in names))
    for i, m in enumerate(result["m"]):
        cells = [f"{result['times'][n][i] * 1e3:.3f}" if np.isfinite(result["times"][n][i]) else "—" for n in names]
        print(f"{m:>6} {m / 100:>7.2f} " + " ".join(f"{c:>13}" for c in cells), flush=True)
        lines.append(f"| {m} | {m / 100:.2f} | {' | '.join(cells)} |")
    for lib in libraries:
        fwd, rev = result["times"][f"{lib} jacfwd"], result["times"][f"{lib} jacrev"]
        if kind == "max":  # one output: no crossover to find, only by how much reverse mode wins
            ok = np.isfinite(fwd) & np.isfinite(rev)
            text = (f"{lib}: reverse faster at {np.sum(rev[ok] < fwd[ok])} of {np.sum(ok)} sizes, "
                    f"by {fwd[ok][-1] / rev[ok][-1]:.1f}× at the largest")
        else:
            c = crossover(result["m"] / 100, fwd, rev)
            text = f"{lib}: forward = reverse at m/n ≈ {c:.2f}" if c else f"{lib}: one mode wins on the whole grid"
            if np.sum(np.isfinite(rev) & (result["m"] >= 200)) >= 2:  # how fast each grows at large m (m ≥ 2n)
                text += (f"; log-log slopes over m ≥ 200: jacfwd {loglog_slope(result['m'], fwd, 200):.2f}, "
                         f"jacrev {loglog_slope(result['m'], rev, 200):.2f} (flop counts: 1 and 2)")
        print("  " + text)
        lines.append(f"\n{text}")
    return result


def narrow_waist(repeat, lines, N=1000, K=2, M=1000):
    rng = np.random.default_rng(26)
    B, C = rng.standard_normal((K, N)) / np.sqrt(N), rng.standard_normal((M, K))
    R = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
    x0 = rng.standard_normal(N)

    def stages(np_):
        return [lambda x: np_.tanh(B @ x), lambda u: np_.sin(R @ u) * np_.exp(-np_.sum(u**2)),
                lambda v: np_.cos(C @ v)]

    g, G, h = stages(anp)
    f = lambda x: h(G(g(x)))
    J = adlib.jacfwd(f)(x0)
    np.testing.assert_allclose(jac_chain([g, G, h], x0), J, rtol=1e-10, atol=1e-13)
    rows = {"adlib": {
        "jacfwd": time_call(lambda: adlib.jacfwd(f)(x0), repeat=repeat),
        "jacrev": time_call(lambda: adlib.jacrev(f)(x0), repeat=repeat),
        "mixed (jac_chain)": time_call(lambda: jac_chain([g, G, h], x0), repeat=repeat),
    }}
    if jax:
        gj, Gj, hj = stages(jnp)
        fj = lambda x: hj(Gj(gj(x)))
        mixed = lambda x: jax.jacfwd(hj)(Gj(gj(x))) @ jax.jacfwd(Gj)(gj(x)) @ jax.jacrev(gj)(x)
        fns = {"jacfwd": jax.jit(jax.jacfwd(fj)), "jacrev": jax.jit(jax.jacrev(fj)),
               "mixed (jac_chain)": jax.jit(mixed)}
        for fn in fns.values():
            np.testing.assert_allclose(fn(x0), J, rtol=1e-10, atol=1e-13)
        rows["jax (jit)"] = {k: time_call(lambda fn=fn: fn(x0).block_until_ready(), repeat=repeat)
                             for k, fn in fns.items()}
    title = f"R^{N} → R^{K} → R^{K} → R^{M}: ms per Jacobian (all three equal jacfwd's to 1e-10)"
    print(f"\n{title}")
    lines += [f"\n**{title}**\n", "| library | jacfwd | jacrev | mixed | best pure / mixed |",
              "|---|---:|---:|---:|---:|"]
    for lib, t in rows.items():
        speedup = min(t["jacfwd"], t["jacrev"]) / t["mixed (jac_chain)"]
        cells = [f"{t[k] * 1e3:.3f}" for k in ["jacfwd", "jacrev", "mixed (jac_chain)"]]
        print(f"  {lib:<10} jacfwd {cells[0]:>9}  jacrev {cells[1]:>9}  mixed {cells[2]:>9}  → mixed is "
              f"{speedup:.1f}× faster than the best pure mode", flush=True)
        lines.append(f"| {lib} | {' | '.join(cells)} | {speedup:.1f}× |")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="few points, few repeats (a smoke test)")
    size.add_argument("--full", action="store_true", help="m up to ~30 000, as in the course (minutes)")
    parser.add_argument("--markdown", help="also write the tables as Markdown to this file")
    args = parser.parse_args(argv)
    if args.quick:
        ms, repeat, budget = np.unique(np.logspace(0, 3, 5).astype(int)), 3, 1.0
    elif args.full or os.environ.get("ADLIB_FULL") == "1":
        ms, repeat, budget = np.unique(np.logspace(0, 4.5, 20).astype(int)), 7, 5.0
    else:
        ms, repeat, budget = np.unique(np.logspace(0, 3.5, 12).astype(int)), 5, 2.0
    print(f"Jacobians, forward vs reverse: numpy {np.__version__}, jax {jax.__version__ if jax else 'missing'}, "
          f"{os.cpu_count()} cores, python {sys.version.split()[0]}")
    lines = ["# Jacobians: forward vs reverse mode (benchmarks/jacobians.py)"]
    for kind in ["linear", "tanh", "max"]:
        sweep(kind, ms, repeat, budget, lines)
    narrow_waist(repeat, lines)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        print(f"tables written to {args.markdown}")


if __name__ == "__main__":
    main()
