"""Reads of the mutual aid app: lists (constant query counts), matching, the user's space."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import (
    Block,
    HelpOffer,
    HelpPost,
    HelpRequest,
    Initiative,
    Match,
    Message,
    Report,
    Testimony,
)

MATCH_RADIUS_KM = 40.0
MATCH_CANDIDATES = 2000


def haversine_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    if not a or not b or None in a or None in b:
        return None
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _apply_filters(queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("territory"):
        queryset = queryset.filter(commune__territory=filters["territory"])
    if filters.get("frequency"):
        queryset = queryset.filter(frequency=filters["frequency"])
    if filters.get("urgency"):
        queryset = queryset.filter(urgency=filters["urgency"])
    return queryset


def _public_posts(model) -> QuerySet:
    today = timezone.localdate()
    return (
        model.objects.visible()
        .filter(expires_on__gte=today)
        .select_related("commune__territory", "organisation", "author")
    )


def offer_list(*, filters: dict[str, Any] | None = None) -> QuerySet[HelpOffer]:
    return _apply_filters(_public_posts(HelpOffer), filters or {}).order_by("-created_at", "-id")


def request_list(*, filters: dict[str, Any] | None = None) -> QuerySet[HelpRequest]:
    queryset = _apply_filters(_public_posts(HelpRequest), filters or {})
    if (filters or {}).get("sort") == "urgency":
        from django.db.models import Case, IntegerField, Value, When

        rank = Case(
            When(urgency="high", then=Value(0)),
            When(urgency="normal", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return queryset.order_by(rank, "-created_at", "-id")
    return queryset.order_by("-created_at", "-id")


def blocked_user_ids(user) -> set[int]:
    """Users hidden from ``user``: those they blocked and those who blocked them."""
    if not getattr(user, "is_authenticated", False):
        return set()
    pairs = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    )
    return {a if b == user.pk else b for a, b in pairs}


@dataclass
class Candidate:
    post: HelpPost
    distance_km: float | None
    common_slots: int

    @property
    def distance_label(self) -> str:
        if self.distance_km is None:
            return ""
        if self.distance_km < 1:
            return "< 1 km"
        return f"{self.distance_km:.0f} km"


def _candidates(source: HelpPost, model, *, user, limit: int) -> list[Candidate]:
    """Open posts of the other kind, same category, available at a common time, ranked by the
    distance between the communes' centres, then by the number of common time slots.

    Ranking reads only ids, slots and coordinates (up to ``MATCH_CANDIDATES`` rows); the full
    rows are loaded for the ``limit`` best only."""
    origin = (source.commune.latitude, source.commune.longitude)
    queryset = (
        model.objects.open().filter(category=source.category).exclude(author_id=source.author_id)
    )
    excluded = blocked_user_ids(user) | blocked_user_ids(source.author)
    if excluded:
        queryset = queryset.exclude(author_id__in=excluded)
    if source.slots:
        queryset = queryset.annotate(common=F("slots").bitand(source.slots)).filter(
            Q(slots=0) | ~Q(common=0)
        )
    if None not in origin:
        dlat = MATCH_RADIUS_KM / 111.0
        dlon = MATCH_RADIUS_KM / (111.0 * max(math.cos(math.radians(origin[0])), 0.1))
        queryset = queryset.filter(
            commune__latitude__range=(origin[0] - dlat, origin[0] + dlat),
            commune__longitude__range=(origin[1] - dlon, origin[1] + dlon),
        )
    rows = queryset.order_by("-created_at", "-id").values_list(
        "pk", "slots", "commune__latitude", "commune__longitude"
    )[:MATCH_CANDIDATES]
    everything = (1 << 21) - 1
    scored = []
    for pk, slots, latitude, longitude in rows:
        distance = haversine_km(origin, (latitude, longitude))
        if distance is not None and distance > MATCH_RADIUS_KM:
            continue
        common = bin((slots or everything) & (source.slots or everything)).count("1")
        scored.append(
            (distance if distance is not None else MATCH_RADIUS_KM, -common, -pk, distance)
        )
    scored.sort()
    best = scored[:limit]
    posts = model.objects.select_related("commune__territory", "organisation", "author").in_bulk(
        [-negative_pk for _d, _c, negative_pk, _raw in best]
    )
    return [
        Candidate(post=posts[-negative_pk], distance_km=raw, common_slots=-negative_common)
        for _d, negative_common, negative_pk, raw in best
        if -negative_pk in posts
    ]


def offers_for_request(request: HelpRequest, *, user=None, limit: int = 10) -> list[Candidate]:
    return _candidates(request, HelpOffer, user=user, limit=limit)


def requests_for_offer(offer: HelpOffer, *, user=None, limit: int = 10) -> list[Candidate]:
    return _candidates(offer, HelpRequest, user=user, limit=limit)


def own_open_posts(model, *, user, category: str) -> QuerySet:
    return model.objects.open().filter(author=user, category=category).select_related("commune")


def match_list_for(user) -> QuerySet[Match]:
    return (
        Match.objects.filter(Q(offer__author=user) | Q(request__author=user))
        .select_related(
            "offer__commune", "request__commune", "offer__author", "request__author", "proposed_by"
        )
        .order_by("-updated_at", "-id")
    )


def match_for_participant(*, user, pk: int) -> Match | None:
    return match_list_for(user).filter(pk=pk).first()


def testimonies_recent(limit: int = 6) -> list[Testimony]:
    return list(
        Testimony.objects.filter(is_hidden=False)
        .select_related("author", "match__request__commune")
        .order_by("-created_at")[:limit]
    )


def initiative_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Initiative]:
    filters = filters or {}
    today = timezone.localdate()
    queryset = (
        Initiative.objects.filter(is_hidden=False, organisation__is_verified=True)
        .filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
        .select_related("organisation", "commune__territory")
    )
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("territory"):
        queryset = queryset.filter(commune__territory=filters["territory"])
    return queryset.order_by("starts_on", "id")


def report_queue() -> QuerySet[Report]:
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("content_type", "reporter")
        .order_by("created_at", "id")
    )


def reports_handled(limit: int = 30) -> list[Report]:
    return list(
        Report.objects.exclude(status=Report.Status.OPEN)
        .select_related("content_type", "handled_by")
        .order_by("-handled_at")[:limit]
    )


def hidden_contents(limit: int = 50) -> list[tuple[str, object]]:
    """``(kind, object)`` of the contents hidden by moderators, for the restore buttons."""
    items: list[tuple[str, object]] = []
    for kind, model in (
        ("offer", HelpOffer),
        ("request", HelpRequest),
        ("initiative", Initiative),
        ("message", Message),
        ("testimony", Testimony),
    ):
        items += [
            (kind, obj) for obj in model.objects.filter(is_hidden=True).order_by("-pk")[:limit]
        ]
    return items[:limit]
