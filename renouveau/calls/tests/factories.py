"""Test helpers shared by the calls and budgets tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from renouveau.calls.models import Call, Phase, Submission
from renouveau.plan.models import Workstream

DAY = timedelta(days=1)

# Offsets (in days, from now) of the four dates so that the call is in the given phase.
PHASE_OFFSETS = {
    Phase.UPCOMING: (1, 10, 20, 30),
    Phase.SUBMISSION: (-1, 10, 20, 30),
    Phase.REVIEW: (-10, -1, 20, 30),
    Phase.VOTE: (-20, -10, -1, 30),
    Phase.RESULTS: (-30, -20, -10, -1),
    Phase.IMPLEMENTATION: (-40, -30, -20, -10),
}


def make_call(phase: str = Phase.SUBMISSION, *, slug: str = "appel", **extra) -> Call:
    now = timezone.now()
    a, b, c, d = PHASE_OFFSETS[phase]
    data = {
        "title": "Réinventons la Métropole 2026",
        "slug": slug,
        "summary": "Un appel à projets de test.",
        "total_amount": Decimal("100000"),
        "is_published": True,
        "submission_opens_at": now + a * DAY,
        "submission_closes_at": now + b * DAY,
        "vote_opens_at": now + c * DAY,
        "vote_closes_at": now + d * DAY,
        "implementation_starts_at": now - 5 * DAY if phase == Phase.IMPLEMENTATION else None,
    }
    data.update(extra)
    return Call.objects.create(**data)


def move_call(call: Call, phase: str) -> Call:
    now = timezone.now()
    a, b, c, d = PHASE_OFFSETS[phase]
    call.submission_opens_at = now + a * DAY
    call.submission_closes_at = now + b * DAY
    call.vote_opens_at = now + c * DAY
    call.vote_closes_at = now + d * DAY
    call.implementation_starts_at = now - 5 * DAY if phase == Phase.IMPLEMENTATION else None
    call.phase_override = ""
    call.save()
    return call


def make_submission(
    call: Call,
    author,
    *,
    commune,
    cost=1000,
    status=Submission.Status.SUBMITTED,
    title=None,
    workstream=None,
    **extra,
) -> Submission:
    return Submission.objects.create(
        call=call,
        author=author,
        commune=commune,
        workstream=workstream or Workstream.objects.order_by("number").first(),
        title=title or f"Projet {Submission.objects.count() + 1}",
        description="Un jardin partagé au pied des immeubles.",
        beneficiaries="Les familles du quartier",
        estimated_cost=Decimal(cost),
        status=status,
        public_reason="Motif" if status == Submission.Status.REJECTED else "",
        **extra,
    )
