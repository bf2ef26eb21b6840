"""Grouping grid cells into communities and communities into streets.

A balanced k-means (a power diagram: each centre carries an additive weight
that grows while its cluster is too small) gives compact groups of a chosen
size, so that every community holds a realistic number of base grids and a
2-digit grid number never overflows.  Groups are then made contiguous: a
fragment cut off from its group is handed to the neighbouring group it shares
the longest border with.
"""

from __future__ import annotations

import numpy as np
import shapely

#: fixed-precision overlay grid (metres): shared edges snap to identical vertices
GRID_SIZE = 0.001


def balanced_kmeans(
    pts: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
    *,
    iters: int = 60,
) -> np.ndarray:
    """Assign ``pts`` (n, d) to ``len(targets)`` compact clusters of about ``targets`` points.

    Extra coordinates beyond x, y act as barriers (e.g. the side of a river).
    """
    n, k = len(pts), len(targets)
    targets = np.asarray(targets, dtype=float)
    # k-means++ seeding, deterministic from rng
    centers = np.empty((k, pts.shape[1]))
    centers[0] = pts[rng.integers(n)]
    d2 = ((pts - centers[0]) ** 2).sum(1)
    for i in range(1, k):
        centers[i] = pts[rng.choice(n, p=d2 / d2.sum())]
        d2 = np.minimum(d2, ((pts - centers[i]) ** 2).sum(1))
    span = np.ptp(pts[:, :2], axis=0).prod() / k  # typical squared cluster radius
    w = np.zeros(k)
    labels = np.zeros(n, dtype=np.int64)
    for it in range(iters):
        dist = ((pts[:, None, :] - centers[None, :, :]) ** 2).sum(-1) - w[None, :]
        labels = dist.argmin(1)
        counts = np.bincount(labels, minlength=k).astype(float)
        empty = counts == 0
        safe = np.maximum(counts, 1)
        sums = np.column_stack([np.bincount(labels, pts[:, d], minlength=k)
                                for d in range(pts.shape[1])])
        centers = np.where(empty[:, None], centers, sums / safe[:, None])
        # grow undersized clusters, shrink oversized ones; damp late iterations
        step = 0.5 * span * (1.0 - 0.5 * it / iters)
        w += step * (targets - counts) / np.maximum(targets, 1)
    # a cluster left empty takes the point nearest its centre from a larger cluster
    counts = np.bincount(labels, minlength=k)
    for c in np.flatnonzero(counts == 0).tolist():
        d = ((pts - centers[c]) ** 2).sum(1)
        d[counts[labels] <= 1] = np.inf
        i = int(np.argmin(d))
        counts[labels[i]] -= 1
        labels[i] = c
        counts[c] = 1
    return labels


def group_targets(rng: np.random.Generator, total: int, k: int, spread: float,
                  cap: int | None = None) -> np.ndarray:
    """Integer group sizes summing to ``total``, log-normally varied by ``spread``."""
    raw = rng.lognormal(0.0, spread, k)
    raw = raw / raw.sum() * total
    if cap is not None:
        for _ in range(20):
            raw = np.minimum(raw, cap)
            raw = raw / raw.sum() * total
    out = np.floor(raw).astype(int)
    out = np.maximum(out, 1)
    rest = total - out.sum()
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    i = 0
    while rest != 0:
        j = order[i % k]
        if rest > 0 and (cap is None or out[j] < cap):
            out[j] += 1
            rest -= 1
        elif rest < 0 and out[j] > 1:
            out[j] -= 1
            rest += 1
        i += 1
    return out


def neighbours(geoms: np.ndarray) -> list[list[tuple[int, float]]]:
    """For each polygon, its edge-sharing neighbours with the shared border length."""
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.length(
        shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b]),
                             grid_size=GRID_SIZE)
    )
    out: list[list[tuple[int, float]]] = [[] for _ in range(len(geoms))]
    for i, j, s in zip(a.tolist(), b.tolist(), shared.tolist(), strict=True):
        if s > 0.5:
            out[i].append((j, s))
            out[j].append((i, s))
    return out


def make_contiguous(
    geoms: np.ndarray,
    labels: np.ndarray,
    k: int,
    nbrs: list[list[tuple[int, float]]],
    max_rounds: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """Reassign stray members so every group's union is one Polygon.

    Returns the new labels and the group polygons (union of members).
    """
    labels = labels.copy()
    reps = shapely.point_on_surface(geoms)
    unions = np.empty(k, dtype=object)
    dirty = set(range(k))
    for _ in range(max_rounds):
        moved = False
        for g in sorted(dirty):
            members = np.flatnonzero(labels == g)
            unions[g] = shapely.union_all(geoms[members], grid_size=GRID_SIZE)
        dirty = set()
        for g in range(k):
            u = unions[g]
            if shapely.get_type_id(u) == 3 or shapely.is_empty(u):  # Polygon
                continue
            parts = shapely.get_parts(u)
            main = parts[np.argmax(shapely.area(parts))]
            members = np.flatnonzero(labels == g)
            stray = members[~shapely.contains(main, reps[members])]
            for i in stray.tolist():
                best, best_len = -1, 0.0
                for j, s in nbrs[i]:
                    if labels[j] != g and s > best_len:
                        best, best_len = int(labels[j]), s
                if best >= 0:
                    dirty.update((g, best))
                    labels[i] = best
                    moved = True
        if not moved:
            break
    return labels, unions


def rebalance(
    labels: np.ndarray,
    k: int,
    nbrs: list[list[tuple[int, float]]],
    lo: int,
    hi: int,
) -> np.ndarray:
    """Move border members so that every group holds between ``lo`` and ``hi`` members.

    Grid numbers have two digits, so a community may hold at most 99 grids; a
    community of one grid would look odd.  Each move takes the member sharing
    the longest border with the receiving group, which keeps both compact.
    """
    labels = labels.copy()
    sizes = np.bincount(labels, minlength=k)
    for _ in range(10 * len(labels)):
        over = np.flatnonzero(sizes > hi)
        under = np.flatnonzero(sizes < lo)
        if len(over) == 0 and len(under) == 0:
            break
        best, best_len, target = -1, 0.0, -1
        if len(over):
            g = int(over[0])
            for i in np.flatnonzero(labels == g).tolist():
                for j, s in nbrs[i]:
                    h = int(labels[j])
                    if h != g and sizes[h] < hi and s > best_len:
                        best, best_len, target = i, s, h
        else:
            g = int(under[0])
            for i in np.flatnonzero(labels == g).tolist():
                for j, s in nbrs[i]:
                    h = int(labels[j])
                    if h != g and sizes[h] > lo and s > best_len:
                        best, best_len, target = j, s, g
        if best < 0:
            break  # nobody can give or take; leave it
        sizes[labels[best]] -= 1
        labels[best] = target
        sizes[target] += 1
    return labels
