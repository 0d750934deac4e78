"""Reads of the governance app (no N+1: every list selects or prefetches what it shows)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from .models import (
    Body,
    Candidate,
    ComparisonIndicator,
    ComparisonValue,
    Draw,
    Meeting,
    Membership,
    Partner,
    Place,
    Recommendation,
)


def body_list() -> QuerySet[Body]:
    return Body.objects.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__ended_on__isnull=True)
            | Q(memberships__ended_on__gte=timezone.localdate()),
            distinct=True,
        )
    ).order_by("position", "name")


def current_members(body: Body) -> QuerySet[Membership]:
    today = timezone.localdate()
    return (
        body.memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("commune")
        .order_by("college", "public_name")
    )


def meeting_list(
    *, body: Body | None = None, when: str = "upcoming", include_closed: bool = True
) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("body", "place__commune").annotate(
        registered=Count("registrations")
    )
    if body is not None:
        qs = qs.filter(body=body)
    if not include_closed:
        qs = qs.filter(is_public=True)
    now = timezone.now()
    if when == "upcoming":
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "id")
    elif when == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        qs = qs.order_by("starts_at", "id")
    return qs


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("body", "place__commune")
        .prefetch_related("documents")
        .annotate(
            registered=Count("registrations", distinct=True),
            waiting_count=Count("waitlist", distinct=True),
        )
        .get(pk=pk)
    )


def is_registered(user, meeting: Meeting) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and meeting.registrations.filter(user=user).exists()
    )


def draw_list(*, body: Body | None = None) -> QuerySet[Draw]:
    qs = (
        Draw.objects.select_related("body")
        .annotate(candidate_count=Count("candidates"))
        .order_by("-closes_on", "-id")
    )
    return qs.filter(body=body) if body is not None else qs


def draw_results(draw: Draw) -> QuerySet[Candidate]:
    return draw.candidates.select_related("territory").order_by("rank", "code")


def recommendation_list(*, filters: dict | None = None) -> QuerySet[Recommendation]:
    filters = filters or {}
    qs = Recommendation.objects.select_related("body")
    if filters.get("body"):
        qs = qs.filter(body=filters["body"])
    if filters.get("response"):
        qs = qs.filter(response=filters["response"])
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(text__icontains=filters["q"]))
    return qs.order_by("-made_on", "number")


def response_counts(body: Body | None = None) -> dict[str, int]:
    qs = Recommendation.objects.all()
    if body is not None:
        qs = qs.filter(body=body)
    return dict(qs.values_list("response").annotate(n=Count("id")).values_list("response", "n"))


def place_list(*, territory=None, kind: str = "") -> QuerySet[Place]:
    qs = Place.objects.select_related("commune__territory")
    if territory is not None:
        qs = qs.filter(commune__territory=territory)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("commune__territory__sort_name", "kind", "name")


def partner_list() -> QuerySet[Partner]:
    from renouveau.plan.models import Agreement

    return Partner.objects.prefetch_related(
        Prefetch(
            "agreements",
            queryset=Agreement.objects.prefetch_related("deliverables").order_by("code"),
        )
    ).order_by("kind", "name")


def indicator_list() -> QuerySet[ComparisonIndicator]:
    return ComparisonIndicator.objects.prefetch_related(
        Prefetch("values", queryset=ComparisonValue.objects.order_by("-is_home", "metropolis"))
    )


def comparison_rows() -> list[dict]:
    """Every value of every indicator, flat, for the CSV and JSON exports."""
    rows = []
    for indicator in indicator_list():
        for value in indicator.values.all():
            rows.append(
                {
                    "indicator": indicator.code,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "year": indicator.year,
                    "source": indicator.source,
                    "metropolis": value.metropolis,
                    "value": value.value,
                    "is_demo": indicator.is_demo or value.is_demo,
                }
            )
    return rows


def decimal_or_none(value) -> float | None:
    return float(value) if isinstance(value, Decimal | int | float) else None


def _waitlist_position():
    """A waiting person's rank on their meeting's list (1 = next seat), as a subquery."""
    from .models import WaitlistEntry

    ahead = (
        WaitlistEntry.objects.filter(meeting=OuterRef("meeting"), id__lte=OuterRef("id"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def my_participation(user) -> dict:
    """The signed-in resident's upcoming registrations and candidacies."""
    from .models import Registration, WaitlistEntry

    now = timezone.now()
    return {
        "registrations": Registration.objects.filter(user=user, meeting__ends_at__gte=now)
        .select_related("meeting__body", "meeting__place__commune")
        .order_by("meeting__starts_at"),
        "past_registrations": Registration.objects.filter(user=user, meeting__ends_at__lt=now)
        .select_related("meeting__body")
        .order_by("-meeting__starts_at")[:20],
        "waiting": WaitlistEntry.objects.filter(user=user, meeting__ends_at__gte=now)
        .annotate(position=_waitlist_position())
        .select_related("meeting__body")
        .order_by("meeting__starts_at"),
        "candidacies": Candidate.objects.filter(user=user)
        .select_related("draw__body")
        .order_by("-created_at"),
    }


def registrants(meeting: Meeting):
    return meeting.registrations.select_related("user__commune").order_by("created_at", "id")


def waitlist(meeting: Meeting):
    """The meeting's waiting list, in the order seats are given."""
    return meeting.waitlist.select_related("user__commune").order_by("id")
