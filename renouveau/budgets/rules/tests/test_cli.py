"""Command line ``renouveau-pb``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from renouveau.budgets.rules.cli import main

from .test_pabulib import GOOD

APPROVAL = GOOD


@pytest.fixture
def pb(tmp_path):
    def write(text: str, name: str = "e.pb"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_solve_prints_ids_in_selection_order(pb, capsys):
    path = pb(APPROVAL)
    assert main(["solve", path, "--rule", "greedy"]) == 0
    # densities (cost satisfaction): 1 -> 3 approvals, 2 -> 2; both fit; free 10 has none.
    assert capsys.readouterr().out.split() == ["1", "2", "10"]
    assert main(["solve", path, "--rule", "mes"]) == 0
    assert capsys.readouterr().out.split() == ["1"]


def test_solve_json(pb, capsys):
    assert main(["solve", pb(APPROVAL), "--rule", "mes-add1-greedy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "mes-add1-greedy" and data["sat"] == "cost"
    reasons = {p["project"]: p["reason"] for p in data["projects"]}
    assert reasons["1"] == "selected-equal-shares"
    assert set(reasons) == {"1", "2", "10"}


def test_solve_cardinality(pb, capsys):
    assert main(["solve", pb(APPROVAL), "--rule", "greedy", "--sat", "cardinality"]) == 0
    assert capsys.readouterr().out.split()[0] == "2"  # 2 approvals for 30.25 beats 3 for 50


def test_info(pb, capsys):
    assert main(["info", pb(APPROVAL), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["projects"], info["votes"], info["empty_votes"], info["distinct_ballots"]) == (
        3,
        4,
        1,
        3,  # "1,2" and "2,1,1" are the same approval set
    )
    assert main(["info", pb(APPROVAL)]) == 0
    assert "vote_type" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("vote_type;approval", "vote_type;borda", 7),
        ("budget;100,5", "budget;0", 6),
        ("2;30.25;", "2;-30.25;", 11),
        ("b;1;None", "b;99;None", 16),
        ("d;;50\n", "", 17),
    ],
)
def test_malformed_input_one_line_exit_2(pb, capsys, old, new, line):
    path = pb(APPROVAL.replace(old, new))
    assert main(["solve", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith(f"renouveau-pb: error: {path}:{line}: ")


def test_unknown_rule_and_missing_file(pb, capsys):
    with pytest.raises(SystemExit) as info:
        main(["solve", pb(APPROVAL), "--rule", "borda"])
    assert info.value.code == 2
    assert main(["solve", "/nonexistent.pb"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_module_entry_point_no_traceback(pb):
    path = pb(APPROVAL[: APPROVAL.index("c;2,1,1")])  # truncated file
    proc = subprocess.run(
        [sys.executable, "-m", "renouveau.budgets.rules.cli", "solve", path],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "truncated" in proc.stderr
