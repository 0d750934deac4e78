"""Our outcomes equal pabutools' outcomes recorded by bench/record_pabutools.py.

The reference file is versioned; pabutools is not run here (it takes minutes on the big
instances).  Entries that timed out when recording are skipped.
"""

from __future__ import annotations

import functools
import hashlib
import json
from fractions import Fraction

import pytest

from renouveau.budgets.rules import solve
from renouveau.budgets.rules.compiled import compile_election
from renouveau.budgets.rules.mes import MES, mes_add1

from .conftest import DATA, SHARED, shared_election

REFERENCE = DATA / "pabutools_outcomes.json"


def _cases():
    if not REFERENCE.exists():
        return []
    data = json.loads(REFERENCE.read_text())
    cases = []
    for name, entry in sorted(data["instances"].items()):
        for key, res in sorted(entry["results"].items()):
            if "selected" in res:
                rule, sat = key.split("/")
                cases.append(
                    pytest.param(name, entry["sha256"], rule, sat, res, id=f"{name}-{key}")
                )
    return cases


@functools.cache
def _outcome(name: str, rule: str, sat: str):
    instance, profile = shared_election(name)
    return solve(instance, profile, rule=rule, sat=sat)


@pytest.mark.parametrize(("name", "sha256", "rule", "sat", "expected"), _cases())
def test_same_outcome_as_pabutools(name, sha256, rule, sat, expected):
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, "instance changed: re-record"
    if rule.startswith("mes@"):
        # pabutools' Add1 did not finish: its MES run at the per-voter budget budget/n + k,
        # where k is where our Add1 stops (and k - 1), must equal ours.
        instance, profile = shared_election(name)
        comp = compile_election(instance, profile, sat)
        k = expected["increment"]
        mes = MES(comp)
        run = mes.run(instance.budget / len(profile.ballots) + k, track=False)
        selected = [comp.ids[j] for j in mes.zero_cost + run.selected]
        assert selected == expected["selected"]
        return
    outcome = _outcome(name, rule, sat)
    if rule == "optimal":
        # pabutools leaves ties between optimal sets to the solver: compare the optimal welfare.
        instance, profile = shared_election(name)
        comp = compile_election(instance, profile, sat)
        index = {pid: j for j, pid in enumerate(comp.ids)}
        theirs = sum((comp.total_sat(index[p]) for p in expected["selected"]), Fraction(0))
        assert instance.total_cost(expected["selected"]) <= instance.budget
        assert outcome.welfare == theirs
        assert instance.total_cost(outcome.selected) <= instance.budget
    else:
        assert outcome.selected == expected["selected"]


def test_reference_file_covers_the_shared_instances():
    if not REFERENCE.exists():
        pytest.fail("run bench/record_pabutools.py to create the reference outcomes")
    data = json.loads(REFERENCE.read_text())
    recorded = {
        (name, key)
        for name, entry in data["instances"].items()
        for key, res in entry["results"].items()
        if "selected" in res
    }
    # every non-ordinal shared instance has at least its greedy and MES outcomes recorded
    for name in data["instances"]:
        for rule in ("greedy", "mes"):
            assert any(n == name and k.startswith(rule + "/") for n, k in recorded), (name, rule)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Swiecie_2023.pb",
        "Poland_Warszawa_2026_Mokotow.pb",
        "US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb",
        "Switzerland_Zurich_D10.pb",
        "Worldwide_Mechanical_Turk_Utilities_8.pb",
        "Hungary_Veszprem_2025.pb",
    ],
)
def test_add1_skipping_equals_stepping_one_by_one(name):
    """The certified skips/resumptions of Add1 give what running every increment gives."""
    if not (SHARED / name).exists():
        pytest.skip("shared instance not available")
    instance, profile = shared_election(name)
    comp = compile_election(instance, profile, None)
    n = len(profile.ballots)
    fast, k_fast, runs_fast = mes_add1(MES(comp), instance.budget, n)
    if k_fast > 400:  # (Veszprem: 72 725 increments) step only across the last ones
        start = k_fast - 200
        slow = None
        for k in range(start, k_fast + 1):
            slow = MES(comp).run(instance.budget / n + k, track=False)
            if k < k_fast:
                assert not _exhaustive_or_over(comp, slow.selected), k
        assert slow.selected == fast.selected
        return
    slow, k_slow, runs_slow = mes_add1(MES(comp), instance.budget, n, skip=False)
    assert (fast.selected, k_fast) == (slow.selected, k_slow)
    assert runs_slow == k_slow + 1 + (1 if runs_slow > k_slow + 1 else 0)
    assert runs_fast <= runs_slow


def _exhaustive_or_over(comp, selected) -> bool:
    spent = sum((comp.costs[j] for j in selected), Fraction(0))
    if spent > comp.budget:
        return True
    chosen = set(selected)
    mes = MES(comp)
    return all(c.j in chosen or c.cost + spent > comp.budget for c in mes.cands)


def test_praga_add1_stops_where_recorded():
    """Our Add1 on the flagship instance stops at the increment k whose MES runs (k and k - 1)
    were checked against pabutools (mes@k records): k exhaustive or next one over budget."""
    name = "Poland_Warszawa_2020_Praga-Poludnie.pb"
    if not REFERENCE.exists() or not (SHARED / name).exists():
        pytest.skip("reference or instance not available")
    results = json.loads(REFERENCE.read_text())["instances"][name]["results"]
    recorded = sorted(
        int(key[4:].split("/")[0]) for key in results if key.startswith("mes@") and "/cost" in key
    )
    if not recorded:
        pytest.skip("no mes@k record")
    outcome = _outcome(name, "mes-add1-greedy", "cost")
    assert outcome.add1_increments == recorded[-1]
    expected = results[f"mes@{recorded[-1]}/cost"]["selected"]
    assert outcome.selected[: len(expected)] == expected
