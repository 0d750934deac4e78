"""Property-based comparison with pabutools on small random elections (run live)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renouveau.budgets.rules import make_election, solve, write_pabulib
from renouveau.budgets.rules.compiled import compile_election

pabutools_election = pytest.importorskip("pabutools.election")
pabutools_rules = pytest.importorskip("pabutools.rules")

IDS = ["1", "2", "10", "3", "a", "B", "20", "p"]  # string order differs from numeric order
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def elections(draw, cardinal: bool = False):
    m = draw(st.integers(1, 6))
    ids = draw(st.permutations(IDS))[:m]
    costs = [draw(st.sampled_from([0, 1, 2, 3, 5, 6, 10, 12, 15, 20, 30])) for _ in ids]
    if draw(st.booleans()):
        costs = [c if c else 1 for c in costs]  # most instances without free projects
    budget = draw(st.sampled_from([Fraction(k, 2) for k in range(2, 121)]))
    n = draw(st.integers(1, 9))
    ballots = []
    for _ in range(n):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=m))
        if cardinal:
            ballots.append({p: draw(st.integers(1, 5)) for p in chosen})
        else:
            ballots.append(chosen)
    projects = [{"id": p, "cost": c} for p, c in zip(ids, costs, strict=True)]
    vote_type = draw(st.sampled_from(["cumulative", "scoring"])) if cardinal else "approval"
    return make_election(projects, ballots, budget, vote_type=vote_type)


def _pabutools(instance, profile, rule, sat):
    from pabutools.election import (
        Additive_Cardinal_Sat,
        Cardinality_Sat,
        Cost_Sat,
    )
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import (
        MaxAddUtilWelfareAlgo,
        greedy_utilitarian_welfare,
        max_additive_utilitarian_welfare,
        method_of_equal_shares,
    )

    inst, prof = parse_pabulib_from_string(write_pabulib(instance, profile))
    sat_class = {"cost": Cost_Sat, "cardinality": Cardinality_Sat, "points": Additive_Cardinal_Sat}[
        sat
    ]
    if rule == "greedy":
        res = greedy_utilitarian_welfare(inst, prof, sat_class=sat_class)
    elif rule == "mes":
        res = method_of_equal_shares(inst, prof, sat_class=sat_class)
    elif rule == "optimal":
        res = max_additive_utilitarian_welfare(
            inst, prof, sat_class=sat_class, inner_algo=MaxAddUtilWelfareAlgo.ILP_SOLVER
        )
    else:
        res = method_of_equal_shares(inst, prof, sat_class=sat_class, voter_budget_increment=1)
        if rule == "mes-add1-greedy":
            res = greedy_utilitarian_welfare(
                inst, prof, sat_class=sat_class, initial_budget_allocation=res
            )
    return [p.name for p in res]


def _normalise(instance, selection):
    """pabutools puts free supported projects first in set order: compare that prefix as a set."""
    k = 0
    while k < len(selection) and instance.project(selection[k]).cost == 0:
        k += 1
    return sorted(selection[:k]), selection[k:]


def _check(instance, profile, rule, sat):
    ours = solve(instance, profile, rule=rule, sat=sat)
    theirs = _pabutools(instance, profile, rule, sat)
    assert instance.total_cost(ours.selected) <= instance.budget
    if rule == "optimal":
        comp = compile_election(instance, profile, sat)
        index = {pid: j for j, pid in enumerate(comp.ids)}
        welfare = sum((comp.total_sat(index[p]) for p in theirs), Fraction(0))
        assert ours.welfare == welfare
    else:
        assert _normalise(instance, ours.selected) == _normalise(instance, theirs)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "mes-add1-greedy", "optimal"])
@pytest.mark.parametrize("sat", ["cost", "cardinality"])
@SETTINGS
@given(election=elections())
def test_approval_same_as_pabutools(election, rule, sat):
    _check(*election, rule, sat)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "mes-add1-greedy", "optimal"])
@SETTINGS
@given(election=elections(cardinal=True))
def test_cardinal_same_as_pabutools(election, rule):
    _check(*election, rule, "points")
