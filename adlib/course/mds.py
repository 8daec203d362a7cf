"""The lecture's example: multidimensional scaling (MDS) of European cities.

Given a matrix ``D`` of *squared* distances between N objects, find points ``W_i ∈ R^k`` with

    L(W) = Σ_{i,j} (‖W_i − W_j‖² − D_ij)²  →  min over W ∈ R^{N×k}          (the slide's loss)

``mds_loss`` is written with ``adlib.numpy``, so ``adlib.grad(mds_loss)`` is its gradient. ``classical_mds`` is the
closed-form answer to the slide's question «is it related to PCA?»: double-centre ``D`` to get a Gram matrix
``B = −½ J D J`` and take its top eigenvectors, which is PCA of the (unknown) points. ``procrustes`` aligns two
configurations (rotation/reflection + translation), since the loss cannot tell a map from its mirror image.
"""

import csv
import os
from importlib import resources
from pathlib import Path

import numpy as np

from .. import numpy as anp
from .i18n import plural_ru, tr

__all__ = [
    "EARTH_RADIUS_KM", "CITIES_CSV", "METHODS", "load_cities", "great_circle", "squared_distance_matrix", "mds_loss",
    "classical_mds", "procrustes", "distance_error_km", "solve", "projected_km", "at_budget", "mds_map",
    "plot_loss_vs_evaluations", "LABELLED", "LABELLED_RU", "NAMES_RU", "place_name", "animate_maps",
    "solved_map_km",
]  # fmt: skip

EARTH_RADIUS_KM = 6371.0
LABELLED = ("London", "Madrid", "Rome", "Berlin", "Istanbul", "Moscow", "Ufa")
"""Cities named on the maps: far enough apart that their labels do not overlap on a slide."""
NAMES_RU = {
    "Istanbul": "Стамбул", "Moscow": "Москва", "London": "Лондон", "Saint Petersburg": "Санкт-Петербург",
    "Berlin": "Берлин", "Madrid": "Мадрид", "Kyiv": "Киев", "Rome": "Рим", "Paris": "Париж", "Minsk": "Минск",
    "Vienna": "Вена", "Hamburg": "Гамбург", "Bucharest": "Бухарест", "Warsaw": "Варшава", "Budapest": "Будапешт",
    "Barcelona": "Барселона", "Munich": "Мюнхен", "Kharkiv": "Харьков", "Milan": "Милан", "Prague": "Прага",
    "Kazan": "Казань", "Nizhny Novgorod": "Нижний Новгород", "Sofia": "София", "Belgrade": "Белград",
    "Samara": "Самара", "Rostov-on-Don": "Ростов-на-Дону", "Birmingham": "Бирмингем", "Ufa": "Уфа",
    "Krasnodar": "Краснодар", "Cologne": "Кёльн", "Voronezh": "Воронеж", "Perm": "Пермь", "Volgograd": "Волгоград",
    "Odesa": "Одесса",
    "Turkey": "Турция", "Russia": "Россия", "United Kingdom": "Великобритания", "Germany": "Германия",
    "Spain": "Испания", "Ukraine": "Украина", "Italy": "Италия", "France": "Франция", "Belarus": "Беларусь",
    "Austria": "Австрия", "Romania": "Румыния", "Poland": "Польша", "Hungary": "Венгрия",
    "Czech Republic": "Чехия", "Bulgaria": "Болгария", "Serbia": "Сербия",
}  # fmt: skip
"""The Russian names of the cities and countries of ``CITIES_CSV`` (``place_name``)."""
LABELLED_RU = {name: NAMES_RU[name] for name in LABELLED}
"""Their names on the maps of the Russian edition."""


def place_name(name, lang=None):
    """A city's or country's name of ``CITIES_CSV`` in the notebook's language (or ``lang``): ``name`` itself in
    English, ``NAMES_RU[name]`` in Russian (``name`` if it has none)."""
    return tr(name, NAMES_RU.get(name, name), lang)
# package data (pyproject's package-data), so it is there however adlib is installed: editable, or from git in Colab
CITIES_CSV = resources.files(__package__) / "data" / "european_cities.csv"


def load_cities(path=CITIES_CSV, n=None):
    """The cities of the CSV file (comment lines start with ``#``), largest first: a dict of arrays ``name``,
    ``country``, ``latitude``, ``longitude``, ``population``; ``n`` keeps the n most populous. ``path``: a file
    name, or a ``importlib.resources`` Traversable such as the default ``CITIES_CSV``."""
    if isinstance(path, str | os.PathLike):
        path = Path(path)
    elif not hasattr(path, "open") or not hasattr(path, "is_file"):
        raise TypeError(f"path must be a file name or an importlib.resources Traversable, got {type(path).__name__}")
    if not path.is_file():
        raise FileNotFoundError(f"no city table at {path}")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    rows.sort(key=lambda r: -int(r["population"]))
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= len(rows):
            raise ValueError(f"n must be an integer between 2 and {len(rows)}, got {n!r}")
        rows = rows[:n]
    return {
        "name": np.array([r["name"] for r in rows]),
        "country": np.array([r["country"] for r in rows]),
        "latitude": np.array([float(r["latitude"]) for r in rows]),
        "longitude": np.array([float(r["longitude"]) for r in rows]),
        "population": np.array([int(r["population"]) for r in rows]),
    }


def great_circle(latitude, longitude, radius=EARTH_RADIUS_KM):
    """Great-circle distances (km) between all pairs of points given in degrees (haversine formula)."""
    lat, lon = np.radians(np.asarray(latitude, float)), np.radians(np.asarray(longitude, float))
    if lat.shape != lon.shape or lat.ndim != 1:
        raise ValueError(f"latitude and longitude must be 1-D of equal length, got {lat.shape} and {lon.shape}")
    if np.any(np.abs(lat) > np.pi / 2) or not np.all(np.isfinite(lat)) or not np.all(np.isfinite(lon)):
        raise ValueError("latitudes must be finite and within [-90, 90] degrees; longitudes finite")
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * radius * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _check_D(D, N=None):
    D = np.asarray(D)
    if D.ndim != 2 or D.shape[0] != D.shape[1]:
        raise ValueError(f"D must be a square N×N matrix of squared distances, got shape {D.shape}")
    if N is not None and D.shape[0] != N:
        raise ValueError(f"W has {N} rows (points) but D is {D.shape[0]}×{D.shape[0]}")
    if not np.all(np.isfinite(D)):
        raise ValueError("D holds non-finite values")
    return D


def mds_loss(W, D):
    """The slide's loss ``Σ_{i,j} (‖W_i − W_j‖² − D_ij)²`` for points ``W`` (N×k) and squared distances ``D``."""
    if np.ndim(W) != 2:
        raise ValueError(f"W must be an N×k matrix of points, got shape {np.shape(W)}")
    D = _check_D(D, np.shape(W)[0])
    diff = W[:, None, :] - W[None, :, :]  # N×N×k: W_i − W_j
    squared = anp.sum(diff * diff, axis=-1)  # ‖W_i − W_j‖²
    r = squared - D
    return anp.sum(r * r)


def classical_mds(D, k=2):
    """Classical (Torgerson) MDS: the Gram matrix ``B = −½ J D J`` (J = I − 11ᵀ/N centres) and its top-k
    eigenpairs, ``W = V_k Λ_k^{1/2}``. Exact when D holds the squared distances of points in R^k. Returns
    ``(W, eigenvalues of B in decreasing order)``."""
    D = _check_D(D)
    N = D.shape[0]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= N:
        raise ValueError(f"k must be an integer between 1 and N = {N}, got {k!r}")
    J = np.eye(N) - np.ones((N, N)) / N
    B = -0.5 * J @ D @ J
    eigenvalues, vectors = np.linalg.eigh(B)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = eigenvalues[order], vectors[:, order]
    return vectors[:, :k] * np.sqrt(np.maximum(eigenvalues[:k], 0.0)), eigenvalues


def procrustes(X, Y):
    """Move ``Y`` onto ``X`` by the best rotation/reflection and translation (no scaling: distances are data).
    Returns ``(Y aligned, root-mean-square distance between corresponding points)``."""
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    if X.shape != Y.shape or X.ndim != 2:
        raise ValueError(f"X and Y must be N×k matrices of the same shape, got {X.shape} and {Y.shape}")
    mx, my = X.mean(axis=0), Y.mean(axis=0)
    U, _, Vt = np.linalg.svd((Y - my).T @ (X - mx))
    aligned = (Y - my) @ (U @ Vt) + mx
    return aligned, float(np.sqrt(np.mean(np.sum((aligned - X) ** 2, axis=1))))


def distance_error_km(W, D, km_per_unit=1.0):
    """How far the map ``W`` is from the data, in the data's units: the root-mean-square over the pairs i < j of
    ``‖W_i − W_j‖ − √D_ij`` (``D`` holds squared distances), times ``km_per_unit``. Unlike a distance to some drawn
    map, it does not depend on a projection or an alignment: a solution of the slide's loss has a small one (not 0,
    since the Earth is not flat)."""
    W = np.asarray(W, float)
    if W.ndim != 2:
        raise ValueError(f"W must be an N×k matrix of points, got shape {W.shape}")
    D = _check_D(D, W.shape[0])
    i, j = np.triu_indices(W.shape[0], 1)
    distances = np.sqrt(np.sum((W[i] - W[j]) ** 2, axis=1))
    return float(km_per_unit * np.sqrt(np.mean((distances - np.sqrt(np.maximum(D[i, j], 0.0))) ** 2)))


# ----------------------------------------------------------------------------------------------------------
# Solving it three ways, counting evaluations of L
# ----------------------------------------------------------------------------------------------------------

METHODS = ("gradient", "two_point", "nelder-mead")


def squared_distance_matrix(n=None, path=CITIES_CSV):
    """The n largest cities and ``D`` = their squared great-circle distances divided by the largest one (so that
    coordinates are O(1) and one step size fits all), with the scale in km: ``(cities, D, km_per_unit)``."""
    cities = load_cities(path, n)
    km = great_circle(cities["latitude"], cities["longitude"])
    D = km**2
    scale = D.max()
    return cities, D / scale, float(np.sqrt(scale))


def solve(method, D, budget, seed=0, k=2, step=None, snapshots=40, grad_cost=None):
    """Minimise the slide's loss with ``method`` for at most ``budget`` evaluations of L (or their equivalent:
    a reverse-mode gradient is charged ``grad_cost`` evaluations, ``adlib.course.zero_order.GRAD_COST`` by default).

    ``"gradient"``: GD with ``adlib.grad``; ``"two_point"``: GD with the two-point estimator (2 evaluations per
    step, step size divided by d = N·k); ``"nelder-mead"``: ``scipy.optimize.minimize`` (every call counted).
    All start from the same seeded random configuration. Returns a dict with ``W`` (N×k), ``evaluations`` and
    ``losses`` (the loss after so many evaluations, recorded not paid) and ``snapshots``: a list of
    ``(evaluations, W)`` at about ``snapshots`` geometrically spaced budgets, for animations.
    """
    from . import zero_order as zo

    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    D = _check_D(D)
    if isinstance(budget, bool) or not isinstance(budget, int | np.integer) or budget < 10:
        raise ValueError(f"budget must be an integer >= 10 (evaluations of L), got {budget!r}")
    grad_cost = zo.GRAD_COST if grad_cost is None else grad_cost
    N = D.shape[0]
    W0 = 0.1 * np.random.default_rng(seed).standard_normal((N, k))
    step = 0.1 / N if step is None else step  # the Hessian of L grows like N: this is stable for these data

    def L(W):
        return mds_loss(W, D)

    marks = np.unique(np.geomspace(1, budget, snapshots).astype(int))
    if method in ("gradient", "two_point"):
        per_step = grad_cost if method == "gradient" else 2
        n_iter = max(1, int(budget // per_step))
        run = zo.gradient_descent(
            L, W0, method, step=step if method == "gradient" else step / W0.size, n_iter=n_iter, rng=seed,
            record_every=max(1, n_iter // 1000), keep_path=True, grad_cost=grad_cost,
        )  # fmt: skip
        evaluations, losses, path = run.evaluations, run.losses, run.path
        picks = np.unique(np.concatenate([[0], np.searchsorted(evaluations, marks, side="right") - 1]))
        return {
            "W": run.w, "evaluations": evaluations, "losses": losses,
            "snapshots": [(evaluations[j], path[j]) for j in picks], "diverged": run.diverged,
        }  # fmt: skip

    from scipy.optimize import minimize

    evaluations, losses, snapshots_ = [0], [float(L(W0))], [(0, W0)]
    marks_left = list(marks)

    def counted(x):
        W = x.reshape(N, k)
        value = float(L(W))
        evaluations.append(evaluations[-1] + 1)
        losses.append(min(value, losses[-1]))  # the best point so far is what Nelder–Mead would return
        if marks_left and evaluations[-1] >= marks_left[0]:
            marks_left.pop(0)
            snapshots_.append((evaluations[-1], W.copy()))
        return value

    options = {"maxfev": budget, "maxiter": 10 * budget, "xatol": 1e-12, "fatol": 1e-16, "adaptive": True}
    result = minimize(counted, W0.ravel(), method="Nelder-Mead", options=options)
    return {
        "W": result.x.reshape(N, k), "evaluations": np.array(evaluations, float), "losses": np.array(losses),
        "snapshots": snapshots_, "diverged": False,
    }  # fmt: skip


def projected_km(latitude, longitude):
    """A flat map of the points in km (equirectangular projection about their mean latitude): the reference an
    MDS solution is aligned to (with ``procrustes``) before it is drawn."""
    lat, lon = np.radians(np.asarray(latitude, float)), np.radians(np.asarray(longitude, float))
    return EARTH_RADIUS_KM * np.column_stack([lon * np.cos(lat.mean()), lat])


def solved_map_km(cities, D, km_per_unit):
    """Where a solution of the slide's loss ends up, in km, turned like a map: classical MDS of ``D`` (closed
    form, a few km from the minimiser of the slide's loss), aligned by ``procrustes`` to the real positions
    (``projected_km``), so that north is up and west is left. The target drawn under MDS solutions: unlike the
    projected positions, which no flat map of the true distances can match (a projection distorts them by
    ~100–200 km over Europe), a converged solution lands on it."""
    reference = projected_km(cities["latitude"], cities["longitude"])
    return procrustes(reference, km_per_unit * classical_mds(D)[0])[0]


def at_budget(result, budget):
    """The configuration of ``solve``'s ``result`` after at most ``budget`` evaluations (its last snapshot
    within the budget)."""
    chosen = result["snapshots"][0][1]
    for evaluations, W in result["snapshots"]:
        if evaluations > budget:
            break
        chosen = W
    return chosen


def mds_map(method, n_cities, budget, seed=0):
    """What the notebook's widget shows: solve MDS for the ``n_cities`` largest cities with ``method`` and
    ``budget`` evaluations, scale to km and align to the real map. Returns a dict: ``cities``, ``map_km`` (the
    real positions, projected), ``W_km`` (the solution, aligned), ``rms_km`` (their distance: it includes the
    projection's own distortion, ~100–200 km, so even an exact solution has it), ``solved_km`` (``solved_map_km``,
    where a solution ends up) and ``W_on_solved_km`` (the solution aligned to it), ``distance_error_km`` (the
    solution's error, ``distance_error_km``), ``classical_distance_error_km`` (the same for classical MDS, the
    closed-form map: what a solved problem looks like), ``loss``, ``evaluations`` used, ``result`` (``solve``'s)."""
    cities, D, km = squared_distance_matrix(n_cities)
    result = solve(method, D, budget, seed=seed)
    reference = projected_km(cities["latitude"], cities["longitude"])
    W_km, rms = procrustes(reference, km * result["W"])
    target = solved_map_km(cities, D, km)
    return {
        "cities": cities, "map_km": reference, "W_km": W_km, "rms_km": rms, "loss": float(result["losses"][-1]),
        "solved_km": target, "W_on_solved_km": procrustes(target, km * result["W"])[0],
        "distance_error_km": distance_error_km(result["W"], D, km),
        "classical_distance_error_km": distance_error_km(classical_mds(D)[0], D, km),
        "evaluations": float(result["evaluations"][-1]), "result": result,
    }  # fmt: skip


def plot_loss_vs_evaluations(ax, results, labels=None, L_min=None, lang=None):
    """Draw ``solve``'s ``results`` (a dict method -> result) on the matplotlib Axes ``ax``: ``L(W) − L_min`` against
    the evaluations of ``L`` spent, on log-log axes, one line per method labelled ``labels[method]`` (default: the
    method's name); ``L_min`` defaults to the lowest loss reached. Sets the axis labels (in the notebook's language,
    or ``lang``) and the legend (the title is the caller's) and returns the list of lines."""
    from . import zero_order as zo

    if not isinstance(results, dict) or not results:
        raise TypeError(f"plot_loss_vs_evaluations: results must be a non-empty dict method -> result of solve, "
                        f"got {type(results).__name__}")
    labels = {} if labels is None else labels
    if L_min is None:
        L_min = min(np.min(r["losses"]) for r in results.values())
    lines = []
    for method, result in results.items():
        evaluations = np.maximum(result["evaluations"], 1)
        lines += ax.loglog(evaluations, np.asarray(result["losses"]) - L_min + 1e-12, label=labels.get(method, method))
    ax.set_xlabel(tr(f"evaluations of $L$ (a gradient counted as {zo.GRAD_COST:g})",
                     f"число вычислений $L$ (градиент засчитан за {zo.GRAD_COST:g})", lang))
    ax.set_ylabel(r"$L(W) - L_{\min}$ " + tr(r"(+$10^{-12}$ to show 0)", r"(+$10^{-12}$, чтобы был виден 0)", lang))
    ax.legend()
    return lines


def animate_maps(results, cities, D, km_per_unit, budgets, methods=("gradient", "two_point"), labels=None,
                 figsize=(11.0, 5.0), interval=250, label_below_km=300.0, lang=None):  # fmt: skip
    """Рис. 3: one panel per method, the cities of ``solve``'s ``results[method]`` (solved for the squared
    distances ``D`` of ``cities``, ``squared_distance_matrix``'s ``km_per_unit``) after each of ``budgets``
    evaluations, aligned to the solved map (``solved_map_km``: where a solution ends up), drawn as grey crosses.
    Each panel's title gives the frame's ``distance_error_km``; the cities of ``LABELLED`` are named in a panel's
    frame only once its error is below ``label_below_km`` (before that the names would pile up). Returns
    ``(figure, FuncAnimation)``; the caller closes the figure once the animation is rendered (``to_jshtml()``,
    ``save``). Texts (and the named cities) in the notebook's language, or ``lang``."""
    import matplotlib.pyplot as plt
    from matplotlib import animation

    budgets = [int(b) for b in budgets]
    if not budgets or not set(methods) <= set(results):
        raise ValueError("animate_maps needs at least one budget and a result for every method shown")
    labels = {} if labels is None else labels
    names = list(cities["name"])
    named = [names.index(name) for name in LABELLED if name in names]
    D = _check_D(D, len(names))
    reference = solved_map_km(cities, D, km_per_unit)

    def frame_of(method, budget):
        W = at_budget(results[method], budget)
        return procrustes(reference, km_per_unit * W)[0], distance_error_km(W, D, km_per_unit)

    fig, axes = plt.subplots(1, len(methods), figsize=figsize, sharex=True, sharey=True, squeeze=False)
    axes = axes[0]
    points, texts, titles = [], [], []
    for ax, method in zip(axes, methods):
        ax.plot(*reference.T, "x", color="0.45", ms=7, zorder=3)
        W, _ = frame_of(method, budgets[0])
        points.append(ax.scatter(*W.T, s=20, color="tab:blue"))
        texts.append([ax.annotate(place_name(names[i], lang), W[i], xytext=(4, 4),
                                  textcoords="offset points") for i in named])
        titles.append(ax.set_title(""))
        ax.set_xlim(reference[:, 0].min() - 1000, reference[:, 0].max() + 1600)  # room for the names on the right
        ax.set_ylim(reference[:, 1].min() - 900, reference[:, 1].max() + 900)
        ax.set_aspect("equal")
        ax.set_xlabel(tr("km (west–east)", "км (запад–восток)", lang))
    axes[0].set_ylabel(tr("km (south–north)", "км (юг–север)", lang))
    caption = fig.suptitle("")

    def draw(frame):
        for scatter, method, named_texts, title in zip(points, methods, texts, titles):
            W, error = frame_of(method, budgets[frame])
            scatter.set_offsets(W)
            for i, text in zip(named, named_texts):
                text.xy = W[i]
                text.set_visible(bool(error < label_below_km))
            off = tr(f"distances off by {error:.0f} km (rms)", f"ошибка расстояний {error:.0f} км (ср. кв.)", lang)
            title.set_text(f"{labels.get(method, method)}\n{off}")
        evaluations_ru = plural_ru(budgets[frame], "вычисления", "вычислений", "вычислений")  # после 61 вычисления
        caption.set_text(tr(f"after {budgets[frame]} evaluations of L (grey ×: where a solution ends up)",
                            f"после {budgets[frame]} {evaluations_ru} L "
                            "(серые ×: карта, к которой сходится решение)", lang))
        return points

    draw(0)
    fig.tight_layout()
    return fig, animation.FuncAnimation(fig, draw, frames=len(budgets), interval=interval)
