"""Multi-criteria ranking, pure NumPy (no Django): weighted sum, TOPSIS, PROMETHEE II, and
sensitivity.

``matrix`` is an (alternatives × criteria) array. For the weighted sum it must already be
normalised to [0, 1] per criterion (0 the worst level of the scale, 1 the best). TOPSIS uses
vector normalisation of the raw matrix (Hwang & Yoon, 1981): r_ij = x_ij / ||x_.j||, v = r·w,
ideal A+ = best of each column, anti-ideal A- = worst, closeness C = d- / (d+ + d-).
PROMETHEE II (Brans & Vincke, 1985) works on the normalised matrix with a linear ("V-shape")
preference function per criterion: P(d) = min(1, max(0, d) / p), p the preference threshold
(a quarter of the scale by default, one step of a 0-4 scale); its net flow
phi(a) = 1/(n-1) sum_b sum_j w_j (P_j(a, b) - P_j(b, a)) lies in [-1, 1].
Ranks are 1-based; ties keep the input order (stable), after rounding to 1e-9 so that
floating-point noise does not reorder equal scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

METHODS = ("weighted_sum", "topsis", "promethee")
PROMETHEE_THRESHOLD = 0.25


def normalise_weights(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or np.any(w < 0):
        raise ValueError("weights must be a vector of non-negative numbers")
    total = w.sum()
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return w / total


def weighted_sum(matrix, weights) -> np.ndarray:
    x = np.asarray(matrix, dtype=float)
    return x @ normalise_weights(weights) if x.size else np.zeros(x.shape[0])


def topsis(matrix, weights, benefit=None) -> np.ndarray:
    """TOPSIS closeness coefficient in [0, 1] (1 = the ideal). ``benefit[j]`` False marks a
    cost criterion (lower is better). A column of zeros contributes nothing; when every
    alternative is at once ideal and anti-ideal the closeness is 0.5."""
    x = np.asarray(matrix, dtype=float)
    n, m = x.shape
    if n == 0:
        return np.zeros(0)
    w = normalise_weights(weights)
    norms = np.sqrt((x**2).sum(axis=0))
    norms[norms == 0] = 1.0
    v = x / norms * w
    benefit = np.ones(m, dtype=bool) if benefit is None else np.asarray(benefit, dtype=bool)
    ideal = np.where(benefit, v.max(axis=0), v.min(axis=0))
    anti = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1), 0.5)
    return closeness


def criterion_flows(matrix, threshold: float = PROMETHEE_THRESHOLD) -> np.ndarray:
    """(n × m) net flow of each alternative on each criterion alone, in [-1, 1]:
    1/(n-1) sum_b clip((x_a - x_b) / p, -1, 1), since P(d) - P(-d) = clip(d / p, -1, 1).
    Computed in O(m n log n) from the sorted column and its prefix sums (no n × n table)."""
    x = np.asarray(matrix, dtype=float)
    if threshold <= 0:
        raise ValueError("the preference threshold must be positive")
    n, m = x.shape
    flows = np.zeros((n, m))
    if n < 2:
        return flows
    for j in range(m):
        v = x[:, j]
        s = np.sort(v)
        prefix = np.concatenate(([0.0], np.cumsum(s)))
        low = np.searchsorted(s, v - threshold, side="right")  # x_b <= x_a - p: +1 each
        high = np.searchsorted(s, v + threshold, side="left")  # x_b >= x_a + p: -1 each
        middle = (high - low) * v - (prefix[high] - prefix[low])  # sum of (x_a - x_b) between
        flows[:, j] = (low - (n - high) + middle / threshold) / (n - 1)
    return flows


def promethee2(matrix, weights, threshold: float = PROMETHEE_THRESHOLD) -> np.ndarray:
    """PROMETHEE II net flow in [-1, 1] of each alternative (``matrix`` normalised to [0, 1],
    every criterion to maximise)."""
    x = np.asarray(matrix, dtype=float)
    if x.shape[0] == 0:
        return np.zeros(0)
    return criterion_flows(x, threshold) @ normalise_weights(weights)


def scores_for(method: str, matrix, weights) -> np.ndarray:
    """Scores in [0, 1], higher is better (PROMETHEE II's net flow is mapped by (phi + 1) / 2)."""
    if method == "weighted_sum":
        return weighted_sum(matrix, weights)
    if method == "topsis":
        return topsis(matrix, weights)
    if method == "promethee":
        return (promethee2(matrix, weights) + 1) / 2
    raise ValueError(f"unknown method {method!r}")


def ranks(scores) -> np.ndarray:
    """1-based ranks, best first; equal scores keep the input order."""
    s = np.round(np.asarray(scores, dtype=float), 9)
    order = np.argsort(-s, kind="stable")
    result = np.empty(len(s), dtype=int)
    result[order] = np.arange(1, len(s) + 1)
    return result


@dataclass
class RankChange:
    index: int
    rank: int
    new_rank: int


@dataclass
class Perturbation:
    criterion: int
    factor: float  # e.g. 1.2 for +20 %
    changes: list[RankChange] = field(default_factory=list)


@dataclass
class Sensitivity:
    base_ranks: np.ndarray
    perturbations: list[Perturbation]
    max_shift: np.ndarray  # per alternative, the largest rank move over all perturbations

    @property
    def stable(self) -> np.ndarray:
        return self.max_shift == 0


def sensitivity(
    matrix, weights, *, method: str = "weighted_sum", delta: float = 0.2
) -> Sensitivity:
    """Move each criterion's weight by ×(1 − delta) and ×(1 + delta) in turn (the others
    unchanged, then renormalised) and record which alternatives change rank."""
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    base = ranks(scores_for(method, x, w))
    n, m = x.shape
    perturbations: list[Perturbation] = []
    max_shift = np.zeros(n, dtype=int)
    for j in range(m):
        if w[j] == 0:
            continue
        for factor in (1 - delta, 1 + delta):
            moved = w.copy()
            moved[j] *= factor
            new = ranks(scores_for(method, x, moved))
            changed = np.nonzero(new != base)[0]
            np.maximum(max_shift, np.abs(new - base), out=max_shift)
            perturbations.append(
                Perturbation(
                    criterion=j,
                    factor=factor,
                    changes=[RankChange(int(i), int(base[i]), int(new[i])) for i in changed],
                )
            )
    return Sensitivity(base_ranks=base, perturbations=perturbations, max_shift=max_shift)
