"""pabulib reader/writer: real files, round trips and malformed input."""

from __future__ import annotations

from fractions import Fraction

import pytest

from renouveau.budgets.rules import PabulibError, make_election, read_pabulib, write_pabulib

from .conftest import SHARED

GOOD = """META
key;value
description;Test
num_projects;3
num_votes;4
budget;100,5
vote_type;approval
PROJECTS
project_id;cost;name;category;target;votes
1;50;Un banc;"nature,urbanisme";None;3
2;30.25;Une fontaine;nature;enfants;2
10;0;Gratuit;None;None;0
VOTES
voter_id;vote;age
a;1,2;30
b;1;None
c;2,1,1;41
d;;50
"""


def test_read_text_with_optional_columns():
    instance, profile = read_pabulib(GOOD)
    assert instance.budget == Fraction(201, 2)
    assert [p.id for p in instance.projects] == ["1", "2", "10"]
    one, two, free = instance.projects
    assert one.categories == ("nature", "urbanisme") and one.targets == ()
    assert two.cost == Fraction("30.25") and two.targets == ("enfants",)
    assert free.cost == 0 and one.extra == {"votes": "3"}
    assert profile.vote_type == "approval"
    assert [b.vote for b in profile.ballots] == [("1", "2"), ("1",), ("2", "1"), ()]
    assert profile.ballots[0].extra == {"age": "30"} and profile.ballots[1].extra == {}
    assert instance.categories == ["nature", "urbanisme"]


def test_round_trip_text():
    election = read_pabulib(GOOD)
    text = write_pabulib(*election)
    again = read_pabulib(text)
    assert again.instance.projects == election.instance.projects
    assert again.profile.ballots == election.profile.ballots
    assert again.instance.budget == election.instance.budget


def test_round_trip_cumulative_and_file(tmp_path):
    election = make_election(
        [{"id": "x", "cost": "12.5", "category": "sport"}, ("y", 7)],
        [{"x": 3, "y": Fraction(1, 2)}, {}, {"y": 2}],
        budget=20,
        vote_type="cumulative",
    )
    path = tmp_path / "e.pb"
    write_pabulib(*election, path)
    again = read_pabulib(path)
    assert again.profile.vote_type == "cumulative"
    assert [b.as_dict() for b in again.profile.ballots] == [
        {"x": 3, "y": Fraction(1, 2)},
        {},
        {"y": 2},
    ]
    assert again.instance.project("x").categories == ("sport",)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Warszawa_2026_Sielce.pb",
        "Switzerland_Zurich_D10.pb",
        "Switzerland_Zurich_S5R.pb",
        "Worldwide_Mechanical_Turk_Utilities_8.pb",
        "Poland_Gdansk_2020_Piecki_Migowo.pb",
    ],
)
def test_round_trip_shared_files(name):
    if not (SHARED / name).exists():
        pytest.skip("shared instance not available")
    election = read_pabulib(SHARED / name)
    again = read_pabulib(write_pabulib(*election))
    assert again.instance.projects == election.instance.projects
    assert again.profile == election.profile


def test_every_shared_file_reads(shared_dir):
    files = sorted(shared_dir.glob("*.pb"))
    assert files
    types = set()
    for path in files:
        instance, profile = read_pabulib(path)
        assert len(instance.projects) == int(instance.meta["num_projects"])
        assert len(profile.ballots) == int(instance.meta["num_votes"])
        types.add(profile.vote_type)
    assert {"approval", "choose-1", "cumulative", "ordinal"} <= types


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (_replace(GOOD, "vote_type;approval", "vote_type;borda"), 7, "unknown vote type"),
        (_replace(GOOD, "budget;100,5", "budget;0"), 6, "budget must be positive"),
        (_replace(GOOD, "budget;100,5", "budget;abc"), 6, "budget is not a number"),
        (_replace(GOOD, "2;30.25;", "2;-30.25;"), 11, "negative cost"),
        (_replace(GOOD, "2;30.25;", "2;trente;"), 11, "invalid cost"),
        (_replace(GOOD, "b;1;None", "b;7;None"), 16, "unknown project '7'"),
        (_replace(GOOD, "10;0;Gratuit", "1;0;Gratuit"), 12, "duplicate project id"),
        (_replace(GOOD, "d;;50", "d;1"), 18, "truncated line"),
        (GOOD.split("VOTES")[0], 12, "no VOTES section"),
        (GOOD[: GOOD.index("c;2,1,1")], 16, "num_votes is 4"),
        (GOOD[: GOOD.index("2;30.25")], 10, "no VOTES section"),
        ("hello\n" + GOOD, 1, "content before the META section"),
        (_replace(GOOD, "PROJECTS\n", "VOTES\n"), 8, "expected section PROJECTS"),
        (_replace(GOOD, "voter_id;vote;age", "voter_id;ballot;age"), 14, "no 'vote' column"),
    ],
)
def test_malformed_files_name_the_line(text, line, words):
    with pytest.raises(PabulibError) as info:
        read_pabulib(text)
    assert info.value.line == line
    assert words in info.value.reason
    assert str(info.value).startswith(f"line {line}: ")


def test_malformed_cumulative_points():
    text = """META
key;value
budget;10
vote_type;cumulative
PROJECTS
project_id;cost
a;5
b;5
VOTES
voter_id;vote;points
1;a,b;3
2;a,b;3,x
"""
    with pytest.raises(PabulibError) as info:
        read_pabulib(text)
    assert info.value.line == 11 and "2 voted projects but 1 points" in info.value.reason
    with pytest.raises(PabulibError) as info:
        read_pabulib(text.replace("1;a,b;3\n", "1;a,b;3,1\n"))
    assert info.value.line == 12 and "invalid points" in info.value.reason


def test_truncated_real_file(shared_dir):
    data = (shared_dir / "Poland_Warszawa_2020_Praga-Poludnie.pb").read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(PabulibError) as info:
        read_pabulib(cut)
    assert info.value.line == cut.decode().count("\n") + 1
    assert "truncated" in info.value.reason


def test_missing_file():
    with pytest.raises(PabulibError) as info:
        read_pabulib("/nonexistent/file.pb")
    assert "cannot read" in info.value.reason
