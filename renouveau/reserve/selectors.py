"""Reads of the citizen reserve (no N+1: lists select and prefetch what their pages show)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from renouveau.territories.models import Territory

from .models import (
    OPEN_SIGNAL_STATUSES,
    Mission,
    MissionStatus,
    Signal,
    SignalCategory,
    SignalStatus,
    SignalUrgency,
    Signup,
    Volunteer,
    VolunteerStatus,
)
from .rules import is_reserve_manager


def _with_taken(queryset: QuerySet[Mission]) -> QuerySet[Mission]:
    return (
        queryset.select_related("commune")
        .prefetch_related("skills")
        .annotate(taken=Count("signups", distinct=True))
    )


def mission_public_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Mission]:
    """Published missions not over yet, soonest first; no personal data."""
    filters = filters or {}
    queryset = Mission.objects.public()
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("skill"):
        queryset = queryset.filter(skills=filters["skill"])
    if filters.get("available_only"):
        queryset = queryset.filter(status=MissionStatus.OPEN)
    return _with_taken(queryset).order_by("starts_at", "id")


def mission_get_public(pk: int) -> Mission:
    return _with_taken(Mission.objects.exclude(status=MissionStatus.DRAFT)).get(pk=pk)


def missions_managed(*, user, filters: dict[str, Any] | None = None) -> QuerySet[Mission]:
    """Missions an agent may manage: all for metropolis agents, the crisis cell and
    administrators; for a commune agent, those of their communes and those they organise."""
    filters = filters or {}
    queryset = Mission.objects.all()
    if not is_reserve_manager.test(user):
        queryset = queryset.filter(
            Q(organiser=user) | Q(commune__in=user.agent_communes.values("pk"))
        )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return _with_taken(queryset).order_by("-starts_at", "-id")


def mission_signups(mission: Mission) -> QuerySet[Signup]:
    return mission.signups.select_related("volunteer__user").order_by("created_at", "id")


def volunteer_missions(volunteer: Volunteer) -> QuerySet[Signup]:
    return volunteer.signups.select_related("mission__commune").order_by("-mission__starts_at")


def volunteers_visible(*, user, filters: dict[str, Any] | None = None) -> QuerySet[Volunteer]:
    """The volunteers an agent sees: all, or for a commune agent those acting in their
    communes; filtered by commune, skill and status (people who left are hidden unless asked)."""
    filters = filters or {}
    queryset = Volunteer.objects.all()
    if not is_reserve_manager.test(user):
        queryset = queryset.filter(communes__in=user.agent_communes.values("pk"))
    if filters.get("commune"):
        queryset = queryset.filter(communes=filters["commune"])
    if filters.get("skill"):
        queryset = queryset.filter(skills=filters["skill"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    else:
        queryset = queryset.exclude(status=VolunteerStatus.LEFT)
    order = Case(
        When(status=VolunteerStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        queryset.distinct()
        .select_related("user")
        .prefetch_related("communes", "skills")
        .order_by(order, "-created_at", "-id")
    )


def pending_volunteers_count(*, user) -> int:
    return volunteers_visible(user=user, filters={"status": VolunteerStatus.PENDING}).count()


def exemplary_volunteers() -> QuerySet[Volunteer]:
    """« Citoyens exemplaires » shown publicly: distinguished, active and consenting."""
    return (
        Volunteer.objects.filter(
            distinguished_at__isnull=False,
            recognition_public=True,
            status=VolunteerStatus.ACTIVE,
        )
        .select_related("user")
        .prefetch_related("communes")
        .order_by("-distinguished_at", "-id")
    )


URGENCY_ORDER = Case(
    When(urgency=SignalUrgency.HIGH, then=Value(0)),
    When(urgency=SignalUrgency.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def signal_queue(*, filters: dict[str, Any] | None = None) -> QuerySet[Signal]:
    """Open signals for the crisis cell: most urgent first, then oldest first."""
    filters = filters or {}
    statuses = [filters["status"]] if filters.get("status") else list(OPEN_SIGNAL_STATUSES)
    queryset = Signal.objects.filter(status__in=statuses)
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("territory"):
        queryset = queryset.filter(commune__territory=filters["territory"])
    reporter_volunteer = Volunteer.objects.filter(
        user=OuterRef("reporter"), status=VolunteerStatus.ACTIVE
    )
    return (
        queryset.select_related("commune__territory", "reporter")
        .annotate(by_volunteer=Exists(reporter_volunteer))
        .order_by(URGENCY_ORDER, "created_at", "id")
    )


def signal_open_count() -> int:
    return Signal.objects.filter(status__in=OPEN_SIGNAL_STATUSES).count()


def signals_handled_recently(limit: int = 10) -> QuerySet[Signal]:
    return (
        Signal.objects.exclude(status__in=OPEN_SIGNAL_STATUSES)
        .select_related("commune", "handled_by")
        .order_by("-status_changed_at", "-id")[:limit]
    )


def signals_of(user) -> QuerySet[Signal]:
    return Signal.objects.filter(reporter=user).select_related("commune").order_by("-created_at")


def vigie_figures(*, days: int = 30, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Aggregated, non-identifying figures of the last ``days`` days: signals per category,
    per Territoire, and how many were handled. No place, no description, no author."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    recent = Signal.objects.filter(created_at__gte=since).exclude(status=SignalStatus.DUPLICATE)
    per_category = dict(
        recent.values_list("category").annotate(n=Count("id")).values_list("category", "n")
    )
    per_territory = dict(
        recent.values_list("commune__territory")
        .annotate(n=Count("id"))
        .values_list("commune__territory", "n")
    )
    categories = [
        {"code": code, "label": label, "count": per_category.get(code, 0)}
        for code, label in SignalCategory.choices
    ]
    territories = [
        {"pk": t.pk, "name": t.name, "count": per_territory.get(t.pk, 0)}
        for t in Territory.objects.order_by("sort_name")
    ]
    total = sum(per_category.values())
    handled = recent.filter(status__in=[SignalStatus.CLOSED, SignalStatus.DISMISSED]).count()
    biggest = max([c["count"] for c in categories] + [1])
    for index, row in enumerate(categories):
        row["width"] = round(300 * row["count"] / biggest)
        row["y"] = 30 * index
        row["label_x"] = 226 + row["width"]
    return {
        "days": days,
        "since": since,
        "total": total,
        "handled": handled,
        "open": recent.filter(status__in=OPEN_SIGNAL_STATUSES).count(),
        "categories": categories,
        "territories": territories,
        "chart_height": 30 * len(categories) + 10,
    }


def reserve_figures() -> dict[str, int]:
    return {
        "volunteers": Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).count(),
        "missions": Mission.objects.public().count(),
    }


def signal_alerts(signal: Signal, *, include_drafts: bool = False):
    """The alerts (alerts app) drafted from ``signal``, oldest first; drafts only for who may
    read them."""
    queryset = signal.alerts.order_by("created_at", "pk")
    if not include_drafts:
        queryset = queryset.exclude(state="draft")
    return list(queryset)
