"""Exact utilitarian optimum: maximise the total satisfaction under the budget limit.

The knapsack ``max sum_j T_j x_j  s.t.  sum_j c_j x_j <= B, x binary`` is solved with
``scipy.optimize.milp`` (HiGHS) on integer data: satisfactions and costs are multiplied by the least
common multiple of their denominators, then divided by their greatest common divisor, so the
problem is integral.  The solver works in floating point, so its answer is *certified*:

1. the rounded solution is checked exactly (its cost is at most the budget);
2. a second MILP asks for a feasible set with a total satisfaction at least ``W + 1`` (``W`` the
   exact integer value found); a solution is re-checked exactly and replaces the current one, and the
   loop goes on until the solver proves infeasibility.

Free projects with a non-negative total satisfaction are always taken.  When several sets reach the
optimum the one returned is the solver's (pabutools does not specify it either); tests compare the
optimal welfare.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .compiled import Compiled


def _integerise(values: list[Fraction]) -> list[int]:
    lcm = 1
    for v in values:
        lcm = math.lcm(lcm, v.denominator)
    ints = [int(v * lcm) for v in values]
    g = 0
    for x in ints:
        g = math.gcd(g, x)
    return [x // g for x in ints] if g > 1 else ints


def optimal(comp: Compiled) -> tuple[list[int], Fraction]:
    """Return ``(selection, welfare)``: project indices sorted by id, and the exact total satisfaction."""
    m = comp.n_projects
    totals = [comp.total_sat(j) for j in range(m)]
    forced = [j for j in range(m) if comp.costs[j] == 0 and totals[j] >= 0]
    free = [
        j for j in range(m) if j not in forced and totals[j] > 0 and comp.costs[j] <= comp.budget
    ]
    selection = list(forced)
    if free:
        ints = _integerise([totals[j] for j in free])
        cost_ints = _integerise([comp.costs[j] for j in free] + [comp.budget])
        costs_i, budget_i = cost_ints[:-1], cost_ints[-1]
        chosen = _solve(ints, costs_i, budget_i)
        selection += [free[k] for k in chosen]
    welfare = sum((totals[j] for j in selection), Fraction(0))
    selection.sort(key=lambda j: comp.ids[j])
    return selection, welfare


def _solve(values: list[int], costs: list[int], budget: int) -> list[int]:
    n = len(values)
    c = -np.asarray(values, dtype=float)
    a_cost = np.asarray([costs], dtype=float)
    integrality = np.ones(n)
    bounds = Bounds(np.zeros(n), np.ones(n))
    options = {"mip_rel_gap": 0.0, "presolve": True}
    best: list[int] = []
    best_value = 0
    # A greedy start guarantees a valid answer even if the solver misbehaves.
    order = sorted(range(n), key=lambda k: Fraction(values[k], max(costs[k], 1)), reverse=True)
    spent = 0
    for k in order:
        if spent + costs[k] <= budget:
            best.append(k)
            spent += costs[k]
            best_value += values[k]
    constraints = [LinearConstraint(a_cost, -np.inf, budget)]
    for _ in range(50):
        res = milp(
            c,
            constraints=constraints
            + [LinearConstraint(np.asarray([values], dtype=float), best_value + 0.5, np.inf)],
            integrality=integrality,
            bounds=bounds,
            options=options,
        )
        if res.x is None:
            break  # proven: nothing better than best_value
        x = [k for k in range(n) if res.x[k] > 0.5]
        if sum(costs[k] for k in x) > budget or sum(values[k] for k in x) <= best_value:
            break  # numerically doubtful answer: keep the certified one
        best = x
        best_value = sum(values[k] for k in x)
    return sorted(best)
