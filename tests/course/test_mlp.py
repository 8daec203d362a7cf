"""``adlib.course.mlp``: the data set, the weights and the shape/memory table of notebook 07."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib.course.mlp import (
    format_bytes,
    init_weights,
    layer_table,
    memory_summary,
    one_hot,
    parse_widths,
    plot_memory,
    shapes_table,
    two_spirals,
)


def test_two_spirals_is_seeded_balanced_and_not_linearly_separable():
    X, y = two_spirals(100, seed=3)
    assert X.shape == (200, 2) and y.shape == (200,) and list(np.bincount(y)) == [100, 100]
    X2, y2 = two_spirals(100, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(two_spirals(100, seed=4)[0], X)
    # the best least-squares linear classifier misclassifies a good part of the points
    A = np.hstack([X, np.ones((200, 1))])
    w = np.linalg.lstsq(A, 2.0 * y - 1, rcond=None)[0]
    assert np.mean((A @ w > 0) == y) < 0.8
    # without noise every point lies on its arm, at a radius in [0.05, 1]
    X0, y0 = two_spirals(50, noise=0.0, seed=0)
    radii = np.sort(np.linalg.norm(X0, axis=1)[y0 == 0])
    assert radii.min() >= 0.05 - 1e-12 and radii.max() <= 1.0 + 1e-12


@pytest.mark.parametrize("bad", [{"n_per_class": 0}, {"n_per_class": 2.5}, {"turns": 0}, {"noise": -1}])
def test_two_spirals_errors(bad):
    with pytest.raises(ValueError, match="two_spirals"):
        two_spirals(**{"n_per_class": 10, **bad})


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([1, 0, 2]), 3), [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    for bad in [np.array([0, 3]), np.array([-1]), np.array([0.5]), np.zeros((2, 2), int)]:
        with pytest.raises(ValueError, match="integer labels"):
            one_hot(bad, 3)


def test_parse_widths_and_init_weights():
    assert parse_widths("3, 32,32 ,2") == [3, 32, 32, 2]
    assert parse_widths((4, 1)) == [4, 1]
    for bad in ["3", "3, x, 2", [3], [3, 0, 2], [3, 2.0], [True, 2]]:
        with pytest.raises(ValueError, match="widths"):
            parse_widths(bad)
    ws = init_weights([3, 50, 40, 2], seed=0)
    assert [w.shape for w in ws] == [(3, 50), (50, 40), (40, 2)]
    np.testing.assert_array_equal(ws[1], init_weights([3, 50, 40, 2], seed=0)[1])
    assert 0.7 < np.std(ws[1]) * np.sqrt(50) < 1.3  # N(0, 1/n_{k-1})


@settings(max_examples=30, deadline=None)
@given(b=st.integers(1, 9), widths=st.lists(st.integers(1, 7), min_size=2, max_size=5))
def test_layer_table_shapes_are_the_shapes_backprop_produces(b, widths):
    """Every shape of the table is the shape of the real tensor: v_k and w_k from a forward pass, ∂L/∂w_k from
    adlib.grad, ∂L/∂v_k from adlib.grad with respect to the activations, the per-example Jacobian from jacrev."""
    rows = layer_table(b, widths)
    ws = init_weights(widths, seed=0)
    x = np.random.default_rng(0).standard_normal((b, widths[0]))
    vs = [x]
    for w in ws:
        vs.append(np.tanh(vs[-1] @ w))
    grads = adlib.grad(lambda ws: anp.sum(_net(ws, x) ** 2))(ws)
    assert len(rows) == len(ws)
    for r, w, g, v_in, v_out in zip(rows, ws, grads, vs[:-1], vs[1:]):
        k = r["k"]
        assert r["w"] == w.shape and r["dL_dw"] == g.shape
        assert r["v_in"] == v_in.shape and r["v_out"] == r["dL_dv"] == v_out.shape
        J = adlib.jacrev(lambda v, w=w: anp.tanh(v @ w))(v_in[0])
        assert r["jacobian_per_sample"] == J.shape
        assert r["stored"] == v_out.nbytes and r["weights"] == w.nbytes
        per_example = np.stack([adlib.jacrev(lambda v, w=w: anp.tanh(v @ w))(v) for v in v_in])  # b × n_k × n_{k-1}
        assert r["jacobians"] == per_example.nbytes
        assert k == len([q for q in rows if q["k"] <= k])
    total = memory_summary(b, widths)
    assert total["activations"] == sum(v.nbytes for v in vs)
    assert total["weights"] == sum(w.nbytes for w in ws)
    assert total["jacobians"] == sum(r["jacobians"] for r in rows)


def _net(ws, x):
    v = x
    for w in ws:
        v = anp.tanh(v @ w)
    return v


def test_memory_of_activations_and_of_per_example_jacobians_grows_linearly():
    small, big = memory_summary(10, [3, 32, 2]), memory_summary(1000, [3, 32, 2])
    assert big["activations"] == 100 * small["activations"]
    assert big["jacobians"] == 100 * small["jacobians"]  # b blocks n_k × n_{k-1}: linear in b, too
    assert small["jacobians"] == 10 * (32 * 3 + 2 * 32) * 8 and small["activations"] == 10 * (3 + 32 + 2) * 8
    assert big["weights"] == small["weights"]
    assert memory_summary(10, [3, 32, 2], itemsize=4)["activations"] * 2 == small["activations"]


def test_the_batch_jacobian_is_block_diagonal_with_the_per_example_blocks():
    """The (b·n_k) × (b·n_{k-1}) Jacobian of a layer over the whole batch: its b diagonal blocks are the per-example
    Jacobians that layer_table counts, everything else is zero."""
    b, widths = 3, [4, 5]
    (w,) = init_weights(widths, seed=2)
    v = np.random.default_rng(0).standard_normal((b, 4))
    J = adlib.jacrev(lambda x: anp.tanh(x.reshape(b, 4) @ w).reshape(-1))(v.reshape(-1))
    blocks = np.zeros_like(J)
    for i in range(b):
        blocks[5 * i:5 * (i + 1), 4 * i:4 * (i + 1)] = adlib.jacrev(lambda x: anp.tanh(x @ w))(v[i])
    np.testing.assert_allclose(J, blocks, rtol=1e-13, atol=1e-15)
    assert layer_table(b, widths)[0]["jacobians"] == b * 5 * 4 * 8


def test_format_bytes_and_shapes_table():
    # decimal units (1 kB = 1000 B), as notebook 08 prints them
    assert format_bytes(512) == "512 B" and format_bytes(999) == "999 B" and format_bytes(1000) == "1.0 kB"
    assert format_bytes(16384, lang="ru") == "16.4 кБ"
    assert format_bytes(16384) == "16.4 kB" and format_bytes(3 * 10**6) == "3.0 MB"
    assert format_bytes(10**18) == "1000000.0 TB"
    with pytest.raises(ValueError, match="non-negative"):
        format_bytes(-1)
    text = shapes_table(64, [3, 32, 32, 2])
    lines = text.splitlines()
    assert lines[0] == "widths n = [3, 32, 32, 2], batch b = 64" and len(lines) == 2 + 3 + 1
    assert "(64, 3)" in lines[2] and "(3, 32)" in lines[2] and "(32, 3)" in lines[2] and "49.2 kB" in lines[2]
    # activations: 64·(3 + 32 + 32 + 2)·8 = 35328 bytes; Jacobians: 64·(96 + 1024 + 64)·8 = 606208 bytes
    assert lines[-1].startswith("stored activations v_0…v_3: 35.3 kB") and "606.2 kB" in lines[-1]


@pytest.mark.parametrize("bad", [0, -3, 2.0, True])
def test_layer_table_errors(bad):
    with pytest.raises(ValueError, match="batch size"):
        layer_table(bad, [3, 2])


def test_plot_memory_draws_the_summary_readably():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from adlib.course import projector

    projector.use()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    assert plot_memory(64, [3, 32, 32, 2], ax=ax) is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    jac, act, wts = (lines[k] for k in ["per-example Jacobians ∝ b", "stored activations ∝ b", "weights (no b)"])
    bs = jac.get_xdata()
    assert bs[0] == 1 and bs[-1] == 10_000 and list(lines["b = 64"].get_xdata()) == [64, 64]
    i = list(bs).index(1)
    assert jac.get_ydata()[i] == memory_summary(1, [3, 32, 32, 2])["jacobians"] == (96 + 1024 + 64) * 8
    np.testing.assert_allclose(jac.get_ydata() / act.get_ydata(), 1184 / 69)  # a constant ratio: both ∝ b
    assert len(set(wts.get_ydata())) == 1
    projector.check_readable(fig)
    with pytest.raises(ValueError, match="batch size"):
        plot_memory(0, [3, 2], ax=ax)
    plt.close(fig)
