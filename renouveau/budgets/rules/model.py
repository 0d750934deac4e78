"""Plain data model of a participatory-budgeting election (no Django, no pabutools).

* :class:`Project` -- an id, an exact cost and optional descriptive fields;
* :class:`Instance` -- the projects, the exact budget limit and the META fields;
* :class:`Ballot` / :class:`Profile` -- the votes, with the vote type of the election.

Money and points are stored as :class:`fractions.Fraction` so that every rule can decide
comparisons exactly.  :func:`make_election` builds a validated election from plain Python data
(what the web application reads from its database).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
APPROVAL_TYPES = ("approval", "choose-1")
CARDINAL_TYPES = ("cumulative", "scoring")


class ElectionError(ValueError):
    """An election (instance + profile) is invalid.  ``reason`` is a one-line English message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def to_fraction(value: Any, what: str = "number") -> Fraction:
    """Convert ``value`` to an exact :class:`Fraction`.

    Accepts int, Fraction, Decimal, strings such as ``"12"``, ``"12.5"``, ``"12,5"`` or ``"1/3"``, and
    floats (converted through their shortest decimal representation, so ``0.1`` is ``1/10``).
    Raises :class:`ElectionError` for anything else (including NaN and infinities).
    """
    if isinstance(value, bool):
        raise ElectionError(f"{what} must be a number, got {value!r}")
    try:
        if isinstance(value, Fraction):
            return value
        if isinstance(value, int):
            return Fraction(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            return Fraction(repr(value))
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError
            return Fraction(value)
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            if not text or text.lower() in ("nan", "inf", "-inf", "+inf", "infinity"):
                raise ValueError
            return Fraction(text)
    except (ValueError, ZeroDivisionError, ArithmeticError):
        pass
    raise ElectionError(f"{what} is not a valid number: {value!r}")


def fraction_to_str(value: Fraction) -> str:
    """Exact textual form: an integer or a finite decimal when possible, else ``p/q``."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = value * 10**digits
    assert scaled.denominator == 1
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


@dataclass(eq=True)
class Project:
    """A project.  ``id`` is the identifier used in ballots and for lexicographic tie-breaking."""

    id: str
    cost: Fraction
    name: str = ""
    categories: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.id = str(self.id).strip()
        if not self.id:
            raise ElectionError("a project has an empty id")
        self.cost = to_fraction(self.cost, f"cost of project {self.id}")
        if self.cost < 0:
            raise ElectionError(f"project {self.id} has a negative cost ({self.cost})")
        if isinstance(self.categories, str):
            self.categories = _split_list(self.categories)
        self.categories = tuple(self.categories)
        if isinstance(self.targets, str):
            self.targets = _split_list(self.targets)
        self.targets = tuple(self.targets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cost": float(self.cost),
            "name": self.name,
            "categories": list(self.categories),
            "targets": list(self.targets),
        }


def _split_list(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for part in text.split(","):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


@dataclass
class Instance:
    """The projects (in file order), the budget limit and the META key/values of an election."""

    projects: list[Project]
    budget: Fraction
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.projects = list(self.projects)
        self.budget = to_fraction(self.budget, "budget")
        if self.budget <= 0:
            raise ElectionError(f"the budget must be positive, got {fraction_to_str(self.budget)}")
        index: dict[str, int] = {}
        for i, project in enumerate(self.projects):
            if not isinstance(project, Project):
                raise ElectionError(f"expected a Project, got {type(project).__name__}")
            if project.id in index:
                raise ElectionError(f"duplicate project id {project.id!r}")
            index[project.id] = i
        self._index = index

    def __len__(self) -> int:
        return len(self.projects)

    def __iter__(self):
        return iter(self.projects)

    def __contains__(self, project_id: object) -> bool:
        return project_id in self._index

    def project(self, project_id: str) -> Project:
        return self.projects[self._index[project_id]]

    def index_of(self, project_id: str) -> int:
        return self._index[project_id]

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.projects]

    def total_cost(self, project_ids: Iterable[str]) -> Fraction:
        return sum((self.project(pid).cost for pid in project_ids), Fraction(0))

    @property
    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self.projects:
            for c in p.categories:
                seen.setdefault(c, None)
        return list(seen)


@dataclass(eq=True)
class Ballot:
    """One voter's ballot.

    ``vote`` lists project ids (in the voter's order for ordinal ballots); ``points`` is ``None`` for
    approval/ordinal ballots and gives the points of each project of ``vote`` for cumulative and
    scoring ballots.
    """

    vote: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    voter_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.vote = tuple(str(v).strip() for v in self.vote)
        if self.points is not None:
            self.points = tuple(to_fraction(x, "points") for x in self.points)
        self.voter_id = str(self.voter_id)

    def as_dict(self) -> dict[str, Fraction]:
        """``{project_id: points}`` (points are 1 for approval ballots)."""
        if self.points is None:
            return dict.fromkeys(self.vote, Fraction(1))
        return dict(zip(self.vote, self.points, strict=True))


@dataclass
class Profile:
    """All the ballots of an election together with its vote type."""

    ballots: list[Ballot]
    vote_type: str = "approval"

    def __post_init__(self) -> None:
        self.ballots = list(self.ballots)
        if self.vote_type not in VOTE_TYPES:
            raise ElectionError(
                f"unknown vote type {self.vote_type!r} (expected one of {', '.join(VOTE_TYPES)})"
            )

    def __len__(self) -> int:
        return len(self.ballots)

    def __iter__(self):
        return iter(self.ballots)

    @property
    def is_approval(self) -> bool:
        return self.vote_type in APPROVAL_TYPES

    @property
    def is_cardinal(self) -> bool:
        return self.vote_type in CARDINAL_TYPES


class Election(NamedTuple):
    """``(instance, profile)``; unpacks like a tuple."""

    instance: Instance
    profile: Profile


def validate_election(instance: Instance, profile: Profile) -> None:
    """Check that ``profile`` only refers to projects of ``instance`` and is well formed.

    Raises :class:`ElectionError` naming the offending ballot (0-based index) and the reason.
    """
    for i, ballot in enumerate(profile.ballots):
        _check_ballot(instance, profile.vote_type, ballot, f"ballot {i}")


def _check_ballot(instance: Instance, vote_type: str, ballot: Ballot, where: str) -> None:
    seen: set[str] = set()
    for pid in ballot.vote:
        if pid not in instance:
            raise ElectionError(f"{where}: vote for unknown project {pid!r}")
        if pid in seen and vote_type not in APPROVAL_TYPES:
            raise ElectionError(f"{where}: project {pid!r} appears twice")
        seen.add(pid)
    if vote_type in CARDINAL_TYPES:
        if ballot.points is None or len(ballot.points) != len(ballot.vote):
            raise ElectionError(f"{where}: needs one number of points per voted project")
    elif ballot.points is not None:
        raise ElectionError(f"{where}: points are only allowed for cumulative/scoring ballots")
    if vote_type == "choose-1" and len(set(ballot.vote)) > 1:
        raise ElectionError(f"{where}: a choose-1 ballot selects at most one project")


def make_election(
    projects: Iterable[Project | Mapping[str, Any] | tuple[str, Any]],
    ballots: Iterable[Any],
    budget: Any,
    vote_type: str = "approval",
    meta: Mapping[str, str] | None = None,
) -> Election:
    """Build and validate an election from plain Python data.

    ``projects``: :class:`Project` objects, ``(id, cost)`` pairs or mappings with keys ``id``
    (or ``project_id``), ``cost`` and optionally ``name``, ``categories``/``category``,
    ``targets``/``target`` (a list or a comma-separated string); other keys go to ``extra``.

    ``ballots``: :class:`Ballot` objects, or for approval/choose-1/ordinal a sequence of project ids,
    or for cumulative/scoring a mapping ``{project_id: points}``.

    ``budget``: the budget limit (int, Decimal, Fraction, string; must be positive).
    """
    if vote_type not in VOTE_TYPES:
        raise ElectionError(
            f"unknown vote type {vote_type!r} (expected one of {', '.join(VOTE_TYPES)})"
        )
    project_list: list[Project] = []
    for item in projects:
        if isinstance(item, Project):
            project_list.append(item)
        elif isinstance(item, Mapping):
            data = dict(item)
            pid = data.pop("id", None)
            if pid is None:
                pid = data.pop("project_id", None)
            if pid is None or "cost" not in data:
                raise ElectionError(f"a project needs an id and a cost: {item!r}")
            cost = data.pop("cost")
            name = str(data.pop("name", "") or "")
            cats = data.pop("categories", None) or data.pop("category", None) or ()
            data.pop("category", None)
            tgts = data.pop("targets", None) or data.pop("target", None) or ()
            data.pop("target", None)
            extra = {str(k): str(v) for k, v in data.items()}
            project_list.append(Project(str(pid), cost, name, cats, tgts, extra))
        elif isinstance(item, Sequence) and len(item) == 2 and not isinstance(item, str):
            project_list.append(Project(str(item[0]), item[1]))
        else:
            raise ElectionError(f"cannot read a project from {item!r}")
    instance = Instance(project_list, budget, dict(meta or {}))
    instance.meta["vote_type"] = vote_type
    ballot_list: list[Ballot] = []
    for i, item in enumerate(ballots):
        if isinstance(item, Ballot):
            ballot = item
        elif vote_type in CARDINAL_TYPES:
            if not isinstance(item, Mapping):
                raise ElectionError(f"ballot {i}: a {vote_type} ballot is a mapping id -> points")
            ballot = Ballot(tuple(item.keys()), tuple(item.values()), voter_id=str(i))
        else:
            if isinstance(item, str) or not isinstance(item, Iterable):
                raise ElectionError(f"ballot {i}: expected a list of project ids, got {item!r}")
            ballot = Ballot(tuple(item), None, voter_id=str(i))
        ballot_list.append(ballot)
    profile = Profile(ballot_list, vote_type)
    validate_election(instance, profile)
    return Election(instance, profile)
