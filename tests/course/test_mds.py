"""adlib.course.mds, the parts added for notebooks 01's map error and Рис. 3 (the other MDS tests are in
test_zero_order.py): an error in km that needs no projection, the solved map drawn under solutions, the animation."""

import numpy as np
import pytest

from adlib.course import mds, projector


def test_distance_error_is_zero_for_exact_points_and_in_km():
    P = np.random.default_rng(0).standard_normal((7, 2))
    D = np.sum((P[:, None] - P[None]) ** 2, axis=-1)
    assert mds.distance_error_km(P, D) < 1e-12
    R = np.array([[0.0, -1.0], [1.0, 0.0]])
    assert mds.distance_error_km(P @ R + 5.0, D) < 1e-12  # no alignment needed: rotations and shifts are free
    # every distance 10 % too long: the rms error is 10 % of the rms distance, scaled by km_per_unit
    i, j = np.triu_indices(7, 1)
    expected = 0.1 * np.sqrt(np.mean(D[i, j]))
    assert mds.distance_error_km(1.1 * P, D, km_per_unit=100.0) == pytest.approx(100 * expected)
    with pytest.raises(ValueError, match="rows"):
        mds.distance_error_km(P[:5], D)
    with pytest.raises(ValueError, match="N×k"):
        mds.distance_error_km(P.ravel(), D)


def test_solved_map_is_classical_mds_turned_like_the_real_map():
    cities, D, km = mds.squared_distance_matrix(12)
    target = mds.solved_map_km(cities, D, km)
    reference = mds.projected_km(cities["latitude"], cities["longitude"])
    assert mds.distance_error_km(target / km, D, km) == pytest.approx(
        mds.distance_error_km(mds.classical_mds(D)[0], D, km))  # fmt: skip
    names = list(cities["name"])
    london, moscow, istanbul = (target[names.index(n)] for n in ("London", "Moscow", "Istanbul"))
    assert london[0] < moscow[0] and istanbul[1] < moscow[1]  # west is left, north is up
    assert mds.procrustes(reference, target)[1] < 300  # near the projection, up to its distortion


def test_mds_map_reports_the_error_of_the_distances():
    converged = mds.mds_map("gradient", 10, 4000)
    assert converged["distance_error_km"] < 2 * converged["classical_distance_error_km"] + 1
    assert converged["distance_error_km"] < 10  # a solved map: a few km, the Earth's curvature
    assert converged["rms_km"] > 5 * converged["distance_error_km"]  # the projected map is the wrong yardstick
    assert np.sqrt(np.mean(np.sum((converged["W_on_solved_km"] - converged["solved_km"]) ** 2, 1))) < 10
    stuck = mds.mds_map("nelder-mead", 10, 1000)
    assert stuck["distance_error_km"] > 20 * converged["distance_error_km"]


def test_labelled_cities_exist():
    names = set(mds.load_cities()["name"])
    assert set(mds.LABELLED) <= names and len(mds.LABELLED) <= 8


def test_animate_maps_draws_readable_frames_with_the_error_in_the_titles():
    import matplotlib.pyplot as plt

    cities, D, km = mds.squared_distance_matrix(10)
    results = {m: mds.solve(m, D, 400, seed=0) for m in ("gradient", "two_point")}
    fig, anim = mds.animate_maps(results, cities, D, km, [10, 400], labels={"gradient": "GD"})
    try:
        projector.check_readable(fig)
        first = [mds.distance_error_km(mds.at_budget(results[m], 10), D, km) for m in ("gradient", "two_point")]
        assert min(first) > 300  # the first frame is a tangle: its names are hidden, not piled up
        assert not any(t.get_visible() for ax in fig.axes for t in ax.texts)
        titles = [ax.get_title() for ax in fig.axes]
        assert titles[0].startswith("GD\ndistances off by") and titles[1].startswith("two_point\n")
        anim._func(1)  # the last frame: GD's map has settled
        error = mds.distance_error_km(mds.at_budget(results["gradient"], 400), D, km)
        assert f"{error:.0f} km" in fig.axes[0].get_title()
        assert "after 400 evaluations" in fig.texts[0].get_text()
        shown = [t.get_text() for t in fig.axes[0].texts if t.get_visible()]
        assert error < 300 and shown == [n for n in mds.LABELLED if n in set(cities["name"])]
        with pytest.raises(ValueError, match="every method"):
            mds.animate_maps({"gradient": results["gradient"]}, cities, D, km, [10])
    finally:
        plt.close(fig)
