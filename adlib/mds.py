"""The lecture's example: multidimensional scaling (MDS) of European cities.

Given a matrix ``D`` of *squared* distances between N objects, find points ``W_i ∈ R^k`` with

    L(W) = Σ_{i,j} (‖W_i − W_j‖² − D_ij)²  →  min over W ∈ R^{N×k}          (the slide's loss)

``mds_loss`` is written with ``adlib.numpy``, so ``adlib.grad(mds_loss)`` is its gradient. ``classical_mds`` is the
closed-form answer to the slide's question «is it related to PCA?»: double-centre ``D`` to get a Gram matrix
``B = −½ J D J`` and take its top eigenvectors, which is PCA of the (unknown) points. ``procrustes`` aligns two
configurations (rotation/reflection + translation), since the loss cannot tell a map from its mirror image.
"""

import csv
from pathlib import Path

import numpy as np

from . import numpy as anp

__all__ = ["EARTH_RADIUS_KM", "CITIES_CSV", "load_cities", "great_circle", "mds_loss", "classical_mds", "procrustes"]

EARTH_RADIUS_KM = 6371.0
CITIES_CSV = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "european_cities.csv"


def load_cities(path=CITIES_CSV, n=None):
    """The cities of the CSV file (comment lines start with ``#``), largest first: a dict of arrays ``name``,
    ``country``, ``latitude``, ``longitude``, ``population``; ``n`` keeps the n most populous."""
    path = Path(path)
    if not path.exists():
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
