"""Public API: building elections from Python data, rules worked out by hand, explanations."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from renouveau.budgets.rules import (
    REASONS,
    RULES,
    ElectionError,
    make_election,
    solve,
    solve_units,
    split_by_category,
)

from .conftest import SHARED, shared_election


def small():
    # 4 voters, budget 100: 25 each.  C (30) is wanted by all, A (60) by three, B (40) by one.
    return make_election(
        [{"id": "A", "cost": 60}, {"id": "B", "cost": 40}, {"id": "C", "cost": 30}],
        [["A", "C"], ["A", "C"], ["A", "C"], ["B", "C"]],
        budget=100,
    )


def test_mes_by_hand():
    out = solve(*small(), rule="mes")
    # C: 7.50 each (rho 1/4 < 1/3 for A); then A needs 60 but its supporters hold 3 x 17.50.
    assert out.selected == ["C"]
    c, a, b = (out.explanations[p] for p in "CAB")
    assert (c.reason, c.round, c.price, c.payers, c.full_payers) == (
        "selected-equal-shares",
        1,
        7.5,
        4,
        0,
    )
    assert c.rho == pytest.approx(0.25) and c.total_paid == 30
    assert (a.reason, a.mes_round, a.money) == ("supporters-money-exhausted", 2, 52.5)
    # B was not examined in round 1 (its affordability could not beat C's): dropped in round 2.
    assert (b.reason, b.mes_round, b.money) == ("supporters-money-exhausted", 2, 17.5)
    assert out.budget_per_voter == 25 and out.total_cost == 30


def test_mes_add1_by_hand():
    out = solve(*small(), rule="mes-add1")
    # 3 more per voter: 3 x (28 - 7.5) = 61.5 >= 60, so A is bought; B (40) no longer fits.
    assert out.selected == ["C", "A"]
    assert out.add1_increments == 3 and out.budget_per_voter == 28
    assert out.explanations["A"].price == 20.0
    assert out.explanations["B"].reason == "supporters-money-exhausted"
    assert solve(*small(), rule="mes-add1-greedy").selected == ["C", "A"]


def test_greedy_and_optimal_by_hand():
    out = solve(*small(), rule="greedy")
    assert out.selected == ["C", "A"]
    b = out.explanations["B"]
    assert (b.reason, b.remaining_budget, b.density) == ("over-remaining-budget", 10, 1.0)
    best = solve(*small(), rule="optimal")
    assert sorted(best.selected) == ["A", "C"] and best.welfare == 60 * 3 + 30 * 4
    card = solve(*small(), rule="optimal", sat="cardinality")
    assert card.welfare == 3 + 4


def test_ties_use_project_ids_in_string_order():
    # "10" < "9" in string order (pabutools' lexico_tie_breaking compares names).
    election = make_election(
        [("9", 10), ("10", 10), ("b", 10), ("a", 10)],
        [["9", "10", "a", "b"]] * 2,
        budget=20,
    )
    for rule in ("greedy", "mes", "mes-add1", "mes-add1-greedy"):
        assert solve(*election, rule=rule).selected == ["10", "9"], rule


def test_float_rounding_never_changes_the_outcome():
    # After P each voter holds exactly 1/10 and Z costs exactly 10 x 1/10.  In floating point
    # 1 - 0.9 = 0.09999999999999998 and Z would look unaffordable; pabutools (exact) buys it.
    election = make_election([("P", 9), ("Z", 1)], [["P", "Z"]] * 10, budget=10)
    assert 10 * (1 - 0.9) < 1  # the trap is real
    out = solve(*election, rule="mes")
    assert out.selected == ["P", "Z"]
    assert out.explanations["Z"].payers == 10 and out.explanations["Z"].full_payers == 10


def test_cumulative_points():
    election = make_election(
        [("a", 50), ("b", 50), ("c", 50)],
        [{"a": 3, "b": 1}, {"a": 2, "c": 2}, {"c": 4}],
        budget=100,
        vote_type="cumulative",
    )
    out = solve(*election, rule="greedy")
    assert out.sat == "points"
    assert out.selected == ["c", "a"]  # 6 points vs 5 points vs 1 point, same costs
    with pytest.raises(ElectionError):
        solve(*election, rule="mes", sat="cardinality")


def test_invalid_data_is_rejected():
    with pytest.raises(ElectionError, match="unknown project 'z'"):
        make_election([("a", 1)], [["z"]], budget=1)
    with pytest.raises(ElectionError, match="negative cost"):
        make_election([("a", -1)], [], budget=1)
    with pytest.raises(ElectionError, match="budget must be positive"):
        make_election([("a", 1)], [], budget=0)
    with pytest.raises(ElectionError, match="duplicate project id"):
        make_election([("a", 1), ("a", 2)], [], budget=3)
    with pytest.raises(ElectionError, match="unknown rule"):
        solve(*small(), rule="borda")
    ordinal = make_election([("a", 1)], [["a"]], budget=1, vote_type="ordinal")
    with pytest.raises(ElectionError, match="ordinal"):
        solve(*ordinal)


def test_split_by_category_and_solve_units():
    election = make_election(
        [
            {"id": "g1", "cost": 40, "category": "green"},
            {"id": "g2", "cost": 30, "categories": ["green"]},
            {"id": "s1", "cost": 50, "category": "sport"},
            {"id": "x", "cost": 10},
        ],
        [["g1", "s1"], ["g2"], ["g1", "g2", "x"]],
        budget=1000,
    )
    units = split_by_category(*election, budgets={"green": 70, "sport": 40})
    assert set(units) == {"green", "sport"}
    green = units["green"]
    assert [p.id for p in green.instance.projects] == ["g1", "g2"]
    assert green.instance.budget == 70 and len(green.profile.ballots) == 3
    assert [b.vote for b in units["sport"].profile.ballots] == [("s1",), (), ()]
    outcomes = solve_units(units, rule="mes-add1-greedy")
    assert sorted(outcomes["green"].selected) == ["g1", "g2"]
    assert outcomes["sport"].selected == []
    assert outcomes["sport"].explanations["s1"].reason == "cost-exceeds-budget"


@pytest.mark.parametrize("rule", RULES)
def test_explanations_on_a_real_election(rule):
    name = "Poland_Warszawa_2026_Bemowo.pb"
    if not (SHARED / name).exists():
        pytest.skip("shared instance not available")
    instance, profile = shared_election(name)
    out = solve(instance, profile, rule=rule)
    data = json.loads(json.dumps(out.to_dict()))
    assert data["selected"] == out.selected
    assert len(data["projects"]) == len(instance.projects)
    assert out.total_cost <= instance.budget
    assert set(out.selected) | set(out.rejected) == set(instance.ids)
    for e in out.explanations.values():
        assert e.reason in REASONS
        assert e.selected == (e.project in out.selected)
        assert e.reason.startswith("selected-") == e.selected
        if e.stage == "mes":
            assert e.total_paid == float(e.cost)
            assert 0 <= e.full_payers <= e.payers <= e.supporters
            assert e.price > 0 and e.rho == pytest.approx(e.price / float(e.cost))
    rounds = [out.explanations[p].round for p in out.selected]
    assert rounds == list(range(1, len(out.selected) + 1))
    if rule.startswith("mes"):
        mes_rounds = [e for e in out.explanations.values() if e.stage == "mes"]
        assert mes_rounds and all(e.round <= len(mes_rounds) for e in mes_rounds)
    if rule in ("mes-add1", "mes-add1-greedy"):
        assert out.budget_per_voter == instance.budget / len(profile.ballots) + out.add1_increments


def test_fractional_budget_per_voter_is_exact():
    election = make_election([("a", 1), ("b", 1)], [["a"], ["b"], ["a", "b"]], budget=2)
    out = solve(*election, rule="mes")
    assert out.budget_per_voter == Fraction(2, 3)
    # a and b tie (rho 1/2): a first; then b's supporters hold 2/3 + 1/6 < 1.
    assert out.selected == ["a"]
    assert out.explanations["b"].money == pytest.approx(5 / 6)
