"""Gradient checkpointing (adlib.checkpoint).

A. the binomial formula t(n, s) against an exhaustive search over all split schedules, and the revolve schedule's
   counted advances against t(n, s) for every n ≤ 100, s ≤ 10; never worse than the other schedules;
B. every schedule gives bit for bit the gradient of plain reverse mode (adlib.grad through the whole chain), and
   the counters match the steps really evaluated (counted by the steps themselves);
C. checkpoint(f): same derivatives (first and second order, both modes), a shorter tape, a lower memory peak;
   cross-check with jax.checkpoint;
D. the GPT-2 arithmetic of the lecture; errors.
"""

import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib.course.checkpointing import (
    activation_memory,
    best_checkpoint_every,
    beta,
    chain_grad,
    checkpoint,
    gpt2_activation_report,
    make_schedule,
    recomputed_layers,
    repetition_number,
    revolve_cost,
    schedule_every_k,
    schedule_recompute_all,
    schedule_revolve,
    schedule_store_all,
    simulate,
)
from adlib.course.measure import peak_bytes, tape_size

# ----------------------------------------------------------------------------------------------------------
# A. The binomial schedule
# ----------------------------------------------------------------------------------------------------------


@functools.cache
def best_split_cost(m, s):
    """Exhaustive: the fewest advances reversing m steps from a checkpointed x_a with s checkpoints, over every
    choice of where to put the next checkpoint (Griewank–Walther's recursion, no formula used)."""
    if m == 1:
        return 0
    if s == 1:
        return m * (m - 1) // 2
    return min(m_hat + best_split_cost(m - m_hat, s - 1) + best_split_cost(m_hat, s) for m_hat in range(1, m))


def test_beta_and_repetition_number():
    assert beta(3, 2) == math.comb(5, 3) == 10
    for n in range(1, 200):
        for s in range(1, 8):
            r = repetition_number(n, s)
            assert beta(s, r) >= n and (r == 0 or beta(s, r - 1) < n)


def test_formula_equals_exhaustive_search():
    for n in range(1, 61):
        for s in range(1, 9):
            assert revolve_cost(n, s) == best_split_cost(n, s), (n, s)


def test_formula_special_cases():
    for n in range(1, 50):
        assert revolve_cost(n, 1) == n * (n - 1) // 2  # one checkpoint: recompute from x_0 every time
        assert revolve_cost(n, n) == n - 1  # enough checkpoints: one forward sweep to x_{n-1}
    assert revolve_cost(1000, 2) > revolve_cost(1000, 3) > revolve_cost(1000, 10) > revolve_cost(1000, 999)


def test_revolve_schedule_counts_equal_formula_table():
    """The table of the notebook: every (n, s) with n ≤ 100 and s ≤ 10."""
    for n in range(1, 101):
        for s in range(1, 11):
            stats = simulate(schedule_revolve(n, s), n)
            assert stats.advances == revolve_cost(n, s), (n, s, stats.advances)
            assert stats.records == n and stats.recomputations == revolve_cost(n, s)
            assert stats.peak_checkpoints <= s and stats.peak_tapes == 1


def test_revolve_is_never_worse_than_the_alternatives():
    for n in [2, 7, 30, 64, 100, 257]:
        # memory-poor = one checkpoint: the same count
        poor = simulate(schedule_recompute_all(n), n)
        assert poor.advances == revolve_cost(n, 1) == simulate(schedule_revolve(n, 1), n).advances
        # store every state (one tape at a time)
        every_state = simulate(schedule_store_all(n, keep_tapes=False), n)
        assert revolve_cost(n, every_state.peak_checkpoints) <= every_state.advances
        # every-k in the same setting (one tape at a time), for every k, with as many checkpoints
        for k in range(1, n + 1):
            stats = simulate(schedule_every_k(n, k, keep_tapes=False), n)
            assert stats.peak_tapes == 1
            assert revolve_cost(n, stats.peak_checkpoints) <= stats.advances, (n, k)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(1, 40))
def test_revolve_property(n, s):
    stats = simulate(schedule_revolve(n, s), n)
    assert stats.advances == revolve_cost(n, s)
    assert stats.peak_checkpoints <= s


def test_sqrt_n_checkpointing():
    """Checkpoint every √n steps: O(√n) states held, about one extra forward sweep."""
    for n in [16, 100, 400, 1000]:
        stats = simulate(schedule_every_k(n), n)
        k = math.isqrt(n - 1) + 1
        assert stats.peak_checkpoints == math.ceil(n / k) and stats.peak_tapes <= k
        assert stats.peak_memory <= 2 * k
        assert n - k <= stats.recomputations < n  # one sweep to the last checkpoint, none other
        vanilla = simulate(schedule_store_all(n), n)
        assert vanilla.recomputations == 0 and vanilla.peak_tapes == n


def test_invalid_schedules_are_rejected():
    with pytest.raises(ValueError, match="current state"):
        simulate([("advance", 2)], 3)
    with pytest.raises(ValueError, match="not a checkpoint"):
        simulate([("restore", 1)], 3)
    with pytest.raises(ValueError, match="adjoint"):
        simulate([("record", 1), ("record", 2), ("backprop", 1)], 2)
    with pytest.raises(ValueError, match="ends before"):
        simulate([("record", 1), ("record", 2), ("backprop", 2)], 2)
    with pytest.raises(ValueError, match="unknown op"):
        simulate([("jump", 1)], 2)
    with pytest.raises(ValueError, match="unknown schedule"):
        make_schedule("magic", 5)
    with pytest.raises(TypeError, match="revolve"):
        make_schedule("revolve", 5)  # s missing
    with pytest.raises(ValueError, match="s must be"):
        schedule_revolve(5, 0)
    with pytest.raises(TypeError, match="n must be an integer"):
        schedule_every_k(5.0)


# ----------------------------------------------------------------------------------------------------------
# B. Executing schedules: exact gradients, honest counters
# ----------------------------------------------------------------------------------------------------------


def make_chain(n, size=6, seed=0):
    rng = np.random.default_rng(seed)
    calls = {"count": 0}

    def step(x, w):
        calls["count"] += 1
        return x + 0.3 * anp.tanh(w * x) * anp.sin(x)

    def last(x, w):
        calls["count"] += 1
        return anp.sum(anp.log1p(anp.square(w * x)))

    steps = [step] * (n - 1) + [last]
    params = list(rng.uniform(0.5, 1.5, size=n))
    return steps, params, rng.normal(size=size), calls


def plain(steps, x0, params):
    x = x0
    for f, w in zip(steps, params):
        x = f(x, w)
    return x


SCHEDULE_CASES = [
    ("store_all", {}),
    ("store_all", {"keep_tapes": False}),
    ("recompute_all", {}),
    ("every_k", {}),
    ("every_k", {"k": 3, "keep_tapes": False}),
    ("revolve", {"s": 1}),
    ("revolve", {"s": 3}),
    ("revolve", {"s": 40}),
]


@pytest.mark.parametrize("n", [1, 2, 13, 40])
@pytest.mark.parametrize("name, options", SCHEDULE_CASES)
def test_every_schedule_gives_the_plain_gradient_bitwise(n, name, options):
    steps, params, x0, calls = make_chain(n)
    g_x0, g_params = adlib.grad(lambda x, ps: plain(steps, x, ps), argnums=(0, 1))(x0, params)
    calls["count"] = 0
    result = chain_grad(steps, x0, params=params, schedule=name, **options)
    assert np.array_equal(result.grad, g_x0)
    assert np.array_equal(np.array(result.param_grads), np.array(g_params))
    assert result.value == plain(steps, x0, params)
    assert calls["count"] == result.stats.forward_steps + n  # + n: the plain evaluation just above
    assert result.stats == simulate(make_schedule(name, n, **options), n)


def test_steps_without_parameters_and_a_cotangent():
    rng = np.random.default_rng(1)
    steps = [anp.sin, anp.tanh, lambda x: x * anp.cos(x), anp.exp]
    x0, cot = rng.normal(size=4), rng.normal(size=4)

    def f(x):
        for s in steps:
            x = s(x)
        return x

    expected = adlib.vjp(f, x0)[1](cot)[0]
    for s in (1, 2, 4):
        result = chain_grad(steps, x0, schedule="revolve", s=s, cotangent=cot)
        assert result.param_grads is None
        np.testing.assert_array_equal(result.grad, expected)
    with pytest.raises(TypeError, match="float scalar"):
        chain_grad(steps, x0, schedule="store_all")  # x_n is a vector and no cotangent is given
    with pytest.raises(ValueError, match="one per step"):
        chain_grad(steps, x0, params=[1.0], schedule="store_all")
    with pytest.raises(TypeError, match="callables"):
        chain_grad([], x0)


def test_memory_in_bytes_follows_the_counted_states():
    """tracemalloc: storing all tapes of a long chain of big states costs far more than revolve with 3."""
    n, size = 60, 20_000
    steps, params, _, _ = make_chain(n, size=size)
    x0 = np.random.default_rng(2).normal(size=size)
    state_bytes = x0.nbytes
    _, vanilla = peak_bytes(chain_grad, steps, x0, params=params, schedule="store_all")
    _, binomial = peak_bytes(chain_grad, steps, x0, params=params, schedule="revolve", s=3)
    assert vanilla > n * state_bytes  # every tape holds at least its input state
    assert binomial < 20 * state_bytes  # 3 checkpoints, one tape, a few temporaries
    assert vanilla > 5 * binomial


# ----------------------------------------------------------------------------------------------------------
# C. checkpoint(f)
# ----------------------------------------------------------------------------------------------------------


def layer(x, w, b):
    return anp.tanh(x @ w + b)


def mlp(x, weights, block):
    for w, b in weights:
        x = block(x, w, b)
    return anp.sum(anp.square(x))


@pytest.fixture
def net():
    rng = np.random.default_rng(3)
    weights = [(rng.normal(size=(8, 8)) / 3, rng.normal(size=8)) for _ in range(6)]
    return rng.normal(size=(5, 8)), weights


def test_checkpoint_same_gradient(net):
    x, weights = net
    block = checkpoint(layer)
    g1 = adlib.grad(mlp, argnums=(0, 1))(x, weights, layer)
    g2 = adlib.grad(mlp, argnums=(0, 1))(x, weights, block)
    np.testing.assert_array_equal(g1[0], g2[0])
    for (a, b), (c, d) in zip(g1[1], g2[1]):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    assert mlp(x, weights, block) == mlp(x, weights, layer)


def test_checkpoint_shortens_the_tape(net):
    x, weights = net
    plain_len = tape_size(lambda x: mlp(x, weights, layer), x)["nodes"]
    ckpt_len = tape_size(lambda x: mlp(x, weights, checkpoint(layer)), x)["nodes"]
    assert ckpt_len == 1 + len(weights) + 2  # input, one node per block, square, sum
    assert plain_len == 1 + 3 * len(weights) + 2  # matmul, add, tanh per layer


def test_checkpoint_runs_f_again_in_the_backward_pass_only_once():
    calls = []

    def f(x, y, z):
        calls.append(1)
        return anp.sin(x) * y + z

    g = adlib.grad(lambda x, y, z: anp.sum(checkpoint(f)(x, y, z)), argnums=(0, 1, 2))(1.0, 2.0, np.ones(3))
    assert len(calls) == 2  # forward, then one recomputation for the three cotangents
    np.testing.assert_allclose(g[0], 3 * 2.0 * np.cos(1.0))
    np.testing.assert_allclose(g[1], 3 * np.sin(1.0))


def test_checkpoint_same_inputs_different_keywords():
    """Both calls get the same adjoint object from `+` and the same x: the keyword still tells them apart."""
    cf = checkpoint(lambda x, scale=1.0: anp.sin(scale * x))
    x = np.linspace(0.0, 1.0, 3)
    g = adlib.grad(lambda x: anp.sum(cf(x, scale=2.0) + cf(x, scale=3.0)))(x)
    np.testing.assert_allclose(g, 2 * np.cos(2 * x) + 3 * np.cos(3 * x), rtol=1e-14)
    g = adlib.grad(lambda x: anp.sum(cf(x, 2.0) + cf(x, 3.0)))(x)
    np.testing.assert_allclose(g, 2 * np.cos(2 * x) + 3 * np.cos(3 * x), rtol=1e-14)


def test_checkpoint_nested_and_forward_mode():
    def f(x):
        return anp.sin(x) * x**2

    cf = checkpoint(f)
    x = np.linspace(-1.0, 2.0, 4)
    for op in (
        lambda h: adlib.hessian(lambda x: anp.sum(h(x)))(x),
        lambda h: adlib.grad(lambda x: anp.sum(adlib.grad(lambda y: anp.sum(h(y)))(x) ** 2))(x),  # grad of grad
        lambda h: adlib.hvp(lambda x: anp.sum(h(x) ** 2), x, np.ones(4)),
        lambda h: adlib.jacfwd(h)(x),
        lambda h: adlib.jacrev(adlib.jacrev(h))(x),
    ):
        np.testing.assert_allclose(op(cf), op(f), rtol=1e-14, atol=1e-14)
    # checkpoint inside checkpoint
    ccf = checkpoint(lambda x: cf(cf(x)))
    np.testing.assert_allclose(
        adlib.grad(lambda x: anp.sum(ccf(x)))(x), adlib.grad(lambda x: anp.sum(f(f(x))))(x), rtol=1e-14
    )


def test_checkpoint_lowers_the_memory_peak():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(200, 100))
    weights = [(rng.normal(size=(100, 100)) / 10, rng.normal(size=100)) for _ in range(16)]

    def segment(x, i):  # layers i … i+3; the int i is a constant for adlib
        for w, b in weights[i : i + 4]:
            x = layer(x, w, b)
        return x

    def loss(x, block):  # 4 segments of 4 layers
        for i in range(0, 16, 4):
            x = block(x, i)
        return anp.sum(anp.square(x))

    g_plain, plain_peak = peak_bytes(adlib.grad(lambda x: loss(x, segment)), x)
    g_ckpt, ckpt_peak = peak_bytes(adlib.grad(lambda x: loss(x, checkpoint(segment))), x)
    np.testing.assert_array_equal(g_plain, g_ckpt)
    assert ckpt_peak < 0.6 * plain_peak


def test_checkpoint_errors():
    with pytest.raises(TypeError, match="function"):
        checkpoint(3)
    with pytest.raises(TypeError, match="single array"):
        adlib.grad(lambda x: checkpoint(lambda x: (x, x))(x)[0])(1.0)


def test_jax_checkpoint_same_gradient(net):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    x, weights = net

    def jlayer(x, w, b):
        return jnp.tanh(x @ w + b)

    def jmlp(x, weights):
        for w, b in weights:
            x = jax.checkpoint(jlayer)(x, w, b)
        return jnp.sum(jnp.square(x))

    ours = adlib.grad(mlp, argnums=(0, 1))(x, weights, checkpoint(layer))
    theirs = jax.grad(jmlp, argnums=(0, 1))(x, weights)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-14)
    for (a, b), (c, d) in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, d, rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------------------------------------
# D. The GPT-2 arithmetic
# ----------------------------------------------------------------------------------------------------------


def test_gpt2_numbers_of_the_lecture():
    report = gpt2_activation_report()  # 1.5 B: hidden 1600, 48 layers, seq 1024, batch 32, fp16
    c = 1600 * 32 * 1024 * 2 / 1e9  # one layer's input, GB
    assert report["store_all_GB"] == pytest.approx(12 * 48 * c)
    assert 59 < report["store_all_GB"] < 61  # "60 GB"
    assert report["k"] == 7  # ⌈√48⌉
    assert report["checkpointed_GB"] == pytest.approx((7 + 7 * 12) * c)  # 7 inputs + one 7-layer segment
    assert report["segment_GB"] == pytest.approx(7 * 12 * c)
    # the optimum of M(k) = ⌈48/k⌉c + 12kc is k = 2 (≈ √(48/12)), 48c ≈ 5 GB
    assert report["k_opt"] == 2 and report["optimal_GB"] == pytest.approx(48 * c)
    assert 4.9 < report["optimal_GB"] < 5.1
    # the lecture's (ZeRO's) "≈ 8 GB": 60 GB / √48 ≈ 8.7
    assert report["rule_of_thumb_GB"] == pytest.approx(report["store_all_GB"] / math.sqrt(48))
    assert 8.6 < report["rule_of_thumb_GB"] < 8.8
    # counted: 42 of the 48 layers run twice (every segment but the last), over 48 forwards + 48 backwards (×2)
    assert report["recomputed_layers"] == 42
    assert report["extra_compute"] == pytest.approx(42 / 144)
    assert report["one_pass_extra"] == pytest.approx(1 / 3)  # "33% more compute": one whole forward pass
    at_opt = gpt2_activation_report(checkpoint_every=2)
    assert at_opt["recomputed_layers"] == 46 and round(100 * at_opt["extra_compute"]) == 32
    assert gpt2_activation_report(checkpoint_every=48)["extra_compute"] == 0  # one segment: nothing recomputed


def test_best_checkpoint_every_minimises_the_memory():
    for layers in [1, 2, 5, 12, 48, 100, 128]:
        for per_layer in [1, 4, 12]:
            k = best_checkpoint_every(layers, per_layer)
            memory = [activation_memory(1, layers, 1, 1, 1, per_layer, checkpoint_every=j)
                      for j in range(1, layers + 1)]
            assert memory[k - 1] == min(memory) and memory.index(min(memory)) == k - 1
    assert best_checkpoint_every(48) == 2 and best_checkpoint_every(48, values_per_layer=1) == 6  # 8 + 6 = 14 = 7 + 7
    # no checkpointing (k = layers) is a candidate: one layer, or two layers whose checkpoint costs as much as a layer
    assert best_checkpoint_every(1) == 1 and best_checkpoint_every(2, values_per_layer=1) == 2
    assert best_checkpoint_every(2) == 1  # 2 inputs + 12 < 24


def test_k_at_least_layers_is_no_checkpointing():
    """The widget's edge settings: k ≥ layers is plain storing (never more memory than store all), and the best k
    never costs more than store all."""
    for layers in [1, 2, 3, 7, 48, 128]:
        full = activation_memory(1600, layers, 1024, 32)
        for k in [layers, layers + 1, 128]:
            assert activation_memory(1600, layers, 1024, 32, checkpoint_every=k) == full
        for k in range(1, 129):
            r = gpt2_activation_report(layers=layers, checkpoint_every=k)
            assert r["checkpointed_GB"] <= r["store_all_GB"] and r["reduction"] >= 1
            assert r["optimal_GB"] <= min(r["checkpointed_GB"], r["store_all_GB"])
    one = gpt2_activation_report(layers=1, checkpoint_every=1)
    assert one["k_opt"] == 1 and one["optimal_GB"] == one["store_all_GB"] == one["checkpointed_GB"]
    assert one["reduction"] == 1 and one["recomputed_layers"] == 0
    with pytest.raises(ValueError, match="values_per_layer"):
        best_checkpoint_every(48, 0)


def test_recomputed_layers_counts_every_segment_but_the_last():
    for layers in [1, 7, 48, 100]:
        for k in [1, 2, 3, 7, 10, layers, layers + 5]:
            last_start = ((layers - 1) // min(k, layers)) * min(k, layers)
            assert recomputed_layers(layers, k) == last_start
    assert recomputed_layers(48, 1) == 47


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4096), st.integers(1, 96), st.integers(1, 4096), st.integers(1, 64), st.integers(1, 96))
def test_activation_memory_properties(hidden, layers, seq, batch, k):
    full = activation_memory(hidden, layers, seq, batch)
    assert full == 24 * hidden * layers * seq * batch
    assert activation_memory(hidden, layers, seq, 2 * batch) == 2 * full  # linear in batch (and seq, hidden)
    ckpt = activation_memory(hidden, layers, seq, batch, checkpoint_every=k)
    assert ckpt <= full + 2 * hidden * seq * batch * math.ceil(layers / k)
    if layers >= 4 and 2 <= k <= layers // 2:
        assert ckpt < full


def test_activation_memory_errors():
    with pytest.raises(ValueError, match="hidden"):
        activation_memory(0, 48, 1024, 32)
    with pytest.raises(TypeError, match="layers"):
        activation_memory(1600, 4.5, 1024, 32)
    with pytest.raises(ValueError, match="positive"):
        activation_memory(1600, 48, 1024, 32, bytes_per_value=0)
    with pytest.raises(ValueError, match="backward_to_forward"):
        gpt2_activation_report(backward_to_forward=-1)


# ----------------------------------------------------------------------------------------------------------
# E. What the animations show
# ----------------------------------------------------------------------------------------------------------


def test_frame_colors_follow_the_machine():
    from adlib.course.checkpointing import frame_colors, key_frames

    n = 3
    frames = key_frames(simulate(schedule_store_all(n), n, frames=True))
    assert [f.action for f in frames] == [("record", 1), ("record", 2), ("record", 3),
                                          ("backprop", 3), ("backprop", 2), ("backprop", 1)]  # fmt: skip
    states, adjoints = frame_colors(frames[2], n)  # all recorded: every state held by a tape, x_3 current
    assert states == ["tape", "tape", "tape", "current"] and adjoints == ["empty", "empty", "empty", "adjoint"]
    states, adjoints = frame_colors(frames[4], n)  # after backprop 2: only step 1's tape is left
    assert states == ["tape", "tape", "empty", "empty"] and adjoints == ["empty", "adjoint", "done", "done"]
    frames = key_frames(simulate(schedule_recompute_all(n), n, frames=True))
    assert frame_colors(frames[0], n)[0] == ["checkpoint", "current", "empty", "empty"]  # advance 1 from x_0


def test_animation_has_one_frame_per_step_of_the_longest_schedule(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from adlib.course import projector
    from adlib.course.checkpointing import animate_schedules

    n = 4
    anim = animate_schedules({"a": schedule_store_all(n), "b": schedule_recompute_all(n)}, n)
    for t in range(anim.frame_count):  # every frame readable on a slide (the longest texts come late)
        anim.draw_frame(t)
        projector.check_readable(anim.fig)
    longest = simulate(schedule_recompute_all(n), n)
    assert anim.frame_count == longest.forward_steps + n  # evaluations + backward steps
    html = anim.to_jshtml(fps=2, dpi=40)
    assert html.count("data:image/png;base64") == anim.frame_count
    anim.save_gif(tmp_path / "a.gif", dpi=40)
    assert (tmp_path / "a.gif").read_bytes().startswith(b"GIF8")
    plt.close(anim.fig)


def test_plot_schedules_draws_the_four_schedules():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from adlib.course.checkpointing import plot_schedules

    n, s = 9, 2
    from adlib.course import projector

    fig = plot_schedules(n, s=s, suptitle="four schedules")
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    projector.check_readable(fig)
    assert fig.get_figwidth() * fig.dpi <= projector.CONTENT_WIDTH_PX
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[2].startswith("every √n = 3 steps") and titles[3].startswith(f"binomial, s = {s}")
    extra = simulate(schedule_recompute_all(n), n).recomputations
    assert f"(extra {extra})" in titles[1]
    plt.close(fig)
    with pytest.raises(ValueError, match="n must be"):
        plot_schedules(0)
    with pytest.raises(TypeError, match="s must be an integer"):
        plot_schedules(8, s=2.5)
