"""Compilation of an election into grouped integer arrays used by the rules.

Identical ballots are merged into *groups* with a weight (their multiplicity).  The satisfaction of
group ``i`` for project ``j`` is ``scale[j] * units[i, j]`` where ``units`` is a non-negative (or,
for scoring ballots, possibly negative) integer matrix:

* approval + ``cost`` satisfaction (pabutools ``Cost_Sat``): ``units`` is 0/1, ``scale`` the cost;
* approval + ``cardinality`` (``Cardinality_Sat``): ``units`` is 0/1, ``scale`` is 1;
* cumulative/scoring + ``points`` (``Additive_Cardinal_Sat``): ``units`` are the points multiplied by
  the least common multiple of their denominators (1 for integer points), ``scale`` is 1.  Scaling
  every satisfaction by the same positive factor changes no outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .model import ElectionError, Instance, Profile

SATISFACTIONS = ("cost", "cardinality", "points")


@dataclass
class Compiled:
    instance: Instance
    sat: str
    ids: list[str]
    costs: list[Fraction]
    budget: Fraction
    n_voters: int
    units: np.ndarray  # (groups, projects) int64
    weights: np.ndarray  # (groups,) int64
    scale: list[Fraction]
    group_of_ballot: np.ndarray  # (ballots,) index of the group of each ballot

    @property
    def n_projects(self) -> int:
        return len(self.ids)

    def total_units(self, j: int) -> int:
        """Sum over voters of the integer satisfaction units for project ``j``."""
        return int(self.weights @ self.units[:, j])

    def total_sat(self, j: int) -> Fraction:
        return self.scale[j] * self.total_units(j)

    def supporters(self, j: int) -> int:
        """Number of voters with a positive satisfaction for project ``j``."""
        return int(self.weights[self.units[:, j] > 0].sum())


def resolve_sat(profile: Profile, sat: str | None) -> str:
    if profile.vote_type == "ordinal":
        raise ElectionError(
            "the rules need approval, choose-1, cumulative or scoring ballots, not ordinal ones"
        )
    if sat is None:
        return "cost" if profile.is_approval else "points"
    if sat not in SATISFACTIONS:
        raise ElectionError(f"unknown satisfaction {sat!r} (expected cost, cardinality or points)")
    if profile.is_approval:
        if sat == "points":
            raise ElectionError("'points' satisfaction needs cumulative or scoring ballots")
        return sat
    # cumulative / scoring ballots: the satisfaction is always the points.
    if sat == "cardinality":
        raise ElectionError("'cardinality' satisfaction applies to approval ballots only")
    return "points"


def compile_election(instance: Instance, profile: Profile, sat: str | None = "cost") -> Compiled:
    sat = resolve_sat(profile, sat)
    ids = instance.ids
    m = len(ids)
    index = {pid: j for j, pid in enumerate(ids)}
    approval = profile.is_approval
    lcm = 1
    if not approval:
        for ballot in profile.ballots:
            for x in ballot.points or ():
                lcm = math.lcm(lcm, Fraction(x).denominator)
    keys: dict[tuple, int] = {}
    group_of_ballot = np.empty(len(profile.ballots), dtype=np.int64)
    rows: list[tuple] = []
    counts: list[int] = []
    for k, ballot in enumerate(profile.ballots):
        if approval:
            key = tuple(sorted({index[p] for p in ballot.vote}))
        else:
            key = tuple(
                sorted(
                    (index[p], int(Fraction(x) * lcm))
                    for p, x in zip(ballot.vote, ballot.points or (), strict=True)
                )
            )
        g = keys.get(key)
        if g is None:
            g = keys[key] = len(rows)
            rows.append(key)
            counts.append(0)
        counts[g] += 1
        group_of_ballot[k] = g
    units = np.zeros((len(rows), m), dtype=np.int64)
    for g, key in enumerate(rows):
        if approval:
            if key:
                units[g, list(key)] = 1
        else:
            for j, u in key:
                units[g, j] = u
    weights = np.asarray(counts, dtype=np.int64)
    costs = [p.cost for p in instance.projects]
    scale = list(costs) if sat == "cost" else [Fraction(1)] * m
    return Compiled(
        instance=instance,
        sat=sat,
        ids=ids,
        costs=costs,
        budget=instance.budget,
        n_voters=len(profile.ballots),
        units=units,
        weights=weights,
        scale=scale,
        group_of_ballot=group_of_ballot,
    )
