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
