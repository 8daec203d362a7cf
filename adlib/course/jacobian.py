"""Choosing the mode for a Jacobian: count the passes, time them fairly, and mix the modes at a narrow cut.

For ``f: Rⁿ → Rᵐ``

* ``jacfwd`` builds ``J`` column by column: **n** forward passes (one ``jvp`` per input coordinate);
* ``jacrev`` builds it row by row: **one** forward pass that records the tape, then **m** backward sweeps
  (one ``vjp`` per output coordinate).

So forward mode costs ≈ n·cost(f) and reverse mode ≈ m·cost(f): the cheaper one is decided by m/n (the lecture's
Рис. 25). When ``f = h ∘ G ∘ g`` has a narrow middle (``g: Rⁿ → Rᵏ``, ``h: Rᵏ → Rᵐ`` with k ≪ n, m; Рис. 26),
neither pure mode is good, but the chain rule ``J = J_h · J_G · J_g`` lets each factor use its own cheaper mode:
``J_g`` in reverse (k sweeps), ``J_h`` forward (k passes). That is :func:`jac_chain`.

What is here
------------
``PassCounter`` / :func:`count_passes`
    Count, *by construction*, what a Jacobian routine does: a counting identity primitive is put on the input of
    ``f``; its JVP rule runs once per forward-mode pass, its VJP rule once per backward sweep.
:func:`jac_chain`, :func:`cheaper_mode`
    The mixed-mode Jacobian of a composition ``f_k ∘ … ∘ f_1``.
:func:`median_time`
    Warm-up, then the median of repeats (the notebooks' and the benchmark's one timing rule).
:func:`sweep_functions`, :func:`jacobian_methods`, :func:`time_jacobians`, :func:`crossover`
    The Рис. 25 experiment: ``f(x) = A x`` (or ``tanh(A x)``, or ``max_i (A x)_i``), n fixed, m swept, adlib's
    and JAX's jacfwd/jacrev timed, and the m/n where the curves cross.
:func:`loglog_slope`
    How fast a time grows with m: the slope of log t against log m (1: linear, 2: quadratic).
:func:`compare_modes`
    What the notebook's widget shows: for given n and m, which mode wins, by how much, and whether that is the
    winner the pass counts predict.
:func:`trace_outputs`, :func:`draw_outputs_graph`
    The graph of a function with several outputs (Рис. 24, Рис. 26), traced and drawn with ``adlib.course.graph`` /
    ``adlib.course.graph_plot`` (which trace scalar functions).
:func:`plot_sweep`
    The Рис. 25 plot of a :func:`time_jacobians` result (matplotlib is imported only there and in
    :func:`draw_outputs_graph`).
"""

import dataclasses
import math

import numpy as np

from .. import numpy as anp
from ..differential_operators import jacfwd, jacrev
from ..extend import Primitive
from .graph import Graph, trace_graph
from .i18n import Labels, plural_en, plural_ru, tr
from .measure import time_call

__all__ = [
    "PassCounter",
    "count_passes",
    "cheaper_mode",
    "jac_chain",
    "sweep_functions",
    "jacobian_methods",
    "time_jacobians",
    "crossover",
    "compare_modes",
    "trace_outputs",
    "draw_outputs_graph",
    "plot_sweep",
]


# ----------------------------------------------------------------------------------------------------------
# Counting passes
# ----------------------------------------------------------------------------------------------------------


def _tap_impl(x, counter):
    return x


def _tap_jvp(t, ans, x, counter):
    counter.jvps += 1  # the tangent of the input went through: one forward-mode pass
    return t


def _tap_vjp(g, ans, x, counter):
    counter.vjps += 1  # the adjoint reached the input: one backward sweep finished
    return g


_tap = Primitive(_tap_impl, "count_passes_tap")
_tap.defjvp(_tap_jvp).defvjp(_tap_vjp)


class PassCounter:
    """Counts what happens to a function: ``calls`` (evaluations of ``f``, traced or not), ``jvps`` (forward-mode
    passes) and ``vjps`` (backward sweeps that reached the input).

        counter = PassCounter()
        adlib.jacrev(counter.wrap(f))(x)
        counter.calls, counter.jvps, counter.vjps     # 1, 0, m
    """

    def __init__(self):
        self.calls = self.jvps = self.vjps = 0

    def wrap(self, f):
        """``f`` with its first argument passed through the counting identity primitive."""
        if not callable(f):
            raise TypeError(f"PassCounter.wrap expects a function, got {type(f).__name__}")

        def counted(x, *rest, **kwargs):
            self.calls += 1
            return f(_tap(x, counter=self), *rest, **kwargs)

        counted.__name__ = f"counted({getattr(f, '__name__', 'f')})"
        return counted

    def as_dict(self):
        return {"calls": self.calls, "jvps": self.jvps, "vjps": self.vjps}

    def __repr__(self):
        return f"PassCounter(calls={self.calls}, jvps={self.jvps}, vjps={self.vjps})"


def count_passes(jacobian, f, x):
    """Run ``jacobian(f)(x)`` (``adlib.jacfwd``, ``adlib.jacrev``, or any routine built on adlib's jvp/vjp) and
    return ``(J, {"calls": …, "jvps": …, "vjps": …})``."""
    if not callable(jacobian) or not callable(f):
        raise TypeError("count_passes(jacobian, f, x) expects a Jacobian routine (e.g. adlib.jacfwd) and a function")
    counter = PassCounter()
    J = jacobian(counter.wrap(f))(x)
    return J, counter.as_dict()


# ----------------------------------------------------------------------------------------------------------
# Mixed mode: the chain rule cut at narrow places
# ----------------------------------------------------------------------------------------------------------


def cheaper_mode(n_in, n_out):
    """``"rev"`` if the outputs are fewer than the inputs (m < n sweeps instead of n passes), else ``"fwd"``."""
    for name, v in (("n_in", n_in), ("n_out", n_out)):
        if not isinstance(v, int | np.integer) or isinstance(v, bool) or v < 1:
            raise ValueError(f"cheaper_mode: {name} must be a positive integer, got {v!r}")
    return "rev" if n_out < n_in else "fwd"


def jac_chain(stages, x, modes=None, return_info=False):
    """The Jacobian of ``stages[-1] ∘ … ∘ stages[0]`` at ``x`` by the chain rule, each factor in its own mode.

    ``stages`` are functions from 1-D arrays to 1-D arrays. Each factor ``J_k = ∂f_k/∂x_{k-1}`` is computed at
    ``x_{k-1} = f_{k-1}(…f_1(x))`` with ``adlib.jacrev`` if ``f_k`` has fewer outputs than inputs and with
    ``adlib.jacfwd`` otherwise (or as given by ``modes``, a list of ``"fwd"``/``"rev"``), and the product
    ``J_k ⋯ J_1`` is cut at its narrowest point, each side multiplied in the cheapest order. For
    ``Rⁿ → Rᵏ → Rᵐ`` with small k this is k backward sweeps + k forward passes + an (m×k)(k×n) product, instead
    of n passes or m sweeps.

    With ``return_info=True`` returns ``(J, info)``, ``info`` a list of ``(mode, (n_out, n_in))`` per stage.
    """
    stages = list(stages) if isinstance(stages, list | tuple) else None
    if not stages or not all(callable(s) for s in stages):
        raise TypeError("jac_chain expects a non-empty list of functions (the stages f_1, …, f_k)")
    if modes is not None:
        modes = list(modes)
        if len(modes) != len(stages) or any(m not in ("fwd", "rev") for m in modes):
            raise ValueError(f"jac_chain: modes must be one of 'fwd'/'rev' per stage ({len(stages)}), got {modes!r}")
    x = np.asarray(x)
    if x.ndim != 1 or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"jac_chain expects a 1-D float array x, got shape {x.shape} of dtype {x.dtype}")
    factors, info = [], []
    for k, stage in enumerate(stages):
        y = np.asarray(stage(x))
        if y.ndim != 1:
            raise ValueError(f"jac_chain: stage {k} returned shape {y.shape}; every stage must return a 1-D array")
        mode = modes[k] if modes else cheaper_mode(x.size, y.size)
        factors.append(np.asarray((jacrev if mode == "rev" else jacfwd)(stage)(x)))
        info.append((mode, (y.size, x.size)))
        x = y
    J = _cut_product(factors[::-1])  # J = J_k ⋯ J_1
    return (J, info) if return_info else J


def _product(factors):
    return factors[0] if len(factors) == 1 else np.linalg.multi_dot(factors)  # multi_dot: the cheapest order


def _cut_product(factors):
    """``J_k ⋯ J_1``, cut at the narrowest waist: ``(J_k ⋯ J_{j+1}) · (J_j ⋯ J_1)``, each side in its cheapest
    order. Through a waist of width ≤ 8 the last product is a sum of a few outer products, done by ``einsum`` in
    one thread: BLAS's threads gain nothing on it and, on a busy machine, can make it 30× slower."""
    if len(factors) == 1:
        return factors[0]
    widths = [f.shape[1] for f in factors[:-1]]  # the widths between consecutive factors
    j = int(np.argmin(widths)) + 1
    left, right = _product(factors[:j]), _product(factors[j:])
    return np.einsum("ik,kj->ij", left, right) if widths[j - 1] <= 8 else left @ right


# ----------------------------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------------------
# The Рис. 25 experiment
# ----------------------------------------------------------------------------------------------------------

KINDS = Labels({
    "linear": ("f(x) = A x", "f(x) = A x"),
    "tanh": ("f(x) = tanh(A x)", "f(x) = tanh(A x)"),
    "max": ("f(x) = max_i (A x)_i  (scalar output)", "f(x) = max_i (A x)_i  (скалярный выход)"),
})  # the sweep's functions, as the plots title them (in the notebook's language)


def sweep_functions(kind, np_=anp):
    """``f(A, x)`` of the sweep, written once for any NumPy-like module ``np_`` (``adlib.numpy``, ``jax.numpy``)."""
    if kind == "linear":
        return lambda A, x: A @ x
    if kind == "tanh":
        return lambda A, x: np_.tanh(A @ x)
    if kind == "max":
        return lambda A, x: np_.max(A @ x)
    raise ValueError(f"unknown kind {kind!r}; one of {sorted(KINDS)}")


def jacobian_methods(A, kind="linear", libraries=("adlib", "jax")):
    """Zero-argument callables ``{"adlib jacfwd": …, "adlib jacrev": …, "jax jacfwd": …, "jax jacrev": …}`` that
    compute the Jacobian of ``sweep_functions(kind)(A, ·)`` at a fixed seeded x. JAX's are ``jax.jit``-compiled
    once (the first call compiles: time them with a warm-up) and wait for the result (``block_until_ready``).
    JAX must already run in float64 (``jax.config.update("jax_enable_x64", True)``)."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"jacobian_methods expects a matrix A of shape (m, n), got shape {A.shape}")
    unknown = set(libraries) - {"adlib", "jax"}
    if unknown:
        raise ValueError(f"unknown libraries {sorted(unknown)}; choose from 'adlib', 'jax'")
    x = np.random.default_rng(1).standard_normal(A.shape[1])
    methods = {}
    if "adlib" in libraries:
        f_ad = sweep_functions(kind, anp)
        methods["adlib jacfwd"] = lambda: jacfwd(f_ad, argnums=1)(A, x)
        methods["adlib jacrev"] = lambda: jacrev(f_ad, argnums=1)(A, x)
    if "jax" in libraries:
        import jax  # only here: adlib itself needs nothing but NumPy
        import jax.numpy as jnp

        if not jax.config.jax_enable_x64:
            raise RuntimeError("JAX runs in float32: call jax.config.update('jax_enable_x64', True) first")
        f_jax = sweep_functions(kind, jnp)
        A_j, x_j = jnp.asarray(A), jnp.asarray(x)
        for name, jac in (("jacfwd", jax.jacfwd), ("jacrev", jax.jacrev)):
            compiled = jax.jit(jac(f_jax, argnums=1))
            methods[f"jax {name}"] = lambda compiled=compiled: compiled(A_j, x_j).block_until_ready()
    return methods


def time_jacobians(ms, n=100, kind="linear", libraries=("adlib", "jax"), repeat=5, seed=0, budget=2.0, rounds=1):
    """Time every method of :func:`jacobian_methods` for ``A ~ N(0, 1)`` of shape (m, n), m in ``ms``.

    Returns ``{"m": array, "n": n, "kind": kind, "times": {method: array of seconds}}``: the best of ``repeat``
    (the minimum ``timeit``'s documentation advises, not ``%timeit``'s mean ± std: on a shared machine other
    processes only ever add time), compilation excluded by a warm-up call.
    With ``rounds > 1`` the whole sweep is timed that many times over and each point keeps its best round: a
    burst of load from other processes then slows one round of a point, not all its repeats at once (which would
    bend the curve there). ``budget`` (seconds per call) keeps big sweeps finite: once a method has taken longer
    than that, it is not run for the larger m (its time there is NaN)."""
    ms = np.asarray(ms)
    if ms.ndim != 1 or ms.size == 0 or not np.issubdtype(ms.dtype, np.integer) or np.any(ms < 1):
        raise ValueError(f"time_jacobians: ms must be a non-empty 1-D array of positive integers, got {ms!r}")
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"time_jacobians: n must be a positive integer, got {n!r}")
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise ValueError(f"time_jacobians: rounds must be a positive integer, got {rounds!r}")
    rng = np.random.default_rng(seed)
    methods = [jacobian_methods(rng.standard_normal((int(m), int(n))), kind, libraries) for m in ms]
    times = {name: np.full(ms.size, np.nan) for name in methods[0]}
    over = set()
    for r in range(rounds):
        for i, m in enumerate(ms):
            for name, fn in methods[i].items():
                if (r == 0 and any(o == name for o, _ in over)) or (r > 0 and (
                        (name, i) in over or np.isnan(times[name][i]))):
                    continue  # over budget at a smaller m (first round); over budget or skipped (later rounds)
                first = r == 0 and (name.startswith("jax") or m <= 100)  # JAX: compile; adlib: nothing to warm up
                t = time_call(fn, repeat=repeat, warmup=1 if first else 0)  # calls < 1 ms: batched
                times[name][i] = t if np.isnan(times[name][i]) else min(times[name][i], t)
                if r == 0 and t > budget:
                    over.add((name, i))
    return {"m": ms, "n": int(n), "kind": kind, "times": times}


def crossover(ratio, t_fwd, t_rev):
    """The m/n at which forward and reverse mode take equal time, or ``None`` if one mode wins on the whole grid.

    With ``d = log(t_fwd / t_rev)`` (> 0 where reverse is faster), the crossing is put where a single switch of
    winner explains the data best: the split of the grid that maximises ``Σ_left d − Σ_right d`` (or the reverse,
    if forward wins on the left), so that timing noise in a flat region (both modes dominated by fixed overheads)
    cannot fake a crossing. Between the two grid points around the split it is located by linear interpolation in
    log–log coordinates."""
    ratio, t_fwd, t_rev = (np.asarray(a, dtype=float) for a in (ratio, t_fwd, t_rev))
    if not ratio.shape == t_fwd.shape == t_rev.shape or ratio.ndim != 1:
        raise ValueError("crossover expects three 1-D arrays of the same length")
    ok = np.isfinite(t_fwd) & np.isfinite(t_rev) & (t_fwd > 0) & (t_rev > 0) & (ratio > 0)
    r, d = np.log(ratio[ok]), np.log(t_fwd[ok]) - np.log(t_rev[ok])
    if len(d) < 2 or np.all(d > 0) or np.all(d < 0):
        return None
    total, left = d.sum(), np.cumsum(d)[:-1]  # left[k]: the sum over points 0..k
    score = np.abs(2 * left - total)  # |Σ_left d − Σ_right d| for a split after point k
    k = int(np.argmax(score))
    if np.sign(d[k]) != np.sign(d[k + 1]) and d[k] != d[k + 1]:
        return float(math.exp(r[k] + (r[k + 1] - r[k]) * d[k] / (d[k] - d[k + 1])))
    return float(math.exp((r[k] + r[k + 1]) / 2))  # noisy neighbours: the middle of the gap


# ----------------------------------------------------------------------------------------------------------
# The widget's function
# ----------------------------------------------------------------------------------------------------------


def compare_modes(n, m, kind="linear", repeat=5, seed=0, lang=None):
    """adlib's jacfwd against jacrev for ``A ~ N(0, 1)`` of shape (m, n): passes counted, times measured.

    Returns a dict with ``counts`` (``{"fwd": {...}, "rev": {...}}`` from :func:`count_passes`), ``times``
    (seconds, the best of ``repeat`` after a warm-up call: on a shared machine other processes only ever add time),
    ``winner`` (``"fwd"``/``"rev"``), ``speedup`` (loser's time / winner's), ``predicted`` (the mode the pass counts
    predict: the fewer of n passes and m sweeps), ``agrees`` (the measured winner is the predicted one), and a
    one-line ``text`` that says all of it (in the notebook's language, or ``lang``). Near ``m ≈ n`` the per-pass
    constants decide and the two may differ."""
    for name, v in (("n", n), ("m", m)):
        if not isinstance(v, int | np.integer) or isinstance(v, bool) or v < 1:
            raise ValueError(f"compare_modes: {name} must be a positive integer, got {v!r}")
    A = np.random.default_rng(seed).standard_normal((int(m), int(n)))
    f = sweep_functions(kind, anp)
    x = np.random.default_rng(seed + 1).standard_normal(int(n))
    counts, times, jacs = {}, {}, {}
    for mode, jac in (("fwd", jacfwd), ("rev", jacrev)):
        jacs[mode], counts[mode] = count_passes(jac, lambda x: f(A, x), x)
        times[mode] = time_call(lambda jac=jac: jac(lambda x: f(A, x))(x), repeat=repeat, warmup=1)
    np.testing.assert_allclose(jacs["fwd"], jacs["rev"], rtol=1e-10, atol=1e-12)
    winner = "fwd" if times["fwd"] <= times["rev"] else "rev"
    loser = "rev" if winner == "fwd" else "fwd"
    speedup = times[loser] / times[winner]
    out_size = int(np.size(jacs["fwd"])) // int(n)
    predicted = "fwd" if n <= out_size else "rev"
    if tr("en", "ru", lang) == "ru":  # the text in the notebook's language (or lang)
        name = {"fwd": "прямой", "rev": "обратный"}
        agreement = ("как и предсказывает число проходов" if winner == predicted else
                     f"вопреки числу проходов (оно предсказывает {name[predicted]} режим; вблизи m ≈ n решают "
                     "затраты на один проход)")
        text = (
            f"n = {n} {plural_ru(n, 'вход', 'входа', 'входов')}, {out_size} "
            f"{plural_ru(out_size, 'выход', 'выхода', 'выходов')}: jacfwd {counts['fwd']['jvps']} JVP за "
            f"{times['fwd'] * 1e3:.2f} мс, jacrev 1 прямой проход + {counts['rev']['vjps']} VJP за "
            f"{times['rev'] * 1e3:.2f} мс → быстрее {name[winner]} режим, в {speedup:.1f} раза, {agreement}"
        )
    else:
        name = {"fwd": "forward", "rev": "reverse"}
        agreement = ("as the pass counts predict" if winner == predicted else
                     f"against the pass counts, which predict {name[predicted]} (near m ≈ n the per-pass costs decide)")
        text = (
            f"n = {n} {plural_en(n, 'input')}, {out_size} {plural_en(out_size, 'output')}: jacfwd "
            f"{counts['fwd']['jvps']} {plural_en(counts['fwd']['jvps'], 'JVP')} in {times['fwd'] * 1e3:.2f} ms, "
            f"jacrev 1 forward pass + {counts['rev']['vjps']} {plural_en(counts['rev']['vjps'], 'VJP')} in "
            f"{times['rev'] * 1e3:.2f} ms → "
            f"{name[winner]} mode wins, {speedup:.1f}× faster, {agreement}"
        )
    return {"counts": counts, "times": times, "winner": winner, "speedup": speedup, "predicted": predicted,
            "agrees": winner == predicted, "out_size": out_size, "text": text}


# ----------------------------------------------------------------------------------------------------------
# Graphs with several outputs (Рис. 24, Рис. 26), traced and drawn by adlib.course.graph / adlib.course.graph_plot
# ----------------------------------------------------------------------------------------------------------


def trace_outputs(f, *args, input_names=None, output_names=None):
    """The computational graph of ``f(w_1, …, w_n) = (L_1, …, L_m)`` (real inputs, a tuple of scalar outputs).

    :func:`adlib.course.graph.trace_graph` traces scalar functions: here it traces ``L_1 + … + L_m`` and the ``m − 1``
    additions it appended are dropped again, so the graph is exactly ``f``'s. Returns ``(graph, outputs)``:
    ``outputs`` the node indices of ``L_1 … L_m`` (named ``output_names``, default ``L1, L2, …``); the other inner
    nodes are renumbered ``v1, v2, …``. Every output must be a distinct node that depends on the inputs."""
    if not callable(f):
        raise TypeError(f"trace_outputs expects a function, got {type(f).__name__}")
    seen = {}

    def total(*w):
        outs = f(*w)
        if not isinstance(outs, tuple | list) or not outs:
            raise ValueError("trace_outputs: f must return a non-empty tuple of scalar outputs (L_1, …, L_m)")
        seen["m"] = len(outs)
        s = outs[0]
        for out in outs[1:]:
            s = s + out
        return s

    g = trace_graph(total, *args, input_names=input_names, output_name=None)
    m = seen["m"]
    names = list(output_names) if output_names is not None else [f"L{k + 1}" for k in range(m)]
    if len(names) != m or len(set(names)) != m:
        raise ValueError(f"output_names must be {m} distinct names, got {output_names!r}")
    cut = len(g) - (m - 1)  # the additions are the last m − 1 nodes, in the order they were made
    adds = g.nodes[cut:]
    if m == 1:
        outputs = [g.output]
    else:
        if any(a.prim is None or a.prim.name != "add" or len(a.parents) != 2 for a in adds):
            raise ValueError("trace_outputs: every output must depend on the inputs")
        outputs = [adds[0].parents[0]] + [a.parents[1] for a in adds]
    if len(set(outputs)) != m or any(i >= cut or i in g.inputs for i in outputs):
        raise ValueError("trace_outputs: the outputs must be distinct nodes computed from the inputs, not inputs")
    rename, inner = {}, 0
    for node in g.nodes[:cut]:
        if node.index in outputs:
            rename[node.index] = names[outputs.index(node.index)]
        elif not node.is_input:
            inner += 1
            rename[node.index] = f"v{inner}"
    nodes = [dataclasses.replace(node, name=rename.get(node.index, node.name),
                                 consumers=[c for c in node.consumers if c < cut]) for node in g.nodes[:cut]]
    return Graph(nodes, g.inputs, outputs[-1]), outputs


def draw_outputs_graph(graph, outputs, ax=None, middle=None, title=None, fontsize=12):
    """Draw a :func:`trace_outputs` graph with :func:`adlib.course.graph_plot.draw_graph` (no values, no edge labels:
    the shape is the point), the outputs ``L_i`` shaded, and, if ``middle`` is a label, a box around every inner
    node (Рис. 26's "arbitrary graph G in the middle"). Returns the axes."""
    from matplotlib.patches import Circle, FancyBboxPatch  # only here: adlib itself needs nothing but NumPy

    from .graph_plot import RADIUS, draw_graph, layout

    if not isinstance(graph, Graph):
        raise TypeError(f"draw_outputs_graph expects the graph of trace_outputs, got {type(graph).__name__}")
    ax = draw_graph(graph, ax=ax, edge_labels=False, values=False, fontsize=fontsize,
                    title=title if title is not None else "")
    pos = layout(graph)
    for i in outputs:
        ax.add_patch(Circle(pos[i], RADIUS, fc="#ffe0b3", ec="black", lw=1.2, zorder=2.5))
    all_x, all_y = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    top = max(all_y) + RADIUS + 0.15  # no values are drawn under the nodes: the limits hug the nodes
    inner = [i for i in pos if i not in outputs and i not in graph.inputs]
    if middle and inner:
        xs, ys = [pos[i][0] for i in inner], [pos[i][1] for i in inner]
        pad = RADIUS + 0.2
        ax.add_patch(FancyBboxPatch((min(xs) - pad, min(ys) - pad), max(xs) - min(xs) + 2 * pad,
                                    max(ys) - min(ys) + 2 * pad, boxstyle="round,pad=0.05", fc="#d9f2d9",
                                    ec="tab:green", lw=1.5, zorder=0))
        ax.text((min(xs) + max(xs)) / 2, max(ys) + pad + 0.12, middle, ha="center", va="bottom",
                fontsize=fontsize + 2, color="darkgreen")
        top = max(top, max(ys) + pad + 0.7)
    ax.set_xlim(min(all_x) - RADIUS - 0.15, max(all_x) + RADIUS + 0.15)
    ax.set_ylim(min(all_y) - RADIUS - 0.15, top)
    return ax


# ----------------------------------------------------------------------------------------------------------
# The Рис. 25 plot (notebook 06 and figures/fig_jacobians.py)
# ----------------------------------------------------------------------------------------------------------

_STYLE = {
    "adlib jacfwd": dict(color="tab:blue", ls="-", marker="o"),
    "adlib jacrev": dict(color="tab:orange", ls="-", marker="s"),
    "jax jacfwd": dict(color="tab:blue", ls="--", marker="o", mfc="none"),
    "jax jacrev": dict(color="tab:orange", ls="--", marker="s", mfc="none"),
}


def plot_sweep(result, ax=None, title=None, mark_crossover=True, legend_loc="best", lang=None):
    """Time vs m/n on log–log axes for every method of a :func:`time_jacobians` result, the line m/n = 1 and each
    library's crossover (a vertical mark, from :func:`crossover`; not drawn with ``mark_crossover=False``); the
    legend goes where it hides the fewest points (``legend_loc``: matplotlib's ``loc``, ``"outside"`` to the right
    of the axes, or ``None`` for no legend). Texts in the notebook's language (or ``lang``). Returns
    ``{library: crossover m/n or None}``."""
    import matplotlib.pyplot as plt  # only here: adlib itself needs nothing but NumPy

    if not isinstance(result, dict) or not {"m", "n", "times"} <= set(result):
        raise TypeError("plot_sweep expects the dict returned by time_jacobians")
    ax = ax if ax is not None else plt.gca()
    ratio = np.asarray(result["m"]) / result["n"]
    for name, t in result["times"].items():
        ax.plot(ratio, np.asarray(t) * 1e3, label=name, ms=4, **_STYLE.get(name, {}))
    crossings = {}
    for lib, color in (("adlib", "tab:purple"), ("jax", "tab:green")):
        fwd, rev = result["times"].get(f"{lib} jacfwd"), result["times"].get(f"{lib} jacrev")
        if fwd is None or rev is None:
            continue
        crossings[lib] = c = crossover(ratio, fwd, rev)
        if c is not None and mark_crossover:
            ax.axvline(c, color=color, lw=2, alpha=0.5, zorder=1,
                       label=f"{lib}: " + tr(f"curves cross at m/n ≈ {c:.2g}", f"кривые пересекаются при m/n ≈ {c:.2g}",
                                             lang))
    # m = n last and on top, black and dashed: visible even where a crossover mark lies under it
    ax.axvline(1.0, color="black", lw=1.2, ls=(0, (3, 3)), zorder=3, label="m = n")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(tr(f"m / n  (outputs / inputs, n = {result['n']})", f"m / n  (выходы / входы, n = {result['n']})",
                     lang))
    ax.set_ylabel(tr("time per Jacobian, ms", "время на один якобиан, мс", lang))
    ax.set_title(title or KINDS.in_language(lang).get(result.get("kind"), ""), pad=10)  # room for a subscript
    ax.grid(True, which="major", alpha=0.3)
    if legend_loc == "outside":
        ax.legend(fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    elif legend_loc is not None:
        ax.legend(fontsize=10, loc=legend_loc)
    return crossings
