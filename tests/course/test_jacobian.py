"""``adlib.course.jacobian``: pass counting, the mixed-mode Jacobian, the sweeps of notebook 06."""

import os
import sys

if "jax" not in sys.modules:  # compile faster, as in test_jax_crosscheck (flags change compile effort, not results)
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_cpu_use_fusion_emitters=false --xla_backend_optimization_level=0"
    )

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402
from adlib.course.jacobian import (  # noqa: E402
    PassCounter,
    cheaper_mode,
    compare_modes,
    count_passes,
    crossover,
    draw_outputs_graph,
    jac_chain,
    jacobian_methods,
    plot_sweep,
    sweep_functions,
    time_jacobians,
    trace_outputs,
)

# ----------------------------------------------------------------------------------------------------------
# Counting: jacfwd does n JVPs, jacrev 1 forward pass and m VJPs
# ----------------------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 9), m=st.integers(1, 9), kind=st.sampled_from(["linear", "tanh"]))
def test_jacfwd_counts_n_jvps_and_jacrev_m_vjps(n, m, kind):
    rng = np.random.default_rng(n * 10 + m)
    A, x = rng.standard_normal((m, n)), rng.standard_normal(n)
    f = lambda x: sweep_functions(kind)(A, x)
    J_fwd, fwd = count_passes(adlib.jacfwd, f, x)
    J_rev, rev = count_passes(adlib.jacrev, f, x)
    assert fwd == {"calls": n, "jvps": n, "vjps": 0}
    assert rev == {"calls": 1, "jvps": 0, "vjps": m}
    np.testing.assert_allclose(J_fwd, adlib.jacfwd(f)(x), rtol=1e-13)  # counting changes nothing
    np.testing.assert_allclose(J_rev, J_fwd, rtol=1e-12, atol=1e-14)


def test_scalar_output_needs_one_vjp_but_n_jvps():
    A, x = np.arange(12.0).reshape(4, 3), np.array([0.5, -1.0, 2.0])
    f = lambda x: anp.max(A @ x)
    assert count_passes(adlib.jacfwd, f, x)[1]["jvps"] == 3
    assert count_passes(adlib.jacrev, f, x)[1]["vjps"] == 1
    assert count_passes(adlib.grad, f, x)[1] == {"calls": 1, "jvps": 0, "vjps": 1}


def test_counter_accumulates_and_counts_plain_calls():
    counter = PassCounter()
    f = counter.wrap(lambda x: anp.sin(x))
    f(np.ones(3))
    adlib.jvp(f, (np.ones(3),), (np.ones(3),))
    adlib.vjp(f, np.ones(3))[1](np.ones(3))
    assert counter.as_dict() == {"calls": 3, "jvps": 1, "vjps": 1}
    assert "calls=3" in repr(counter)
    with pytest.raises(TypeError, match="expects a function"):
        counter.wrap(3)
    with pytest.raises(TypeError, match="Jacobian routine"):
        count_passes(adlib.jacfwd, "f", np.ones(2))


# ----------------------------------------------------------------------------------------------------------
# Mixed mode
# ----------------------------------------------------------------------------------------------------------


def narrow(n=40, k=2, m=30, seed=0):
    rng = np.random.default_rng(seed)
    B, C = rng.standard_normal((k, n)) / np.sqrt(n), rng.standard_normal((m, k))
    g = lambda x: anp.tanh(B @ x)
    G = lambda u: anp.sin(u) * anp.sum(u**2)
    h = lambda v: anp.cos(C @ v)
    return [g, G, h], rng.standard_normal(n)


def test_cheaper_mode():
    assert cheaper_mode(1000, 2) == "rev"
    assert cheaper_mode(2, 1000) == "fwd"
    assert cheaper_mode(5, 5) == "fwd"
    for bad in [(0, 3), (3, -1), (2.0, 3), (True, 3)]:
        with pytest.raises(ValueError, match="positive integer"):
            cheaper_mode(*bad)


def test_jac_chain_equals_the_pure_modes_and_jax():
    (g, G, h), x = narrow()
    f = lambda x: h(G(g(x)))
    J, info = jac_chain([g, G, h], x, return_info=True)
    np.testing.assert_allclose(J, adlib.jacfwd(f)(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(J, adlib.jacrev(f)(x), rtol=1e-12, atol=1e-14)
    assert info == [("rev", (2, 40)), ("fwd", (2, 2)), ("fwd", (30, 2))]
    for modes in (["fwd"] * 3, ["rev"] * 3, ["fwd", "rev", "rev"]):  # any choice of modes gives the same J
        np.testing.assert_allclose(jac_chain([g, G, h], x, modes=modes), J, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(jac_chain([f], x), J, rtol=1e-12, atol=1e-14)

    rng = np.random.default_rng(0)  # the same function in JAX
    B, C = rng.standard_normal((2, 40)) / np.sqrt(40), rng.standard_normal((30, 2))
    f_jax = lambda x: jnp.cos(C @ (jnp.sin(u := jnp.tanh(B @ x)) * jnp.sum(u**2)))
    np.testing.assert_allclose(J, jax.jacfwd(f_jax)(x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("k", [1, 12])  # a waist of 1 (einsum), of 12 (a BLAS product)
def test_jac_chain_with_more_stages_and_wider_waists(k):
    rng = np.random.default_rng(k)
    mats = [rng.standard_normal(s) / 4 for s in [(20, 15), (k, 20), (17, k), (9, 17)]]
    stages = [lambda x, W=W: anp.sin(W @ x) for W in mats]
    f = lambda x: stages[3](stages[2](stages[1](stages[0](x))))
    x = rng.standard_normal(15)
    np.testing.assert_allclose(jac_chain(stages, x), adlib.jacrev(f)(x), rtol=1e-12, atol=1e-14)


def test_jac_chain_does_k_sweeps_and_k_passes():
    (g, G, h), x = narrow(n=50, k=3, m=40)
    counters = [PassCounter() for _ in range(3)]
    jac_chain([c.wrap(s) for c, s in zip(counters, [g, G, h])], x)
    assert counters[0].vjps == 3 and counters[0].jvps == 0  # g: R^50 -> R^3 in reverse, 3 sweeps
    assert counters[1].jvps == 3 and counters[2].jvps == 3  # G: R^3 -> R^3 and h: R^3 -> R^40 forward
    assert counters[2].vjps == 0


def test_jac_chain_errors():
    (g, G, h), x = narrow()
    with pytest.raises(TypeError, match="list of functions"):
        jac_chain([], x)
    with pytest.raises(TypeError, match="list of functions"):
        jac_chain(g, x)
    with pytest.raises(ValueError, match="modes"):
        jac_chain([g, G, h], x, modes=["fwd", "rev"])
    with pytest.raises(ValueError, match="modes"):
        jac_chain([g, G, h], x, modes=["fwd", "rev", "sideways"])
    with pytest.raises(ValueError, match="1-D float"):
        jac_chain([g], np.ones((2, 2)))
    with pytest.raises(ValueError, match="1-D float"):
        jac_chain([g], np.arange(40))
    with pytest.raises(ValueError, match="stage 0 returned shape"):
        jac_chain([lambda x: anp.sum(x)], x)


# ----------------------------------------------------------------------------------------------------------
# Timing helpers (what they compute, never how long it takes)
# ----------------------------------------------------------------------------------------------------------


def test_crossover_interpolates_in_log_log():
    r = np.array([0.01, 0.1, 1.0, 10.0, 100.0])
    t_fwd = np.full(5, 1.0)
    t_rev = 0.5 * r  # equal at r = 2
    assert crossover(r, t_fwd, t_rev) == pytest.approx(2.0)
    assert crossover(r, t_fwd, t_fwd * 2) is None  # reverse slower everywhere: no crossover
    assert crossover(r, t_fwd, np.full(5, np.nan)) is None
    assert crossover(r, t_fwd, np.where(r == 1.0, 1.0, 0.5 * r)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same length"):
        crossover(r, t_fwd, t_rev[:3])


@settings(max_examples=30, deadline=None)
@given(noise=st.lists(st.floats(-0.1, 0.1), min_size=12, max_size=12), c=st.floats(0.3, 3.0))
def test_crossover_ignores_noise_where_both_modes_cost_the_same(noise, c):
    """Both modes flat (overhead-bound) up to m/n = 0.03, with ±10% noise, then reverse grows like m: the crossing
    found is the real one, at c, and not a sign flip of the noise in the flat part."""
    r = np.logspace(-3, 2, 12)
    t_fwd = np.full(12, 1.0)
    t_rev = np.maximum(r / c, 0.03 / c) * np.exp(noise)
    t_fwd[r <= 0.03] = t_rev[r <= 0.03] * np.exp(-np.array(noise)[r <= 0.03])  # equal up to the noise
    found = crossover(r, t_fwd, t_rev)
    assert found is not None and c / 1.5 < found < c * 1.5


def test_jacobian_methods_agree_with_each_other():
    A = np.random.default_rng(3).standard_normal((7, 5))
    for kind in ["linear", "tanh", "max"]:
        results = {name: np.asarray(fn()) for name, fn in jacobian_methods(A, kind).items()}
        assert set(results) == {"adlib jacfwd", "adlib jacrev", "jax jacfwd", "jax jacrev"}
        expected = A if kind == "linear" else None
        for J in results.values():
            np.testing.assert_allclose(J, results["jax jacrev"], rtol=1e-12, atol=1e-14)
            if expected is not None:
                np.testing.assert_allclose(J, expected, rtol=1e-14)
    x = np.random.default_rng(1).standard_normal(5)  # the point jacobian_methods uses: max picks one row of A
    np.testing.assert_allclose(jacobian_methods(A, "max", ("adlib",))["adlib jacrev"](), A[np.argmax(A @ x)])


def test_jacobian_methods_errors():
    with pytest.raises(ValueError, match="unknown kind"):
        sweep_functions("cubic")
    with pytest.raises(ValueError, match=r"shape \(m, n\)"):
        jacobian_methods(np.ones(3))
    with pytest.raises(ValueError, match="unknown libraries"):
        jacobian_methods(np.ones((2, 2)), libraries=("torch",))


def test_time_jacobians_shapes_and_budget():
    ms = np.array([1, 3, 9])
    out = time_jacobians(ms, n=4, libraries=("adlib",), repeat=1)
    assert set(out["times"]) == {"adlib jacfwd", "adlib jacrev"}
    assert out["n"] == 4 and out["kind"] == "linear" and list(out["m"]) == [1, 3, 9]
    for t in out["times"].values():
        assert t.shape == (3,) and np.all(np.isfinite(t)) and np.all(t > 0)
    cut = time_jacobians(ms, n=4, libraries=("adlib",), repeat=1, budget=0.0)  # every call is over budget
    for t in cut["times"].values():
        assert np.isfinite(t[0]) and np.all(np.isnan(t[1:]))
    for bad in [np.array([]), np.array([0, 2]), np.array([1.5, 2.0]), np.ones((2, 2), int)]:
        with pytest.raises(ValueError, match="ms must be"):
            time_jacobians(bad, libraries=("adlib",))
    with pytest.raises(ValueError, match="n must be"):
        time_jacobians([1, 2], n=0, libraries=("adlib",))
    for bad in [0, 1.5, True]:
        with pytest.raises(ValueError, match="rounds must be"):
            time_jacobians(ms, n=4, libraries=("adlib",), rounds=bad)


def test_time_jacobians_rounds_keep_each_points_best_and_respect_the_budget(monkeypatch):
    import adlib.course.jacobian as jacobian

    calls = []

    def fake_time(fn, repeat, warmup):  # the round number as the "time": 0.3, 0.2, 0.1, then back up
        calls.append(warmup)
        return [0.3, 0.2, 0.1, 0.4][(len(calls) - 1) // 4]

    monkeypatch.setattr(jacobian, "time_call", fake_time)
    out = time_jacobians(np.array([1, 3]), n=2, libraries=("adlib",), repeat=1, rounds=4, budget=10.0)
    assert len(calls) == 4 * 2 * 2 and calls[:4] == [1, 1, 1, 1] and set(calls[4:]) == {0}  # warm-up: first round
    for t in out["times"].values():
        np.testing.assert_array_equal(t, [0.1, 0.1])  # each point's best round
    calls.clear()
    cut = time_jacobians(np.array([1, 3]), n=2, libraries=("adlib",), repeat=1, rounds=3, budget=0.25)
    for t in cut["times"].values():  # over budget in round 1 at m = 1: m = 3 never run, m = 1 not run again
        assert t[0] == 0.3 and np.isnan(t[1])
    assert len(calls) == 2


def test_compare_modes():
    wide = compare_modes(n=3, m=40, repeat=1)
    assert wide["counts"]["fwd"]["jvps"] == 3 and wide["counts"]["rev"]["vjps"] == 40
    assert wide["predicted"] == "fwd" and wide["out_size"] == 40
    assert wide["speedup"] >= 1.0 and wide["winner"] in ("fwd", "rev")
    slower = "rev" if wide["winner"] == "fwd" else "fwd"
    assert wide["times"][slower] >= wide["times"][wide["winner"]]
    assert "3 JVPs" in wide["text"] and "40 VJPs" in wide["text"]
    assert wide["agrees"] == (wide["winner"] == "fwd")
    assert ("as the pass counts predict" in wide["text"]) == wide["agrees"]
    assert ("against the pass counts, which predict forward" in wide["text"]) == (not wide["agrees"])
    scalar = compare_modes(n=20, m=50, kind="max", repeat=1)
    assert scalar["out_size"] == 1 and scalar["counts"]["rev"]["vjps"] == 1 and scalar["predicted"] == "rev"
    for bad in [(0, 3), (3, 2.0)]:
        with pytest.raises(ValueError, match="positive integer"):
            compare_modes(*bad)


def fan_out(w1, w2):
    v1, v2 = anp.sin(w1), w1 * w2
    return anp.exp(v1), v1 * v2, anp.cos(v2)


def test_trace_outputs_is_the_graph_of_f_without_the_sum():
    g, outputs = trace_outputs(fan_out, 0.5, 2.0)
    assert g.names == ["w1", "w2", "v1", "v2", "L1", "L2", "L3"]
    assert [g.nodes[i].name for i in outputs] == ["L1", "L2", "L3"] and g.output == outputs[-1]
    assert [g.plain(i) for i in outputs] == ["exp(v1)", "multiply(v1, v2)", "cos(v2)"]
    values = [float(v) for v in fan_out(0.5, 2.0)]
    np.testing.assert_allclose([g.nodes[i].value for i in outputs], values, rtol=1e-15)
    for i in outputs:  # the additions are gone, also from the consumers
        assert g.nodes[i].consumers == []
    assert g["v1"].consumers == [4, 5] and g["v2"].consumers == [5, 6]
    named, _ = trace_outputs(fan_out, 0.5, 2.0, input_names=("a", "b"), output_names=("y1", "y2", "y3"))
    assert named.names == ["a", "b", "v1", "v2", "y1", "y2", "y3"]
    single, out = trace_outputs(lambda w: (anp.sin(w),), 1.0)
    assert single.names == ["w1", "L1"] and out == [1]


def test_trace_outputs_errors():
    with pytest.raises(TypeError, match="expects a function"):
        trace_outputs(3, 1.0)
    with pytest.raises(ValueError, match="tuple of scalar outputs"):
        trace_outputs(lambda w: anp.sin(w), 1.0)
    with pytest.raises(ValueError, match="distinct nodes"):
        trace_outputs(lambda w: (anp.sin(w), w), 1.0)  # an output that is an input
    with pytest.raises(ValueError, match="distinct nodes"):
        trace_outputs(lambda w: (anp.sin(w),) * 2, 1.0)  # the same node twice
    with pytest.raises(ValueError, match="output_names"):
        trace_outputs(fan_out, 0.5, 2.0, output_names=("y1", "y2"))


def test_draw_outputs_graph_is_readable():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from adlib.course import projector

    projector.use()
    g, outputs = trace_outputs(fan_out, 0.5, 2.0)
    fig, ax = plt.subplots(figsize=(5, 4))
    assert draw_outputs_graph(g, outputs, ax=ax, middle="G", title="three outputs") is ax
    assert "G" in [t.get_text() for t in ax.texts] and ax.get_title() == "three outputs"
    projector.check_readable(fig)
    with pytest.raises(TypeError, match="trace_outputs"):
        draw_outputs_graph("graph", outputs)
    plt.close(fig)


def test_plot_sweep_is_readable_and_reports_the_crossover():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from adlib.course import projector

    projector.use()
    m = np.array([1, 10, 100, 1000])
    result = {"m": m, "n": 100, "kind": "linear",
              "times": {"adlib jacfwd": np.full(4, 1e-3), "adlib jacrev": 1e-3 * m / 200}}  # equal at m/n = 2
    fig, ax = plt.subplots(figsize=(9, 5.2))
    crossings = plot_sweep(result, ax)
    assert crossings["adlib"] == pytest.approx(2.0)
    lines = {line.get_label(): line for line in ax.get_lines()}
    m_eq_n, mark = lines["m = n"], lines["adlib: curves cross at m/n ≈ 2"]
    assert m_eq_n.get_xdata()[0] == 1.0 and mark.get_xdata()[0] == pytest.approx(2.0)
    # m = n stays visible where a crossover mark lies under it: on top of the marks and the data, another colour
    assert m_eq_n.get_zorder() > max(line.get_zorder() for line in ax.get_lines() if line is not m_eq_n)
    assert m_eq_n.get_color() != mark.get_color()
    projector.check_readable(fig)
    with pytest.raises(TypeError, match="time_jacobians"):
        plot_sweep({"m": m})
    plt.close(fig)
