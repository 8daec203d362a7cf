"""Measuring, in one place for the whole course: how long a call takes, what reverse mode's tape holds, how
much memory a computation peaks at, the rate hidden in a log-log plot; and checking a course function's inputs.

Every notebook, figure script and benchmark takes its numbers from here, so that "the best of 5 repeats" or "the
tape's bytes" mean the same thing everywhere.
"""

from __future__ import annotations

import gc
import numbers
import statistics
import time
import tracemalloc

import numpy as np

from ..core import VJPTrace

__all__ = ["time_call", "time_calls", "tape_size", "peak_bytes", "loglog_slope", "check_callable",
           "check_int", "check_positive", "check_choice"]


# ----------------------------------------------------------------------------------------------------------
# Time
# ----------------------------------------------------------------------------------------------------------


def time_call(fn, repeat=5, warmup=1, min_time=1e-3, best=True, cpu=False):
    """Seconds per call of ``fn()``: ``warmup`` calls first (JIT compilation, caches), then ``repeat`` batches,
    each repeating the call until it lasts ``min_time`` (so that microsecond calls are not lost in the timer's
    resolution), with the garbage collector off as ``timeit`` does. The best batch by default (``timeit``'s
    advice: on a busy machine other processes only ever add time); ``best=False`` for the median. ``cpu=True``
    counts this process's CPU time instead of the wall clock (other programs on the machine then do not count).
    For JAX pass a ``fn`` that ends in ``block_until_ready``."""
    check_callable("time_call", fn, "a function of no arguments")
    check_int("time_call", "repeat", repeat, minimum=1)
    check_int("time_call", "warmup", warmup, minimum=0)
    timer = time.process_time if cpu else time.perf_counter
    for _ in range(warmup):
        fn()
    number, first = _calls_per_batch(fn, min_time, timer)
    times = [first] + [_batch(fn, number, timer) for _ in range(repeat - 1)]
    return min(times) if best else statistics.median(times)


def time_calls(fns, repeat=5, warmup=1, min_time=1e-3, cpu=False):
    """Seconds per call of each of ``fns`` (a list or a dict of functions of no arguments), best of ``repeat``
    rounds. The functions take turns within each round, so a slow spell of the machine hits all of them alike:
    use this when the *ratio* of the times is what the text is about. ``cpu`` as in :func:`time_call`."""
    items = list(fns.items()) if isinstance(fns, dict) else list(enumerate(fns))
    if not items:
        raise ValueError("time_calls needs at least one function")
    for name, fn in items:
        check_callable("time_calls", fn, f"a function of no arguments (entry {name!r})")
    check_int("time_calls", "repeat", repeat, minimum=1)
    timer = time.process_time if cpu else time.perf_counter
    for _, fn in items:
        for _ in range(warmup):
            fn()
    numbers_, best = zip(*[_calls_per_batch(fn, min_time, timer) for _, fn in items])  # the first round
    best = list(best)
    for _ in range(repeat - 1):
        for k, ((_, fn), number) in enumerate(zip(items, numbers_)):
            best[k] = min(best[k], _batch(fn, number, timer))
    return {name: t for (name, _), t in zip(items, best)} if isinstance(fns, dict) else best


def _batch(fn, number, timer):
    """Seconds per call over ``number`` calls, the garbage collector off (as ``timeit``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = timer()
        for _ in range(number):
            fn()
        return (timer() - start) / number
    finally:
        if was_enabled:
            gc.enable()


def _calls_per_batch(fn, min_time, timer):
    """How many calls make a batch of at least ``min_time``, and the time per call of that first batch."""
    number = 1
    while True:
        per_call = _batch(fn, number, timer)
        if per_call * number >= min_time or number >= 1_000_000:
            return number, per_call
        number *= 10 if per_call * number < min_time / 10 else 2


# ----------------------------------------------------------------------------------------------------------
# Memory
# ----------------------------------------------------------------------------------------------------------


def tape_size(f, *args):
    """Run ``f(*args)`` under reverse-mode tracing and measure what its tape keeps for the backward sweep:
    ``{"nodes": tape length (inputs included), "bytes": bytes of the distinct arrays and numbers stored in the
    nodes (each node's output and arguments; an array shared by two nodes counts once)}``."""
    check_callable("tape_size", f)
    with VJPTrace() as trace:
        f(*[trace.new_input(np.asarray(x, dtype=float) if np.ndim(x) else float(x)) for x in args])
    seen, total = set(), 0
    for node in trace.tape:
        for x in (node.ans, *node.args):
            if id(x) in seen or not isinstance(x, np.ndarray | float | np.floating | int):
                continue
            seen.add(id(x))
            total += np.asarray(x).nbytes
    return {"nodes": len(trace.tape), "bytes": total}


def peak_bytes(fn, *args, **kwargs):
    """``(fn(*args, **kwargs), peak)``: the peak of memory allocated by Python and NumPy while ``fn`` runs, in
    bytes above what was allocated before (``tracemalloc``)."""
    check_callable("peak_bytes", fn)
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    try:
        out = fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return out, peak


# ----------------------------------------------------------------------------------------------------------
# Rates
# ----------------------------------------------------------------------------------------------------------


def loglog_slope(x, y, x_min=None):
    """The slope of the least-squares line through ``(log x, log y)``: the rate in ``y ∝ x^slope`` (1 linear,
    2 quadratic). Points with ``x < x_min`` are left out (to fit only the large-x end), and so are points whose
    ``y`` is nan (not measured, e.g. over a time budget); every other ``y`` must be positive."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"loglog_slope needs two 1-d arrays of the same length, got shapes {x.shape} and {y.shape}")
    keep = ~np.isnan(y) & (x >= (-np.inf if x_min is None else x_min))
    if np.any(x[keep] <= 0) or np.any(y[keep] <= 0) or not np.all(np.isfinite(y[keep])):
        raise ValueError("loglog_slope needs positive x and positive finite y (nan marks a point not measured)")
    if np.unique(x[keep]).size < 2:
        raise ValueError(f"loglog_slope needs at least 2 distinct positive x to fit, got {int(keep.sum())} point(s)")
    return float(np.polyfit(np.log(x[keep]), np.log(y[keep]), 1)[0])


# ----------------------------------------------------------------------------------------------------------
# Checking the inputs of the course's functions: a clear error instead of a wrong number
# ----------------------------------------------------------------------------------------------------------


def check_callable(fname, f, what="a function"):
    if not callable(f):
        raise TypeError(f"{fname} expects {what}, got {type(f).__name__}")


def check_int(fname, name, value, minimum=None, maximum=None):
    """``value`` must be an integer (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fname}: {name} must be an integer, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = (f"≥ {minimum}" if maximum is None else f"≤ {maximum}" if minimum is None
                  else f"between {minimum} and {maximum}")
        raise ValueError(f"{fname}: {name} must be {bounds}, got {value}")
    return int(value)


def check_positive(fname, name, value):
    """``value`` must be a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{fname}: {name} must be a positive finite number, got {value!r}")
    return float(value)


def check_choice(fname, name, value, choices):
    if value not in choices:
        raise ValueError(f"{fname}: {name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value
