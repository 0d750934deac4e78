"""Reads of the participatory budget."""

from __future__ import annotations

import copy

from django.db import connection
from django.db.models import QuerySet

from renouveau.calls.models import Call, Submission

from .explain import explain, rule_summary
from .models import Ballot, BallotType, Envelope, Result, TrackedProject


def envelope_projects(envelope: Envelope) -> QuerySet[Submission]:
    """The projects put to the vote in ``envelope`` (accepted ones of its area or theme)."""
    qs = Submission.objects.filter(call_id=envelope.call_id, status__in=Submission.VOTABLE)
    if envelope.territory_id:
        qs = qs.filter(commune__territory_id=envelope.territory_id)
    if envelope.workstream_id:
        qs = qs.filter(workstream_id=envelope.workstream_id)
    return qs.select_related("commune", "workstream").order_by("title", "pk")


# Envelopes (with their call) kept by this process for the ballot path: {pk: (version, envelope)}.
_BALLOT_ENVELOPES: dict[int, tuple[tuple, Envelope]] = {}


def envelope_for_ballot(pk: int) -> Envelope | None:
    """The envelope ``pk`` with its call, for recording a ballot: the hot path while a vote is
    open (hundreds of ballots a second). The objects are kept in the process and checked on
    every call against the database with one indexed query: any save of either row (its
    ``updated_at``) is seen at once, and so are bulk updates (``QuerySet.update``, which leave
    ``updated_at`` alone) of what opens or closes the vote — the call's publication, phase
    override and vote dates. Each call returns its own copies. None when the envelope does not
    exist."""
    envelope_table = connection.ops.quote_name(Envelope._meta.db_table)
    call_table = connection.ops.quote_name(Call._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.updated_at, c.updated_at, c.is_published, c.phase_override, "  # noqa: S608
            f"c.vote_opens_at, c.vote_closes_at FROM {envelope_table} e "
            f"JOIN {call_table} c ON c.id = e.call_id WHERE e.id = %s",
            [pk],
        )
        version = cursor.fetchone()
    if version is None:
        return None
    memo = _BALLOT_ENVELOPES.get(pk)
    if memo is None or memo[0] != version:
        envelope = Envelope.objects.select_related("call").filter(pk=pk).first()
        if envelope is None:
            return None
        if len(_BALLOT_ENVELOPES) >= 64:
            _BALLOT_ENVELOPES.clear()
        memo = _BALLOT_ENVELOPES[pk] = (version, envelope)
    envelope = copy.copy(memo[1])
    envelope.call = copy.copy(memo[1].call)
    return envelope


def envelope_list(*, call) -> QuerySet[Envelope]:
    return Envelope.objects.filter(call=call).select_related("territory", "workstream", "call")


def ballot_of(*, voter, envelope: Envelope) -> Ballot | None:
    if not getattr(voter, "is_authenticated", False):
        return None
    return Ballot.objects.filter(voter=voter, envelope=envelope).first()


def result_list(*, call) -> list[Result]:
    return list(
        Result.objects.filter(envelope__call=call)
        .select_related("envelope", "envelope__territory", "envelope__workstream")
        .defer("pabulib")
        .order_by("envelope__name", "envelope_id")
    )


def tracked_project_list(*, call=None) -> QuerySet[TrackedProject]:
    qs = TrackedProject.objects.select_related(
        "submission", "submission__commune", "submission__call", "envelope", "plan_project"
    )
    if call is not None:
        qs = qs.filter(envelope__call=call)
    return qs.order_by("submission__title", "pk")


def results_data(call: Call) -> list[dict]:
    """The results of a call, ready for the page and the API (names, explanations, counts)."""
    results = result_list(call=call)
    ids = set()
    for r in results:
        ids.update(int(p["project"]) for p in r.outcome.get("projects", []))
    names = {
        s.pk: s
        for s in Submission.objects.filter(pk__in=ids)
        .select_related("commune")
        .only("pk", "title", "call_id", "commune__name", "status")
    }
    data = []
    for r in results:
        envelope = r.envelope
        greedy_selected = {str(p) for p in r.greedy.get("selected", [])}
        order = {pid: i for i, pid in enumerate(r.outcome.get("selected", []))}
        rows = []
        for entry in r.outcome.get("projects", []):
            pid = str(entry["project"])
            submission = names.get(int(pid))
            count = r.counts.get(pid, {"votes": 0, "points": 0})
            rows.append(
                {
                    "id": int(pid),
                    "submission": submission,
                    "title": submission.title if submission else pid,
                    "cost": entry.get("cost"),
                    "selected": entry.get("selected", False),
                    "position": order.get(pid),
                    "reason": entry.get("reason"),
                    "explanation": explain(entry, ballot_type=envelope.ballot_type),
                    "greedy_selected": pid in greedy_selected,
                    "votes": count["votes"],
                    "points": count["points"],
                }
            )
        rows.sort(
            key=lambda x: (
                not x["selected"],
                x["position"] if x["position"] is not None else 0,
                -x["votes"],
                x["title"],
            )
        )
        data.append(
            {
                "result": r,
                "envelope": envelope,
                "rows": rows,
                "summary": rule_summary(r.outcome, ballot_type=envelope.ballot_type),
                "total_cost": r.outcome.get("total_cost", 0),
                "greedy_total_cost": r.greedy.get("total_cost", 0),
                "differs": set(map(str, r.outcome.get("selected", []))) != greedy_selected,
                "is_cumulative": envelope.ballot_type == BallotType.CUMULATIVE,
            }
        )
    return data
