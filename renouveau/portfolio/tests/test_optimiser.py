"""The optimiser's programme is optimal (checked by brute force on small cases) and infeasible
constraints are explained, never raised."""

from itertools import product

import numpy as np
import pytest

from renouveau.portfolio import optimiser as opt


def brute_force(problem):
    best, best_x = -1.0, None
    for bits in product((0, 1), repeat=problem.size):
        x = np.array(bits)
        if opt.violated(problem.groups, x):
            continue
        value = float(problem.utility @ x)
        if value > best + 1e-9:
            best, best_x = value, x
    return best, best_x


def random_problem(seed, n=10, years=3):
    rng = np.random.default_rng(seed)
    utility = rng.integers(1, 20, n).astype(float)
    costs = rng.integers(0, 10, (n, years)).astype(float)
    groups = [
        opt.at_most(
            f"budget:{y}", f"Budget {y}", "budget", n, costs[:, y], costs[:, y].sum() * 0.45
        )
        for y in range(years)
    ]
    members = rng.random(n) < 0.4
    groups.append(opt.at_least("min:0", "Minimum", "workstream_min", n, costs[:, 0] * members, 3))
    territory = rng.random(n) < 0.5
    total = costs.sum(axis=1)
    groups.append(opt.min_share("share:t", "Équilibre", n, total * territory, total, 0.25))
    i, j, k, m = rng.choice(n, 4, replace=False)
    groups.append(opt.incompatible("inc", "Incompatibles", n, i, j))
    groups.append(opt.requires("req", "Dépendance", n, k, m))
    groups.append(opt.force_in("mand", "Obligatoire", n, int(rng.integers(n))))
    return opt.Problem(utility=utility, groups=groups, names=[f"P{i}" for i in range(n)])


@pytest.mark.parametrize("seed", range(12))
def test_optimal_against_brute_force(seed):
    problem = random_problem(seed)
    best, _x = brute_force(problem)
    solution = opt.solve(problem)
    if best < 0:
        assert solution.status == opt.INFEASIBLE and solution.conflict
        return
    assert solution.status == opt.OPTIMAL
    assert solution.objective == pytest.approx(best)
    assert solution.bound == pytest.approx(best) and solution.gap == 0
    assert not opt.violated(problem.groups, solution.selected.astype(int))


def test_knapsack_by_hand():
    # Budget 10: A (cost 6, u 10), B (5, 6), C (5, 6) → B + C (u 12) beats A (u 10).
    problem = opt.Problem(
        np.array([10.0, 6, 6]),
        [opt.at_most("budget", "Budget", "budget", 3, [6, 5, 5], 10)],
        names=["A", "B", "C"],
    )
    solution = opt.solve(problem)
    assert list(solution.selected) == [False, True, True]
    assert solution.uses[0].binding and solution.uses[0].activity == 10
    why_not_a = opt.explain(problem, solution, 0)
    assert not why_not_a.selected
    assert [(g.key, excess) for g, excess in why_not_a.blocking] == [("budget", 6.0)]
    assert why_not_a.utility_cost == pytest.approx(2.0)  # forcing A in: A alone, 10 vs 12
    assert why_not_a.leaving == [1, 2]
    why_b = opt.explain(problem, solution, 1)
    assert why_b.selected and why_b.utility_cost == pytest.approx(2.0)  # without B: A, 10


def test_infeasible_explains_the_conflict():
    # Two mandatory projects cost 8 in a year whose budget is 6; a third group is harmless.
    n = 3
    problem = opt.Problem(
        np.ones(n),
        [
            opt.at_most("budget:2027", "Budget 2027", "budget", n, [4, 4, 1], 6),
            opt.force_in("mandatory:0", "A obligatoire", n, 0),
            opt.force_in("mandatory:1", "B obligatoire", n, 1),
            opt.incompatible("inc", "B et C incompatibles", n, 1, 2),
        ],
    )
    solution = opt.solve(problem)
    assert solution.status == opt.INFEASIBLE
    assert {g.key for g in solution.conflict} == {"budget:2027", "mandatory:0", "mandatory:1"}
    assert solution.conflict_minimal


def test_explain_infeasible_forcing_names_the_incompatibility():
    n = 2
    problem = opt.Problem(
        np.array([5.0, 1.0]),
        [opt.force_in("m", "A obligatoire", n, 0), opt.incompatible("inc", "A ou B", n, 0, 1)],
    )
    solution = opt.solve(problem)
    assert list(solution.selected) == [True, False]
    why = opt.explain(problem, solution, 1)
    assert why.alternative_status == opt.INFEASIBLE
    assert {g.key for g in why.conflict} == {"m", "inc"}
    assert {g.key for g, _ in why.blocking} == {"inc"}


def test_empty_problem():
    solution = opt.solve(opt.Problem(np.zeros(0), []))
    assert solution.status == opt.OPTIMAL and solution.objective == 0


def test_diagnose_feasible_and_out_of_time():
    n = 2
    ok = opt.Problem(np.ones(n), [opt.at_most("b", "Budget", "budget", n, [1, 1], 1)])
    assert opt.diagnose(ok) == ([], True)
    bad = opt.Problem(
        np.ones(n),
        [
            opt.force_in("a", "A", n, 0),
            opt.force_in("b", "B", n, 1),
            opt.incompatible("i", "A/B", n, 0, 1),
        ],
    )
    core, minimal = opt.diagnose(bad, deadline_seconds=0)
    assert not minimal and len(core) == 3  # still a conflicting set, flagged as maybe too large
    core, minimal = opt.diagnose(bad)
    assert minimal and {g.key for g in core} == {"a", "b", "i"}


def test_group_uses_count_blocked_and_forced_projects():
    n = 3
    problem = opt.Problem(
        np.array([1.0, 1.0, 1.0]),
        [
            opt.at_least("floor", "Minimum", "workstream_min", n, [3, 3, 0], 5),
            opt.at_most("budget", "Budget", "budget", n, [3, 3, 2], 7),
        ],
    )
    solution = opt.solve(problem)
    assert list(solution.selected) == [True, True, False]
    floor, budget = solution.uses
    assert (floor.forces, floor.blocks) == (2, 0)  # removing either project breaks the minimum
    assert (budget.forces, budget.blocks) == (0, 1)  # the third project does not fit


def test_time_limit_keeps_the_best_programme_and_its_proven_bound():
    # A 1 500-project knapsack over 6 tight yearly budgets is not proven optimal in 3 s: the
    # result is the best programme found, feasible, with an upper bound on the optimum. (With
    # 0.2 s, a loaded CI machine sometimes stopped HiGHS before its first programme.)
    rng = np.random.default_rng(7)
    n, years = 1500, 6
    utility = rng.integers(0, 157, n) / 156
    costs = np.round(
        rng.lognormal(np.log(3e6), 0.8, (n, years)) * (rng.random((n, years)) < 0.5), -3
    )
    groups = [
        opt.at_most(f"b{y}", f"Budget {y}", "budget", n, costs[:, y], 0.35 * costs[:, y].sum())
        for y in range(years)
    ]
    problem = opt.Problem(utility, groups)
    solution = opt.solve(problem, time_limit=3.0)
    assert solution.status in (opt.OPTIMAL, opt.TIME_LIMIT)
    assert solution.feasible and not opt.violated(groups, solution.selected.astype(int))
    assert solution.objective == pytest.approx(float(utility @ solution.selected))
    assert solution.bound >= solution.objective - 1e-9
    if solution.status == opt.TIME_LIMIT:
        assert solution.gap > 0 and solution.bound > solution.objective
