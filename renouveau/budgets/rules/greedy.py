"""Greedy utilitarian welfare, equal to pabutools' ``greedy_utilitarian_welfare`` (additive case).

Projects are ordered by decreasing *density* = total satisfaction / cost (``inf`` for a free
project with a positive total satisfaction, ``0`` when the total satisfaction is not positive), ties
broken by increasing project id (string order: pabutools' default ``lexico_tie_breaking``).  Each
project is taken if its cost fits in the remaining budget.  Densities are exact fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .compiled import Compiled


@dataclass
class GreedyStep:
    project: int
    selected: bool
    density: Fraction | None  # None means infinite
    remaining_before: Fraction


def density(comp: Compiled, j: int) -> Fraction | None:
    total = comp.total_sat(j)
    if total > 0:
        if comp.costs[j] > 0:
            return total / comp.costs[j]
        return None
    return Fraction(0)


def greedy(comp: Compiled, initial: list[int] | None = None) -> tuple[list[int], list[GreedyStep]]:
    """Return ``(selection, steps)``: ``initial`` followed by the greedily added projects."""
    initial = list(initial or [])
    taken = set(initial)
    dens = {j: density(comp, j) for j in range(comp.n_projects) if j not in taken}

    def key(j: int):
        d = dens[j]
        return (0, Fraction(0), comp.ids[j]) if d is None else (1, -d, comp.ids[j])

    order = sorted(dens, key=key)
    remaining = comp.budget - sum((comp.costs[j] for j in initial), Fraction(0))
    selection = list(initial)
    steps: list[GreedyStep] = []
    for j in order:
        fits = comp.costs[j] <= remaining
        steps.append(GreedyStep(j, fits, dens[j], remaining))
        if fits:
            selection.append(j)
            remaining -= comp.costs[j]
    return selection, steps
