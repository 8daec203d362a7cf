"""adlib.course.measure: the course's one timing, tape-size, memory and rate helper, and its input checks."""

import numpy as np
import pytest

import adlib.numpy as anp
from adlib.course.measure import (
    check_choice,
    check_int,
    check_positive,
    loglog_slope,
    peak_bytes,
    tape_size,
    time_call,
    time_calls,
)  # fmt: skip


def test_time_call_is_per_call_and_best_is_not_above_median():
    calls = []
    t_best = time_call(lambda: calls.append(1), repeat=3, warmup=2, min_time=1e-4)
    t_median = time_call(lambda: sum(range(100)), repeat=5, best=False)
    assert 0 < t_best < 1e-3 and 0 < t_median < 1e-3
    assert len(calls) >= 2 + 3  # warm-up calls, then at least one call per batch


def test_time_call_sees_a_slow_function_as_slow():
    import time

    assert time_call(lambda: time.sleep(2e-3), repeat=2, min_time=0) >= 1.9e-3


def test_time_calls_keeps_names_and_order():
    import time

    out = time_calls({"fast": lambda: None, "slow": lambda: time.sleep(1e-3)}, repeat=2)
    assert list(out) == ["fast", "slow"] and out["slow"] > 10 * out["fast"]
    assert len(time_calls([lambda: None, lambda: None], repeat=1)) == 2
    with pytest.raises(ValueError, match="at least one"):
        time_calls([])


@pytest.mark.parametrize("bad", [dict(repeat=0), dict(warmup=-1), dict(repeat=2.0)])
def test_time_call_refuses_bad_counts(bad):
    with pytest.raises((ValueError, TypeError), match="time_call"):
        time_call(lambda: None, **bad)


def test_time_call_refuses_a_non_function():
    with pytest.raises(TypeError, match="function of no arguments"):
        time_call(3)


def test_tape_size_counts_nodes_and_distinct_bytes():
    x = np.ones(1000)
    one = tape_size(lambda x: anp.sum(anp.sin(x)), x)
    assert one["nodes"] == 3  # input, sin, sum
    assert 16_000 <= one["bytes"] <= 16_100  # x and sin(x) (8 kB each) and a scalar, each once
    two = tape_size(lambda x: anp.sum(anp.sin(anp.sin(x))), x)
    assert two["nodes"] == 4 and two["bytes"] - one["bytes"] == 8000


def test_peak_bytes_sees_a_temporary_array():
    out, peak = peak_bytes(lambda n: float(np.ones(n).sum()), 1_000_000)
    assert out == 1e6 and 8e6 <= peak < 9e6


def test_loglog_slope_recovers_a_power_law():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    assert loglog_slope(x, 3 * x**2) == pytest.approx(2.0)
    assert loglog_slope(x, 1 / x) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        loglog_slope([1.0, 2.0], [1.0])


def test_input_checks_say_what_is_wrong():
    assert check_int("f", "n", np.int64(3), minimum=1) == 3
    with pytest.raises(TypeError, match="f: n must be an integer, got True"):
        check_int("f", "n", True)
    with pytest.raises(ValueError, match="between 1 and 10, got 11"):
        check_int("f", "n", 11, minimum=1, maximum=10)
    assert check_positive("f", "eps", 1e-3) == 1e-3
    for bad in (0.0, -1.0, float("nan"), float("inf"), "1"):
        with pytest.raises(ValueError, match="positive finite"):
            check_positive("f", "eps", bad)
    assert check_choice("f", "mode", "fwd", ("fwd", "rev")) == "fwd"
    with pytest.raises(ValueError, match="one of 'fwd', 'rev'; got 'side'"):
        check_choice("f", "mode", "side", ("fwd", "rev"))


def test_time_call_counts_its_calls_exactly():
    # (moved from test_jacobian: the course's one timing helper)
    calls = []
    t = time_call(lambda: calls.append(1), repeat=4, warmup=2, min_time=0.0)
    assert len(calls) == 2 + 4 and t >= 0
    calls.clear()
    assert time_call(lambda: calls.append(1), repeat=3, warmup=1, min_time=0.0, best=False) >= 0
    assert len(calls) == 1 + 3
    calls.clear()
    time_call(lambda: calls.append(1), repeat=3, warmup=0, min_time=1e-3)
    assert len(calls) > 3  # microsecond calls are batched until a batch lasts min_time
    calls.clear()
    time_calls([lambda: calls.append(1), lambda: calls.append(2)], repeat=3, warmup=1, min_time=0.0)
    assert calls.count(1) == calls.count(2) == 1 + 3


def test_cpu_time_does_not_count_sleeping():
    import time

    assert time_call(lambda: time.sleep(2e-3), repeat=2, min_time=0, cpu=True) < 1e-3


def test_loglog_slope_fits_only_what_was_measured():
    # (moved from test_jacobian and test_what_ad_is_not: one loglog_slope for the course)
    m = np.array([1.0, 10, 100, 1000])
    assert loglog_slope(m, np.where(m < 50, 7.0, m**2), x_min=50) == pytest.approx(2.0)  # only the large-x end
    assert loglog_slope(m, np.array([1.0, np.nan, 100, 1000])) == pytest.approx(1.0)  # nan: not measured
    assert loglog_slope(m, np.full(4, 5.0)) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="at least 2"):
        loglog_slope(m, m, x_min=500)
    with pytest.raises(ValueError, match="same length"):
        loglog_slope(m, m[:2])
