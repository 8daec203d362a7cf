"""Gradient checkpointing: trading recomputation for the memory of reverse mode.

Reverse mode keeps every intermediate value of the forward pass until the backward sweep has used it: its price
is memory (lecture, «Обратный режим»). Checkpointing keeps only *some* states and recomputes the others when
the backward sweep needs them. This module makes the trade visible and countable on a **chain**

    x_0 → x_1 = f_1(x_0) → x_2 = f_2(x_1) → … → x_n = f_n(x_{n-1})        (x_n: a scalar loss)

(the layers of a network; each ``f_k`` written with ``adlib.numpy``, optionally with its own parameters
``w_k``: ``f_k(x, w_k)``).

The schedule is data
--------------------
A schedule is a list of actions, ``(op, j)``, for a small machine that has one *current* state, a set of
*checkpoints* (stored states) and a set of *tapes* (steps recorded by ``adlib.vjp``, waiting for their
backward sweep):

=============  ===================================================================================
``advance j``  ``x_j = f_j(x_{j-1})`` on plain values, no tape (a forward step that is *not* recorded)
``store j``    keep the current state ``x_j`` as a checkpoint
``restore j``  make the checkpoint ``x_j`` the current state
``free j``     drop the checkpoint ``x_j``
``record j``   ``x_j, vjp_j = adlib.vjp(f_j, x_{j-1})``: the step evaluated *with* its tape
``backprop j`` ``x̄_{j-1} = vjp_j(x̄_j)`` (and ``w̄_j``); the tape of step ``j`` is dropped
=============  ===================================================================================

:func:`simulate` runs a schedule without computing anything (counts, peaks, and the frames of the animations);
:func:`chain_grad` runs it on real steps. Four schedules are built in (:func:`make_schedule`):

* ``store_all`` — plain reverse mode: record every step, then sweep back (``keep_tapes=False``: store every
  state instead and record each step on the way back, the Griewank–Walther version of "store everything");
* ``recompute_all`` — the memory-poor extreme: keep only ``x_0``; for every backward step recompute the chain
  from the start (n(n−1)/2 extra steps);
* ``every_k`` — a checkpoint every ``k`` steps (``k = ⌈√n⌉`` by default): O(√n) memory for about one extra
  forward sweep;
* ``revolve`` — the binomial schedule of Griewank & Walther (2000), optimal for a given number ``s`` of
  checkpoints.

Counting convention (the one of Griewank & Walther)
---------------------------------------------------
Reversing step ``j`` evaluates ``f_j`` once with its tape (``record j``); that makes ``n`` recorded evaluations,
exactly what plain reverse mode does. Everything else is an ``advance``: an evaluation done *only* to reach a
state, including the first forward sweep. So

    forward steps = advances + n,      recomputations := forward steps − n = advances,

and the binomial schedule with ``s`` checkpoints (the slot holding ``x_0`` included; at most one tape at a time)
does exactly ``t(n, s) = r·n − β(s+1, r−1)`` advances, ``β(s, r) = C(s+r, s)``, ``r`` the smallest integer with
``β(s, r) ≥ n``: :func:`revolve_cost`. No schedule with ``s`` checkpoints and one tape at a time does fewer.

``checkpoint(f)`` (like ``jax.checkpoint``) is the same idea inside any function: ``f`` runs forward without
recording its internals (one node on the tape) and is re-run under ``adlib.vjp`` when the backward sweep
reaches it.
"""

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from ..core import unbox
from ..custom import checkpoint  # noqa: F401  (the library function; this module is its lesson)
from ..differential_operators import vjp
from .i18n import player_html, plural_ru, tr
from .measure import check_int

__all__ = [
    "beta", "repetition_number", "revolve_cost", "SCHEDULES", "make_schedule", "schedule_store_all",
    "schedule_recompute_all", "schedule_every_k", "schedule_revolve", "Stats", "Frame", "simulate",
    "ChainResult", "chain_grad", "checkpoint", "activation_memory",
    "best_checkpoint_every", "recomputed_layers", "gpt2_activation_report", "frame_colors", "animate_schedules",
    "ScheduleAnimation", "draw_space_time", "plot_schedules",
]  # fmt: skip


# ----------------------------------------------------------------------------------------------------------
# The binomial formula (Griewank & Walther 2000)
# ----------------------------------------------------------------------------------------------------------


def beta(s, r):
    """``β(s, r) = C(s + r, s)``: the longest chain that ``s`` checkpoints reverse with each step advanced at
    most ``r`` times."""
    s, r = check_int("beta", "s", s, minimum=0), check_int("beta", "r", r, minimum=0)
    return math.comb(s + r, s)


def repetition_number(n, s):
    """The smallest ``r`` with ``β(s, r) ≥ n``: how often the most-recomputed step is advanced."""
    n, s = check_int("repetition_number", "n", n, minimum=1), check_int("repetition_number", "s", s, minimum=1)
    r = 0
    while beta(s, r) < n:
        r += 1
    return r


@functools.cache
def _t(n, s):
    r = repetition_number(n, s)
    return r * n - beta(s + 1, r - 1) if r > 0 else 0


def revolve_cost(n, s):
    """``t(n, s) = r·n − β(s+1, r−1)``: the minimal number of advances (forward steps besides the ``n``
    recorded ones) that reverse a chain of ``n`` steps with ``s`` checkpoints (``x_0``'s included)."""
    return _t(check_int("revolve_cost", "n", n, minimum=1), check_int("revolve_cost", "s", s, minimum=1))


# ----------------------------------------------------------------------------------------------------------
# Schedules: lists of actions
# ----------------------------------------------------------------------------------------------------------


class _Writer:
    """Appends actions and remembers which state is current, so that no schedule restores needlessly."""

    def __init__(self):
        self.actions, self.current = [], 0

    def emit(self, op, j):
        self.actions.append((op, j))
        if op in ("advance", "record", "restore"):
            self.current = j
        elif op == "backprop" and self.current == j:
            self.current = None

    def goto(self, a):
        if self.current != a:
            self.emit("restore", a)

    def advance(self, a, b, store=False):
        for j in range(a + 1, b + 1):
            self.emit("advance", j)
            if store:
                self.emit("store", j)

    def reverse_one(self, j):
        self.goto(j - 1)
        self.emit("record", j)
        self.emit("backprop", j)


def schedule_store_all(n, keep_tapes=True):
    """Plain reverse mode (``keep_tapes``): record all n steps, then sweep back; 0 recomputations, n tapes.
    ``keep_tapes=False``: store all states ``x_0 … x_{n-1}`` instead and record each step on the way back."""
    n = check_int("schedule_store_all", "n", n, minimum=1)
    w = _Writer()
    if keep_tapes:
        for j in range(1, n + 1):
            w.emit("record", j)
        for j in range(n, 0, -1):
            w.emit("backprop", j)
        return w.actions
    w.emit("store", 0)
    w.advance(0, n - 1, store=True)
    for j in range(n, 0, -1):
        w.reverse_one(j)
        w.emit("free", j - 1)
    return w.actions


def schedule_recompute_all(n):
    """Memory-poor reverse mode: only ``x_0`` is kept; step ``j`` is reached by recomputing from ``x_0``."""
    n = check_int("schedule_recompute_all", "n", n, minimum=1)
    actions = [("store", 0)]
    for j in range(n, 0, -1):
        if j < n:  # the working state was dropped by the previous backprop
            actions.append(("restore", 0))
        actions += [("advance", i) for i in range(1, j)]
        actions += [("record", j), ("backprop", j)]
    actions.append(("free", 0))
    return actions


def schedule_every_k(n, k=None, keep_tapes=True):
    """A checkpoint every ``k`` steps (default ``⌈√n⌉``). The forward sweep stores ``x_0, x_k, x_2k, …``; the
    backward sweep re-runs one segment at a time from its checkpoint. ``keep_tapes``: the segment is recorded
    (≤ k tapes, as in Chen et al. 2016 and ``jax.checkpoint``); otherwise its states are stored and each step
    recorded on the way back (one tape at a time, Griewank–Walther's setting)."""
    n = check_int("schedule_every_k", "n", n, minimum=1)
    k = math.isqrt(n - 1) + 1 if k is None else check_int("schedule_every_k", "k", k, minimum=1)
    w = _Writer()
    starts = list(range(0, n, k))
    w.emit("store", 0)
    for a, b in zip(starts, starts[1:]):
        w.advance(a, b)
        w.emit("store", b)
    for a in reversed(starts):
        b = min(a + k, n)
        w.goto(a)
        if keep_tapes:
            for j in range(a + 1, b + 1):
                w.emit("record", j)
            for j in range(b, a, -1):
                w.emit("backprop", j)
        else:
            w.advance(a, b - 1, store=True)
            for j in range(b, a, -1):
                w.reverse_one(j)
                if j - 1 > a:
                    w.emit("free", j - 1)
        w.emit("free", a)
    return w.actions


def _cost_of_split(m, s, m_hat):
    return m_hat + _t(m - m_hat, s - 1) + _t(m_hat, s)


def _best_split(m, s):
    """The first step ``m̂`` to advance before storing the next checkpoint. The cost ``m̂ + t(m−m̂, s−1) +
    t(m̂, s)`` is convex in ``m̂`` (``t`` is piecewise linear with growing slopes ``r``): bisect its slope."""
    lo, hi = 1, m - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _cost_of_split(m, s, mid + 1) < _cost_of_split(m, s, mid):
            lo = mid + 1
        else:
            hi = mid
    return lo


def schedule_revolve(n, s):
    """The binomial schedule for ``n`` steps and ``s ≥ 1`` checkpoints: advance ``m̂`` steps, store, reverse the
    right part with one checkpoint fewer, then the left part with all ``s``; ``m̂`` chosen so that the total
    number of advances is ``t(n, s)`` (:func:`revolve_cost`)."""
    n, s = check_int("schedule_revolve", "n", n, minimum=1), check_int("schedule_revolve", "s", s, minimum=1)
    w = _Writer()

    # Tasks on a stack instead of recursion (the right parts nest s deep): ("reverse", a, m, s) reverses steps
    # a+1 … a+m, x_a being checkpointed, with at most s checkpoints (x_a's included); ("free", j) drops x_j.
    w.emit("store", 0)
    tasks = [("reverse", 0, n, s)]
    while tasks:
        task = tasks.pop()
        if task[0] == "free":
            w.emit("free", task[1])
            continue
        _, a, m, s = task
        if m == 1:
            w.reverse_one(a + 1)
        elif s == 1:  # no room for another checkpoint: recompute from x_a for every step
            for j in range(a + m, a, -1):
                w.goto(a)
                w.advance(a, j - 1)
                w.reverse_one(j)
        else:
            m_hat = _best_split(m, s)
            w.goto(a)
            w.advance(a, a + m_hat)
            w.emit("store", a + m_hat)
            # first the right part with one checkpoint fewer, then free its checkpoint, then the left part
            tasks += [("reverse", a, m_hat, s), ("free", a + m_hat), ("reverse", a + m_hat, m - m_hat, s - 1)]
    w.emit("free", 0)
    return w.actions


SCHEDULES = {
    "store_all": schedule_store_all,
    "recompute_all": schedule_recompute_all,
    "every_k": schedule_every_k,
    "revolve": schedule_revolve,
}


def make_schedule(name, n, **options):
    """``make_schedule("revolve", n, s=4)``, ``make_schedule("every_k", n, k=10)``, … (see ``SCHEDULES``)."""
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    try:
        return SCHEDULES[name](n, **options)
    except TypeError as e:
        if "unexpected keyword" in str(e) or "missing" in str(e):
            raise TypeError(f"schedule {name!r}: {e}") from None
        raise


# ----------------------------------------------------------------------------------------------------------
# The machine: simulate a schedule (counts, peaks, frames) or execute it
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The machine after one action: what is held at that moment (for the animations)."""

    action: tuple
    checkpoints: frozenset
    tapes: frozenset
    current: int | None
    adjoint: int | None  # the index j of the adjoint x̄_j held (None before the backward sweep starts)


@dataclass
class Stats:
    """What a schedule costs. ``forward_steps = advances + records``; ``recomputations = forward_steps − n``
    (the work beyond plain reverse mode); memory is counted in stored states: ``peak_memory`` is the largest
    number of checkpoints plus tapes held at the same time (the current state is not counted)."""

    n: int
    advances: int = 0
    records: int = 0
    peak_checkpoints: int = 0
    peak_tapes: int = 0
    peak_memory: int = 0
    frames: list = field(default_factory=list, repr=False)

    @property
    def forward_steps(self):
        return self.advances + self.records

    @property
    def recomputations(self):
        return self.forward_steps - self.n


def _machine(actions, n, engine=None, frames=False):
    """Run ``actions`` on a chain of ``n`` steps, checking each one; ``engine`` does the arithmetic (or None)."""
    n = check_int("_machine", "n", n, minimum=1)
    stats = Stats(n)
    checkpoints, tapes, current, adjoint = set(), set(), 0, None

    def bad(k, op, j, why):
        raise ValueError(f"invalid schedule: action {k} ({op} {j}): {why}")

    for k, action in enumerate(actions):
        if type(action) is not tuple or len(action) != 2:
            raise TypeError(f"invalid schedule: action {k} is {action!r}, not a pair (op, j)")
        op, j = action
        if (type(j) is not int and not isinstance(j, np.integer)) or not 0 <= j <= n:
            bad(k, op, j, f"j must be an integer in 0 … {n}")
        if op in ("advance", "record"):
            if j == 0 or current != j - 1:
                bad(k, op, j, f"needs x_{j - 1} as the current state, but the current state is x_{current}")
            if op == "advance":
                if j == n:
                    bad(k, op, j, "the last step is only ever recorded: its output is the loss")
                stats.advances += 1
            else:
                if j in tapes:
                    bad(k, op, j, "this step is already recorded")
                stats.records += 1
                tapes.add(j)
                if j == n:
                    adjoint = n
            current = j
        elif op == "store":
            if current != j:
                bad(k, op, j, f"only the current state (x_{current}) can be stored")
            checkpoints.add(j)
        elif op == "restore":
            if j not in checkpoints:
                bad(k, op, j, f"x_{j} is not a checkpoint (checkpoints: {sorted(checkpoints)})")
            current = j
        elif op == "free":
            if j not in checkpoints:
                bad(k, op, j, f"x_{j} is not a checkpoint")
            checkpoints.discard(j)
        elif op == "backprop":
            if j not in tapes:
                bad(k, op, j, "this step has no tape: record it first")
            if adjoint != j:
                bad(k, op, j, f"needs the adjoint x̄_{j}, but the adjoint held is {adjoint}")
            tapes.discard(j)
            adjoint = j - 1
            if current == j:
                current = None
        else:
            raise ValueError(f"invalid schedule: action {k} has unknown op {op!r}")
        if engine is not None:
            engine(op, j)
        if op == "store" or op == "record":  # the only actions that hold more
            stats.peak_checkpoints = max(stats.peak_checkpoints, len(checkpoints))
            stats.peak_tapes = max(stats.peak_tapes, len(tapes))
            stats.peak_memory = max(stats.peak_memory, len(checkpoints) + len(tapes))
        if frames:
            stats.frames.append(Frame(action, frozenset(checkpoints), frozenset(tapes), current, adjoint))
    if adjoint != 0 or tapes:
        raise ValueError(f"invalid schedule: it ends before the backward sweep reaches x_0 (adjoint at {adjoint})")
    return stats


def simulate(actions, n, frames=False):
    """The cost of a schedule without computing anything: a :class:`Stats` (and its frames if asked)."""
    return _machine(actions, n, frames=frames)


@dataclass
class ChainResult:
    value: object  # the loss x_n
    grad: object  # ∂L/∂x_0
    param_grads: list | None  # ∂L/∂w_k, k = 1 … n (None when the steps take no parameters)
    stats: Stats


def chain_grad(steps, x0, params=None, schedule="revolve", cotangent=None, **options):
    """The gradient of ``x_n`` with respect to ``x_0`` (and each ``w_k``) for the chain ``x_k = f_k(x_{k-1})``
    (or ``f_k(x_{k-1}, w_k)`` when ``params`` is given), computed by the given schedule.

    ``schedule`` is a name of ``SCHEDULES`` (its options as keywords: ``s=…`` for ``"revolve"``, ``k=…`` for
    ``"every_k"``, ``keep_tapes=…``) or a list of actions. Each step's backward is ``adlib.vjp`` of that step.
    ``x_n`` must be a float scalar, unless a ``cotangent`` for it is given. Returns a :class:`ChainResult` whose
    ``stats`` count what was really done.
    """
    steps = list(steps)
    if not steps or not all(callable(f) for f in steps):
        raise TypeError("chain_grad needs a non-empty sequence of callables (the steps f_1 … f_n)")
    n = len(steps)
    if params is not None:
        params = list(params)
        if len(params) != n:
            raise ValueError(f"chain_grad: {len(params)} parameters given for {n} steps; give one per step")
    actions = make_schedule(schedule, n, **options) if isinstance(schedule, str) else list(schedule)

    def call(j, x):
        return steps[j - 1](x) if params is None else steps[j - 1](x, params[j - 1])

    values = {"checkpoints": {}, "tapes": {}, "current": x0, "adjoint": None, "value": None}
    param_grads = [None] * n

    def engine(op, j):
        if op == "advance":
            values["current"] = call(j, values["current"])
        elif op == "store":
            values["checkpoints"][j] = values["current"]
        elif op == "restore":
            values["current"] = values["checkpoints"][j]
        elif op == "free":
            del values["checkpoints"][j]
        elif op == "record":
            primals = (values["current"],) if params is None else (values["current"], params[j - 1])
            out, values["tapes"][j] = vjp(steps[j - 1], *primals)
            values["current"] = out
            if j == n:
                values["value"] = out
                values["adjoint"] = _seed(out, cotangent)
        elif op == "backprop":
            cotangents = values["tapes"].pop(j)(values["adjoint"])
            values["adjoint"] = cotangents[0]
            if params is not None:
                param_grads[j - 1] = cotangents[1]

    stats = _machine(actions, n, engine=engine)
    return ChainResult(values["value"], values["adjoint"], None if params is None else param_grads, stats)


def _seed(out, cotangent):
    if cotangent is not None:
        if np.shape(cotangent) != np.shape(out):
            raise ValueError(f"cotangent of shape {np.shape(cotangent)} given for x_n of shape {np.shape(out)}")
        return cotangent
    value = unbox(out)
    if np.shape(value) != () or not np.issubdtype(np.result_type(value), np.floating):
        raise TypeError(
            f"the last step must return a float scalar (the loss), but x_n has shape {np.shape(value)}; "
            "add the loss to the last step or pass cotangent="
        )
    return np.float64(1.0) if type(value) in (float, np.float64) else np.ones_like(value)


# ----------------------------------------------------------------------------------------------------------
# checkpoint(f): the same idea inside any function, like jax.checkpoint
# ----------------------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------------------
# Measuring memory
# ----------------------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------------------
# The lecture's GPT-2 numbers (ZeRO, Rajbhandari et al. 2020)
# ----------------------------------------------------------------------------------------------------------


def activation_memory(hidden, layers, seq, batch, bytes_per_value=2, values_per_layer=12, checkpoint_every=None):
    """Bytes of activations a transformer keeps for its backward pass: ``values_per_layer·hidden·batch·seq``
    values per layer (≈ 12 for GPT-2, ZeRO §3). With ``checkpoint_every = k`` only the input of every k-th
    layer (``hidden·batch·seq`` values) is stored, plus the full activations of the one k-layer segment being
    recomputed during the backward pass. ``k ≥ layers`` is one segment, i.e. no checkpointing: the same memory as
    ``checkpoint_every=None`` (every layer's activations)."""
    hidden = check_int("activation_memory", "hidden", hidden, minimum=1)
    layers = check_int("activation_memory", "layers", layers, minimum=1)
    seq = check_int("activation_memory", "seq", seq, minimum=1)
    batch = check_int("activation_memory", "batch", batch, minimum=1)
    if not bytes_per_value > 0 or not values_per_layer > 0:
        raise ValueError("bytes_per_value and values_per_layer must be positive")
    per_layer_input = hidden * batch * seq
    per_layer = values_per_layer * per_layer_input
    k = None if checkpoint_every is None else check_int(
        "activation_memory", "checkpoint_every", checkpoint_every, minimum=1)
    if k is None or k >= layers:  # one segment of every layer: nothing to checkpoint
        return layers * per_layer * bytes_per_value
    return (math.ceil(layers / k) * per_layer_input + k * per_layer) * bytes_per_value


def best_checkpoint_every(layers, values_per_layer=12):
    """The interval ``k`` that minimises the checkpointed activation memory of :func:`activation_memory`,
    ``M(k) = ⌈layers/k⌉·c + k·values_per_layer·c`` (``c``: one layer's input) for ``k < layers`` and
    ``M(layers) = layers·values_per_layer·c`` (no checkpointing, a candidate too), over every integer
    ``k = 1 … layers`` (the smallest such ``k`` on a tie). Near ``√(layers / values_per_layer)``: a checkpoint
    (one input) is ``values_per_layer`` times cheaper than a layer's activations, so short segments pay off."""
    layers = check_int("best_checkpoint_every", "layers", layers, minimum=1)
    if not values_per_layer > 0:
        raise ValueError("values_per_layer must be positive")
    def cost(k):
        return layers * values_per_layer if k >= layers else math.ceil(layers / k) + k * values_per_layer

    return min(range(1, layers + 1), key=lambda k: (cost(k), k))


def recomputed_layers(layers, k):
    """How many layer forwards checkpointing every ``k`` layers runs a second time, counted by running
    :func:`schedule_every_k` (segments recorded, as in Chen et al. 2016) on a chain of ``layers`` steps:
    every segment but the last one (still at hand after the forward sweep) is recomputed."""
    layers = check_int("recomputed_layers", "layers", layers, minimum=1)
    k = check_int("recomputed_layers", "k", k, minimum=1)
    return simulate(schedule_every_k(layers, min(k, layers)), layers).recomputations


def gpt2_activation_report(hidden=1600, layers=48, seq=1024, batch=32, bytes_per_value=2, checkpoint_every=None,
                           backward_to_forward=2.0):
    """The lecture's slide as numbers (defaults: GPT-2 1.5 B in fp16, sequence 1K, batch 32).

    Returns a dict:

    * ``store_all_GB`` (≈ 60): every layer's activations kept;
    * ``k`` (every ``⌈√layers⌉`` layers by default), ``checkpointed_GB`` (:func:`activation_memory` with
      ``checkpoint_every=k``), ``segment_GB`` (the recomputed segment alone) and ``reduction`` (the ratio);
    * ``k_opt`` and ``optimal_GB``: the interval that minimises that memory (:func:`best_checkpoint_every`);
    * ``rule_of_thumb_GB``: ``store_all_GB / √layers``, our reading of ZeRO's "reduce the activation memory by
      approximately the square root of the total activations" (ZeRO §3.2 itself just says "to about 8 GB");
    * ``recomputed_layers`` (counted, :func:`recomputed_layers`) and ``extra_compute``: that recomputation over
      the cost of forward + backward, a backward costing ``backward_to_forward`` forwards;
      ``one_pass_extra = 1 / (1 + backward_to_forward)``: one whole extra forward pass (⅓ for 2)."""
    layers = check_int("gpt2_activation_report", "layers", layers, minimum=1)
    k = (math.isqrt(layers - 1) + 1 if checkpoint_every is None
         else check_int("gpt2_activation_report", "k", checkpoint_every, minimum=1))
    if not backward_to_forward > 0:
        raise ValueError(f"backward_to_forward must be positive, got {backward_to_forward}")
    store_all = activation_memory(hidden, layers, seq, batch, bytes_per_value)
    checkpointed = activation_memory(hidden, layers, seq, batch, bytes_per_value, checkpoint_every=k)
    segment = activation_memory(hidden, min(k, layers), seq, batch, bytes_per_value)
    k_opt = best_checkpoint_every(layers)
    optimal = activation_memory(hidden, layers, seq, batch, bytes_per_value, checkpoint_every=k_opt)
    recomputed = recomputed_layers(layers, k)
    return {
        "store_all_GB": store_all / 1e9,
        "checkpointed_GB": checkpointed / 1e9,
        "segment_GB": segment / 1e9,
        "k": k,
        "reduction": store_all / checkpointed,
        "k_opt": k_opt,
        "optimal_GB": optimal / 1e9,
        "rule_of_thumb_GB": store_all / 1e9 / math.sqrt(layers),
        "recomputed_layers": recomputed,
        "extra_compute": recomputed / (layers * (1.0 + backward_to_forward)),
        "one_pass_extra": 1.0 / (1.0 + backward_to_forward),
    }


# ----------------------------------------------------------------------------------------------------------
# Pictures: what is held at each moment (the lecture's animations)
# ----------------------------------------------------------------------------------------------------------

_COLORS = {
    "checkpoint": "tab:blue", "current": "tab:orange", "tape": "tab:green", "empty": "white",
    "adjoint": "tab:red", "done": "mistyrose",
}  # fmt: skip


def key_frames(stats):
    """The frames after each evaluation or backward step (store/restore/free are shown with the next one)."""
    return [f for f in stats.frames if f.action[0] in ("advance", "record", "backprop")]


def frame_colors(frame, n):
    """The colours of the two rows of circles of one frame: states ``x_0 … x_n`` (blue = checkpoint, orange =
    current state, green = held by a tape, white = not held) and adjoints ``x̄_0 … x̄_n`` (red = held now,
    pink = already passed back, white = not yet computed)."""
    taped = {j - 1 for j in frame.tapes} | set(frame.tapes)
    states, adjoints = [], []
    for i in range(n + 1):
        if i in frame.checkpoints:
            states.append("checkpoint")
        elif i == frame.current:
            states.append("current")
        elif i in taped:
            states.append("tape")
        else:
            states.append("empty")
        if frame.adjoint is None:
            adjoints.append("empty")
        else:
            adjoints.append("adjoint" if i == frame.adjoint else "done" if i > frame.adjoint else "empty")
    return states, adjoints


_LABELS = {"advance": ("advance {} (no tape)", "шаг {} вперёд (без ленты)"),
           "record": ("record step {}", "запись шага {}"),
           "backprop": ("backprop step {}", "обратный шаг {}")}  # fmt: skip
_ANIMATION_FONT = 13  # points, at the figure's dpi 100: 13.5 pt on a 1280-pixel slide (projector.py)


class _Row:
    """One schedule drawn on one axes: two rows of circles whose colours change from frame to frame."""

    def __init__(self, ax, n, title, font=_ANIMATION_FONT, lang=None):
        ax.set_xlim(-0.9, n + 0.6)
        ax.set_ylim(-1.05, 1.75)
        ax.axis("off")
        xs = np.arange(n + 1)
        ax.plot(xs, np.ones(n + 1), color="0.75", lw=1.5, zorder=0)
        ax.plot(xs, np.zeros(n + 1), color="0.75", lw=1.5, zorder=0)
        self.states = ax.scatter(xs, np.ones(n + 1), s=330, color="white", edgecolor="k", zorder=2)
        self.inner = ax.scatter(xs, np.ones(n + 1), s=80, color="none", zorder=3)
        self.adjoints = ax.scatter(xs, np.zeros(n + 1), s=330, color="white", edgecolor="k", zorder=2)
        ax.text(-0.45, 1, "x", fontsize=font, va="center", ha="right")
        ax.text(-0.45, 0, "x̄", fontsize=font, va="center", ha="right")
        for i in xs:
            ax.text(i, -0.42, str(i), fontsize=font - 2, va="top", ha="center", color="0.3")
        self.title = ax.text(-0.9, 1.45, title, fontsize=font, fontweight="bold")
        self.counts = ax.text(n + 0.6, 1.45, "", fontsize=font, ha="right")
        self.name, self.n, self.lang = title, n, lang

    def show(self, frame, counts=""):
        states, adjoints = frame_colors(frame, self.n)
        self.states.set_facecolors([_COLORS[c] for c in states])
        self.inner.set_facecolors([_COLORS["current"] if i == frame.current and c == "checkpoint" else "none"
                                   for i, c in enumerate(states)])
        self.adjoints.set_facecolors([_COLORS[c] for c in adjoints])
        op, j = frame.action
        label = tr(*_LABELS[op], self.lang) if op in _LABELS else "{}"
        self.title.set_text(f"{self.name}: {label.format(j)}")  # a text, not a title: faster
        self.counts.set_text(counts)


def animate_schedules(schedules, n, row_height=1.9, width=10.0, lang=None):
    """An animation of several schedules side by side (one row each), ``schedules`` a dict ``title ->
    actions``; one frame per evaluation or backward step; a schedule that is done keeps its last frame, so the
    longer a row keeps moving, the more work its schedule does. Drawn for a slide: ``width`` inches at dpi 100,
    text of 11–13 pt, in the notebook's language (or ``lang``). Returns a :class:`ScheduleAnimation`."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    height = row_height * len(schedules) + 0.55
    fig, axes = plt.subplots(len(schedules), 1, figsize=(width, height), dpi=100, squeeze=False)
    runs = []
    for ax, (title, actions) in zip(axes[:, 0], schedules.items()):
        frames = key_frames(simulate(actions, n, frames=True))
        ops = [f.action[0] for f in frames]
        adv, recs = np.cumsum([o == "advance" for o in ops]), np.cumsum([o == "record" for o in ops])
        peak = np.maximum.accumulate([len(f.checkpoints) + len(f.tapes) for f in frames])
        counts = [tr(f"forward steps {a + r} (extra {a}) · peak held {p}",
                     f"шагов вперёд: {a + r} (лишних: {a}) · пик памяти: {p}", lang)
                  for a, r, p in zip(adv, recs, peak)]
        runs.append((_Row(ax, n, title, lang=lang), frames, counts))
    handles = [Line2D([], [], marker="o", ls="", markersize=13, markeredgecolor="k", markerfacecolor=_COLORS[k],
                      label=lab)
               for k, lab in [("checkpoint", tr("checkpoint", "контрольная точка", lang)),
                              ("current", tr("current state", "текущее состояние", lang)),
                              ("tape", tr("on a tape", "на ленте", lang)),
                              ("adjoint", tr("adjoint held", "x̄ в памяти", lang)),  # the row is labelled x̄
                              ("done", tr("adjoint passed back", "x̄ передана назад", lang))]]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=_ANIMATION_FONT - 1, frameon=False,
               handletextpad=0.2, columnspacing=1.2)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.5 / height, hspace=0.15)

    def update(t):
        for row, frames, counts in runs:
            k = min(t, len(frames) - 1)
            row.show(frames[k], counts[k])
        return []

    update(0)
    return ScheduleAnimation(fig, update, max(len(frames) for _, frames, _ in runs))


class ScheduleAnimation:
    """The frames of :func:`animate_schedules`: ``draw_frame(t)`` updates ``fig`` to frame ``t``. Written out
    with one draw per frame (``matplotlib.animation.Animation.save`` draws each frame twice)."""

    def __init__(self, fig, draw_frame, frame_count):
        self.fig, self.draw_frame, self.frame_count = fig, draw_frame, frame_count

    def _write(self, writer, path, dpi):
        with writer.saving(self.fig, str(path), dpi):
            for t in range(self.frame_count):
                self.draw_frame(t)
                writer.grab_frame()

    def to_jshtml(self, fps=3, dpi=None, colors=32):
        """The HTML of matplotlib's JavaScript player (``Animation.to_jshtml``), each frame reduced to
        ``colors`` colours (our pictures have a handful): a few times fewer bytes in the notebook. ``dpi``: the
        figure's own by default (the size its text was chosen for). The player speaks the notebook's language
        (:func:`adlib.course.i18n.player_html`)."""
        dpi = self.fig.dpi if dpi is None else dpi
        import base64
        import io
        import tempfile
        from pathlib import Path

        from matplotlib.animation import HTMLWriter
        from PIL import Image

        class Writer(HTMLWriter):
            def grab_frame(self, **savefig_kwargs):
                buffer = io.BytesIO()
                self.fig.savefig(buffer, format="png", dpi=dpi, **savefig_kwargs)
                image = Image.open(buffer).convert("RGB").quantize(colors, method=Image.Quantize.FASTOCTREE)
                small = io.BytesIO()
                image.save(small, format="png")
                self._saved_frames.append(base64.encodebytes(small.getvalue()).decode("ascii"))

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "animation.html")
            self._write(Writer(fps=fps, embed_frames=True, default_mode="once"), path, dpi)
            return player_html(path.read_text())

    def save_gif(self, path, fps=3, dpi=None):
        """Write the animation as a GIF (at the figure's own dpi by default)."""
        from matplotlib.animation import PillowWriter

        dpi = self.fig.dpi if dpi is None else dpi
        self._write(PillowWriter(fps=fps), path, dpi)

    def funcanimation(self, interval=400):
        """A ``matplotlib.animation.FuncAnimation`` of the same frames (for ``plt.show()`` or ``.save``)."""
        from matplotlib.animation import FuncAnimation

        return FuncAnimation(self.fig, self.draw_frame, frames=self.frame_count, interval=interval)


def draw_space_time(ax, actions, n, title="", lang=None):
    """The schedule as a space–time diagram: step index across, time (one row per evaluation or backward step)
    downwards; grey = advance (no tape), green = record, red = backprop, blue square = a checkpoint stored. Texts
    in the notebook's language (or ``lang``)."""
    stats = simulate(actions, n)
    t, points = 0, {"advance": [], "record": [], "backprop": [], "store": []}
    for op, j in actions:
        if op in points:
            points[op].append((j - 0.5 if op != "store" else j, t))  # step j sits between x_{j-1} and x_j
        if op in ("advance", "record", "backprop"):
            t += 1
    style = {"advance": ("o", "0.45", tr("advance (no tape)", "шаг вперёд (без ленты)", lang)),
             "record": ("o", "tab:green", tr("record (with tape)", "запись (с лентой)", lang)),
             "backprop": ("o", "tab:red", tr("backprop", "обратный шаг", lang)),
             "store": ("s", "tab:blue", tr("store a checkpoint", "сохранить контрольную точку", lang))}  # fmt: skip
    for op, pts in points.items():
        if pts:
            marker, color, label = style[op]
            j, time = np.array(pts).T
            ax.scatter(j, time, s=14 if op != "store" else 18, marker=marker, color=color, label=label, zorder=2)
    ax.set_xlim(-0.5, n + 0.5)
    ax.set_ylim(t + 1, -1)
    ax.set_xlabel(tr("step j (state index)", "шаг j (номер состояния)", lang))
    ax.set_ylabel(tr("time (evaluations + backward steps)", "время (вычисления + обратные шаги)", lang))
    ax.set_title(f"{title}\n" + tr(f"{stats.forward_steps} forward steps\n(extra {stats.recomputations}), "
                                   f"peak {stats.peak_memory} held",
                                   f"шагов вперёд: {stats.forward_steps}\n(лишних: {stats.recomputations}), "
                                   f"пик памяти: {stats.peak_memory}", lang), fontsize=11)  # as narrow as the English
    return stats


def plot_schedules(n=16, s=3, suptitle=None, figsize=(11.6, 5.6), lang=None):
    """Four schedules side by side as space–time diagrams (:func:`draw_space_time`) for a chain of ``n`` steps:
    store all, recompute all, every ⌈√n⌉ steps and the binomial schedule with ``s`` checkpoints. Returns the
    matplotlib Figure (one legend below the panels; texts in the notebook's language, or ``lang``)."""
    import matplotlib.pyplot as plt

    n, s = check_int("plot_schedules", "n", n, minimum=1), check_int("plot_schedules", "s", s, minimum=1)
    k = math.isqrt(n - 1) + 1
    panels = [
        (tr("store all", "хранить всё", lang), schedule_store_all(n)),
        (tr("recompute all", "пересчитывать всё", lang), schedule_recompute_all(n)),
        (tr(f"every √n = {k} steps", f"каждые √n = {k} {plural_ru(k, 'шаг', 'шага', 'шагов')}", lang),
         schedule_every_k(n)),
        (tr(f"binomial, s = {s}", f"биномиальная, s = {s}", lang), schedule_revolve(n, s)),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=figsize)
    for ax, (title, actions) in zip(axes, panels):
        draw_space_time(ax, actions, n, title, lang=lang)
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=11, markerscale=2)
    for ax in axes[1:]:
        ax.set_ylabel("")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
