"""The bridge between the database and the pure engine in ``renouveau.budgets.rules``.

Everything the engine receives is plain data: project ids are submission primary keys as
strings, costs are euros, ballots are lists of ids (approval) or ``{id: points}`` (cumulative).
Voter identities never reach the engine; pabulib exports number the ballots 1..n after sorting
them by content, so the order reveals nothing (not even the time of voting).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .rules import ElectionError, make_election, solve, write_pabulib

__all__ = ["ElectionError", "compute", "pabulib_text", "vote_type_of"]


def vote_type_of(ballot_type: str) -> str:
    return "cumulative" if ballot_type == "cumulative" else "approval"


def _election(
    projects: Iterable[tuple[str, Decimal, str]],
    ballots: Iterable[Mapping[str, int]],
    budget: Decimal,
    ballot_type: str,
    meta: Mapping[str, str] | None = None,
):
    vote_type = vote_type_of(ballot_type)
    project_list = [{"id": pid, "cost": cost, "name": name} for pid, cost, name in projects]
    known = {p["id"] for p in project_list}
    plain: list[Any] = []
    for choices in ballots:
        # Projects withdrawn or rejected after the vote opened are dropped from ballots.
        kept = {pid: pts for pid, pts in choices.items() if pid in known and pts}
        plain.append(kept if vote_type == "cumulative" else list(kept))
    return make_election(project_list, plain, budget, vote_type=vote_type, meta=meta)


def compute(
    *,
    projects: Iterable[tuple[str, Decimal, str]],
    ballots: Iterable[Mapping[str, int]],
    budget: Decimal,
    ballot_type: str,
    rule: str,
) -> tuple[dict, dict]:
    """``(outcome of the rule, greedy outcome)`` as JSON-ready dictionaries."""
    instance, profile = _election(projects, ballots, budget, ballot_type)
    sat = "cost" if vote_type_of(ballot_type) == "approval" else None
    outcome = _without_unsupported(solve(instance, profile, rule=rule, sat=sat).to_dict())
    greedy = (
        outcome
        if rule == "greedy"
        else _without_unsupported(solve(instance, profile, rule="greedy", sat=sat).to_dict())
    )
    return outcome, greedy


def _without_unsupported(outcome: dict) -> dict:
    """No public money for a project that nobody voted for.

    The greedy rule (alone, or completing the Method of Equal Shares) takes projects in the
    order of their votes per euro while money is left, down to those with no vote at all (as
    pabutools does): with money left over, a project without a single supporter was declared a
    winner ("Lauréat", 0 vote). Those come last in the greedy order, so leaving them out changes
    nothing else; they are reported as "no-support"."""
    dropped = Decimal(0)
    unsupported = set()
    for entry in outcome.get("projects", []):
        if entry.get("selected") and entry.get("reason") == "selected-greedy":
            if not entry.get("supporters"):
                entry["selected"] = False
                entry["reason"] = "no-support"
                entry.pop("round", None)
                entry.pop("stage", None)
                unsupported.add(str(entry["project"]))
                dropped += Decimal(str(entry.get("cost", 0)))
    if unsupported:
        outcome["selected"] = [p for p in outcome["selected"] if str(p) not in unsupported]
        total = Decimal(str(outcome["total_cost"])) - dropped
        outcome["total_cost"] = int(total) if total == total.to_integral() else float(total)
    return outcome


def pabulib_text(
    *,
    projects: Iterable[tuple[str, Decimal, str]],
    ballots: Iterable[Mapping[str, int]],
    budget: Decimal,
    ballot_type: str,
    meta: Mapping[str, str],
) -> str:
    ballots = list(ballots)
    # Anonymise: order by content, then number 1..n.
    ballots.sort(key=lambda c: sorted(c.items()))
    instance, profile = _election(projects, ballots, budget, ballot_type, meta)
    for number, ballot in enumerate(profile.ballots, start=1):
        ballot.voter_id = str(number)
    return write_pabulib(instance, profile)
