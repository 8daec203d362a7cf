"""What notebook 07 (backprop through a feed-forward net) needs besides the backprop itself: a seeded toy data set,
initial weights, and the table of shapes and memory that its widget shows.

The network of the lecture (Рис. 27): ``v_0 = x`` (a batch, ``b × n_0``), ``v_k = σ(v_{k−1} w_k)`` with ``w_k`` of
shape ``n_{k−1} × n_k``, ``L = L(v_t)``. The hand-written forward and backward passes stay in the notebook: they
*are* the lesson.
"""

import numpy as np

from .i18n import tr

__all__ = [
    "two_spirals", "one_hot", "init_weights", "parse_widths", "layer_table", "memory_summary", "format_bytes",
    "shapes_table", "plot_memory",
]  # fmt: skip


def two_spirals(n_per_class=200, turns=1.5, noise=0.08, seed=0, r_min=0.05, rng=None):
    """Two interleaved spirals in the plane, a classic toy problem that a linear model cannot solve.

    Point ``i`` belongs to class ``c = i mod 2`` (the classes alternate, so any prefix is balanced): with ``s``
    uniform on ``[r_min, 1]`` (the points spread along the arm), the angle ``θ = 2π·turns·s``, radius ``r = s``,
    position ``(r cos(θ + cπ), r sin(θ + cπ))`` plus Gaussian noise of standard deviation ``noise``. Returns ``X``
    of shape ``(2·n_per_class, 2)`` and integer labels ``y``. ``seed`` fixes everything; pass ``rng`` (a
    ``numpy.random.Generator``) instead to draw from a stream that goes on afterwards (notebook 08's MLP draws its
    weights from it)."""
    if not isinstance(n_per_class, int | np.integer) or n_per_class < 1:
        raise ValueError(f"two_spirals: n_per_class must be a positive integer, got {n_per_class!r}")
    if not turns > 0 or not noise >= 0 or not 0 <= r_min < 1:
        raise ValueError(f"two_spirals: turns must be > 0, noise ≥ 0 and 0 ≤ r_min < 1, got turns={turns!r}, "
                         f"noise={noise!r}, r_min={r_min!r}")
    rng = np.random.default_rng(seed) if rng is None else rng
    n = 2 * int(n_per_class)
    y = np.arange(n) % 2
    theta = rng.uniform(r_min, 1.0, n) * (2 * turns) * np.pi  # = 2π·turns·s
    side = np.where(y == 0, 1.0, -1.0)  # cos(θ + π) = −cos θ: class 1 is class 0 turned by π
    X = np.column_stack([theta * np.cos(theta) * side, theta * np.sin(theta) * side]) / ((2 * turns) * np.pi)
    return X + noise * rng.standard_normal((n, 2)), y


def one_hot(y, k):
    """Labels ``0 … k−1`` as the rows of the identity: shape ``(len(y), k)``."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or (y.size and (y.min() < 0 or y.max() >= k)):
        raise ValueError(f"one_hot expects a 1-D array of integer labels in 0…{k - 1}")
    return np.eye(k)[y]


def parse_widths(widths):
    """``[n_0, n_1, …, n_t]`` from a list of positive integers or a string like ``"3, 32, 32, 2"``."""
    if isinstance(widths, str):
        try:
            widths = [int(w) for w in widths.replace(",", " ").split()]
        except ValueError:
            raise ValueError(f"layer widths must be integers separated by commas, got {widths!r}") from None
    widths = list(widths)
    if len(widths) < 2 or not all(isinstance(w, int | np.integer) and not isinstance(w, bool) and w >= 1
                                  for w in widths):
        raise ValueError(f"layer widths must be ≥ 2 positive integers [n_0, …, n_t], got {widths!r}")
    return [int(w) for w in widths]


def init_weights(widths, seed=0):
    """``[w_1, …, w_t]`` with ``w_k`` of shape ``(n_{k−1}, n_k)``, entries ``N(0, 1/n_{k−1})`` (so that a tanh
    layer keeps its inputs' scale)."""
    widths = parse_widths(widths)
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


def layer_table(b, widths, itemsize=8):
    """The shapes of everything backprop touches, layer by layer, and what storing it costs.

    For each ``k = 1 … t`` a dict with the shapes (tuples) of ``v_{k−1}`` (``b × n_{k−1}``), ``w_k``
    (``n_{k−1} × n_k``), ``v_k`` and ``∂L/∂v_k`` (``b × n_k``), ``∂L/∂w_k`` (``n_{k−1} × n_k``), the per-example
    Jacobian ``∂v_k/∂v_{k−1}`` (``n_k × n_{k−1}``), and bytes: ``stored`` (the activation ``v_k`` kept for the
    backward pass), ``weights``, and ``jacobians`` — the ``b`` per-example Jacobians ``∂v_k/∂v_{k−1}`` (what
    ``jax.vmap(jax.jacrev(layer))`` returns, ``b × n_k × n_{k−1}``), which backprop never forms: it applies
    ``diag(σ'(z_k)) w_kᵀ`` from the stored ``v_k`` and the shared ``w_k``. (The Jacobian of the whole batch, one
    ``(b·n_k) × (b·n_{k−1})`` matrix, is block diagonal with exactly these ``b`` blocks.)"""
    if not isinstance(b, int | np.integer) or isinstance(b, bool) or b < 1:
        raise ValueError(f"layer_table: the batch size b must be a positive integer, got {b!r}")
    widths = parse_widths(widths)
    rows = []
    for k in range(1, len(widths)):
        n_in, n_out = widths[k - 1], widths[k]
        rows.append({
            "k": k,
            "v_in": (b, n_in),
            "w": (n_in, n_out),
            "v_out": (b, n_out),
            "dL_dv": (b, n_out),
            "dL_dw": (n_in, n_out),
            "jacobian_per_sample": (n_out, n_in),
            "stored": b * n_out * itemsize,
            "weights": n_in * n_out * itemsize,
            "jacobians": b * n_out * n_in * itemsize,
        })
    return rows


def memory_summary(b, widths, itemsize=8):
    """Totals over :func:`layer_table`: bytes of the stored activations ``v_0 … v_t`` (``b·Σ n_k`` numbers), of the
    weights, and of the per-example Jacobians backprop avoids forming (``b·Σ n_k n_{k−1}`` numbers). Both the
    activations and the Jacobians grow linearly in ``b``; their ratio depends on the widths only."""
    rows = layer_table(b, widths, itemsize)
    n0 = parse_widths(widths)[0]
    return {
        "activations": b * n0 * itemsize + sum(r["stored"] for r in rows),
        "weights": sum(r["weights"] for r in rows),
        "jacobians": sum(r["jacobians"] for r in rows),
    }


def format_bytes(n, lang=None):
    """``16384`` -> ``'16.4 kB'`` (``'16.4 кБ'`` in Russian): decimal (SI) units, 1 kB = 1000 bytes, as notebook 08
    prints them; whole bytes below 1 kB."""
    if not isinstance(n, int | float | np.integer | np.floating) or isinstance(n, bool) or n < 0:
        raise ValueError(f"format_bytes expects a non-negative number of bytes, got {n!r}")
    units = tr("B kB MB GB TB", "Б кБ МБ ГБ ТБ", lang).split()
    for k, unit in enumerate(units):
        if n < 1000 or k == len(units) - 1:
            return f"{n:.0f} {unit}" if k == 0 else f"{n:.1f} {unit}"
        n /= 1000


def shapes_table(b, widths, itemsize=8, lang=None):
    """:func:`layer_table` and :func:`memory_summary` as a plain-text table (what notebook 07 prints), in the
    notebook's language (or ``lang``)."""
    widths = parse_widths(widths)
    rows = layer_table(b, widths, itemsize)
    stored, jacobians = tr("stored v_k", "хран. v_k", lang), tr("b Jacobians", "b якобианов", lang)
    lines = [tr(f"widths n = {widths}, batch b = {b}", f"ширины n = {widths}, батч b = {b}", lang),
             f"{'k':>2}  {'v_k-1':>11} {'w_k':>11} {'v_k, ∂L/∂v_k':>13} {'∂L/∂w_k':>11} {'∂v_k/∂v_k-1':>12}"
             f" {stored:>11} {jacobians:>12}"]
    for r in rows:
        lines.append(f"{r['k']:>2}  {str(r['v_in']):>11} {str(r['w']):>11} {str(r['v_out']):>13} "
                     f"{str(r['dL_dw']):>11} {str(r['jacobian_per_sample']):>12} {format_bytes(r['stored'], lang):>11} "
                     f"{format_bytes(r['jacobians'], lang):>12}")
    total = memory_summary(b, widths, itemsize)
    activations, weights, jac = (format_bytes(total[k], lang) for k in ("activations", "weights", "jacobians"))
    lines.append(tr(f"stored activations v_0…v_{len(rows)}: {activations};  weights: {weights};  "
                    f"per-example Jacobians, if formed: {jac}",
                    f"хранимые активации v_0…v_{len(rows)}: {activations};  веса: {weights};  "
                    f"якобианы по примерам, если их формировать: {jac}", lang))
    return "\n".join(lines)


def plot_memory(b, widths, ax=None, b_max=10_000, itemsize=8, lang=None):
    """Bytes against the batch size (log–log, ``1 … b_max``) for the network ``widths``: the per-example Jacobians
    backprop never forms, the activations it stores (both ∝ b, a constant factor apart) and the weights (no b); a
    dotted line marks ``b``. Texts in the notebook's language (or ``lang``). Returns the axes."""
    import matplotlib.pyplot as plt  # only here: the rest of the module needs nothing but NumPy

    widths = parse_widths(widths)
    if not isinstance(b, int | np.integer) or isinstance(b, bool) or b < 1:
        raise ValueError(f"plot_memory: the batch size b must be a positive integer, got {b!r}")
    ax = ax if ax is not None else plt.gca()
    bs = np.unique(np.logspace(0, np.log10(b_max), 30).astype(int))
    totals = [memory_summary(int(bb), widths, itemsize) for bb in bs]
    ax.loglog(bs, [m["jacobians"] for m in totals], color="tab:red",
              label=tr("per-example Jacobians ∝ b", "якобианы по примерам ∝ b", lang))
    ax.loglog(bs, [m["activations"] for m in totals], color="tab:blue",
              label=tr("stored activations ∝ b", "хранимые активации ∝ b", lang))
    ax.loglog(bs, [m["weights"] for m in totals], color="gray", ls="--",
              label=tr("weights (no b)", "веса (не зависят от b)", lang))
    ax.axvline(b, color="gray", ls=":", label=f"b = {b}")
    ax.set_xlabel(tr("batch size b", "размер батча b", lang))
    ax.set_ylabel(tr(f"bytes (itemsize {itemsize})", f"байт (элемент — {itemsize} байт)", lang) if itemsize != 8
                  else tr("bytes (float64)", "байт (float64)", lang))
    ax.set_title(tr(f"memory for widths {widths}", f"память для ширин {widths}", lang))
    ax.legend(fontsize=10, loc="upper left")
    return ax
