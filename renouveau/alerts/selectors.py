"""Reads of the alerts app. The crisis banner shown on every page is cached briefly, and never
past the next moment an alert starts or ends, so a change by time alone shows within seconds."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Alert, AlertSignal, CrisisMode, Exercise, Registration, Risk, Subscription

CRISIS_CACHE_KEY = "alerts:crisis_banner"
CRISIS_CACHE_SECONDS = 30
_NONE = "none"


def _communes_prefetch() -> Prefetch:
    from renouveau.territories.models import Commune

    return Prefetch("communes", queryset=Commune.objects.order_by("sort_name"))


def published_messages() -> QuerySet[Alert]:
    """Every message published to the public (alerts, updates, cancellations), newest first."""
    return (
        Alert.objects.exclude(state=Alert.State.DRAFT)
        .select_related("references", "exercise")
        .prefetch_related(_communes_prefetch())
        .order_by("-sent", "-id")
    )


def _in_force_q(now: datetime.datetime) -> Q:
    return (
        Q(state=Alert.State.PUBLISHED)
        & ~Q(msg_type=Alert.MsgType.CANCEL)
        & (Q(effective__lte=now) | Q(effective__isnull=True, sent__lte=now))
        & (Q(expires__isnull=True) | Q(expires__gt=now))
    )


def alerts_in_force(*, commune=None, now=None, include_tests: bool = False) -> QuerySet[Alert]:
    """Alerts (or their latest update) in force now, the most severe first."""
    now = now or timezone.now()
    queryset = published_messages().filter(_in_force_q(now))
    if not include_tests:
        queryset = queryset.exclude(status=Alert.Status.TEST)
    if commune is not None:
        queryset = queryset.filter(communes=commune)
    severity_rank = {s: i for i, s in enumerate(Alert.Severity.values)}
    # Ordered in Python (a handful of rows): severity, then newest.
    rows = list(queryset)
    rows.sort(key=lambda a: (severity_rank.get(a.severity, 9), -(a.sent.timestamp())))
    return rows  # type: ignore[return-value]


def alerts_upcoming(*, commune=None, now=None) -> QuerySet[Alert]:
    now = now or timezone.now()
    queryset = (
        published_messages()
        .filter(state=Alert.State.PUBLISHED)
        .exclude(msg_type=Alert.MsgType.CANCEL)
        .exclude(status=Alert.Status.TEST)
        .filter(effective__gt=now)
    )
    if commune is not None:
        queryset = queryset.filter(communes=commune)
    return queryset


def alert_archive(*, filters: dict | None = None) -> QuerySet[Alert]:
    filters = filters or {}
    queryset = published_messages().exclude(status=Alert.Status.TEST)
    if filters.get("commune"):
        queryset = queryset.filter(communes=filters["commune"])
    if filters.get("risk"):
        queryset = queryset.filter(risk=filters["risk"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset.distinct()


def alert_history(alert: Alert) -> list[Alert]:
    """The chain of published messages an alert belongs to, oldest first."""
    chain: list[Alert] = []
    current: Alert | None = alert
    seen = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = current.references
    root_chain = list(reversed(chain))
    # Later messages that replace this one.
    later = alert
    while True:
        successor = later.successors.exclude(state=Alert.State.DRAFT).order_by("sent", "pk").first()
        if successor is None or successor.pk in seen:
            break
        seen.add(successor.pk)
        root_chain.append(successor)
        later = successor
    return root_chain


def drafts() -> QuerySet[Alert]:
    return (
        Alert.objects.filter(state=Alert.State.DRAFT)
        .select_related("references", "created_by", "exercise")
        .prefetch_related(_communes_prefetch())
        .order_by("-updated_at")
    )


def with_signal_counts(alerts) -> list[Alert]:
    """The alerts with ``signal_count``: how many warning signals of the vigie each was
    drafted from (one query; for the crisis cell's pages only)."""
    rows = list(alerts)
    counts = dict(
        AlertSignal.objects.filter(alert__in=[a.pk for a in rows])
        .values_list("alert")
        .annotate(n=Count("id"))
        .values_list("alert", "n")
    )
    for alert in rows:
        alert.signal_count = counts.get(alert.pk, 0)
    return rows


def alert_signal_ids(alert: Alert) -> list[int]:
    """The numbers of the warning signals ``alert`` was drafted from (crisis cell only)."""
    return list(alert.signal_links.order_by("signal_id").values_list("signal_id", flat=True))


def crisis_mode_active() -> CrisisMode | None:
    return CrisisMode.objects.filter(is_active=True).first()


# ----------------------------------------------------------------------------- crisis banner


@dataclass(frozen=True)
class CrisisAlert:
    pk: int
    headline: str
    severity: str
    area_desc: str
    instruction: str
    url: str
    # The English version, when the crisis cell wrote one (the banner is shared by all
    # languages; ``texts`` picks at display time).
    headline_en: str = ""
    instruction_en: str = ""

    def texts(self) -> dict[str, str]:
        """Headline and instructions in the active language, with ``*_lang`` = "fr" for a
        French text shown in an English page (see ``Alert.texts``)."""
        from django.utils import translation

        english = (translation.get_language() or "fr").split("-")[0] == "en"
        result = {}
        for name in ("headline", "instruction"):
            translated = getattr(self, f"{name}_en") if english else ""
            if translated.strip():
                result[name], result[f"{name}_lang"] = translated, ""
            else:
                value = getattr(self, name)
                result[name], result[f"{name}_lang"] = value, ("fr" if english and value else "")
        return result


@dataclass(frozen=True)
class CrisisBanner:
    """What base.html shows above every page in crisis mode (a plain, picklable value)."""

    headline: str
    message: str
    url: str
    alerts: tuple[CrisisAlert, ...]
    manual: bool
    level: str = "danger"
    template: str = "alerts/_crisis_banner.html"

    # The names base.html reads from the guides' banner, so the fallback display also works.
    @property
    def title(self) -> str:
        return self.headline

    @property
    def text(self) -> str:
        return self.message


def _crisis_candidates(now: datetime.datetime) -> list[Alert]:
    """Published real alerts of crisis severity not yet expired (in force or to come): one
    query, run at most every 30 seconds per server."""
    return list(
        Alert.objects.filter(
            state=Alert.State.PUBLISHED,
            status=Alert.Status.ACTUAL,
            severity__in=Alert.CRISIS_SEVERITIES,
        )
        .exclude(msg_type=Alert.MsgType.CANCEL)
        .filter(Q(expires__isnull=True) | Q(expires__gt=now))
        .only(
            "pk",
            "headline",
            "severity",
            "area_desc",
            "instruction",
            "headline_en",
            "instruction_en",
            "sent",
            "effective",
            "expires",
            "state",
            "status",
            "msg_type",
        )
        .order_by("-sent", "-pk")
    )


def _crisis_banner_from_db(
    now: datetime.datetime,
) -> tuple[CrisisBanner | None, datetime.datetime | None]:
    """The banner, and the next moment it changes by time alone (an alert starts or ends)."""
    candidates = _crisis_candidates(now)
    severity_rank = {s: i for i, s in enumerate(Alert.Severity.values)}
    crisis_alerts = sorted(
        (a for a in candidates if a.is_in_force(now)),
        key=lambda a: severity_rank.get(a.severity, 9),
    )
    moments = [a.starts_at() for a in candidates if a.starts_at() > now]
    moments += [a.expires for a in crisis_alerts if a.expires]
    next_change = min(moments) if moments else None
    mode = crisis_mode_active()
    if not crisis_alerts and mode is None:
        return None, next_change
    items = tuple(
        CrisisAlert(
            pk=a.pk,
            headline=a.headline,
            severity=a.severity,
            area_desc=a.area_desc,
            instruction=a.instruction,
            url=a.get_absolute_url(),
            headline_en=a.headline_en,
            instruction_en=a.instruction_en,
        )
        for a in crisis_alerts
    )
    if mode is not None:
        banner = CrisisBanner(
            headline=mode.headline,
            message=mode.message,
            url=reverse("alerts:index"),
            alerts=items,
            manual=True,
        )
        return banner, next_change
    first = items[0]
    banner = CrisisBanner(
        headline=first.headline, message=first.area_desc, url=first.url, alerts=items, manual=False
    )
    return banner, next_change


def cache_seconds_until(now: datetime.datetime, moment: datetime.datetime | None) -> int:
    """How long the banner may be cached: never past ``moment`` (at least 1 second)."""
    if moment is None:
        return CRISIS_CACHE_SECONDS
    return max(1, min(CRISIS_CACHE_SECONDS, math.ceil((moment - now).total_seconds())))


def crisis_banner() -> CrisisBanner | None:
    """The crisis banner, or None outside crisis mode. Cached up to 30 s and never past the
    next start or end of a crisis-level alert; services clear it on every change."""
    cached = cache.get(CRISIS_CACHE_KEY)
    if cached is not None:
        return None if cached == _NONE else cached
    now = timezone.now()
    banner, next_change = _crisis_banner_from_db(now)
    timeout = cache_seconds_until(now, next_change)
    cache.set(CRISIS_CACHE_KEY, banner or _NONE, timeout)
    return banner


def crisis_banner_clear() -> None:
    cache.delete(CRISIS_CACHE_KEY)


# ----------------------------------------------------------------------------- subscriptions


def subscriptions_of(user) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(user=user)
        .select_related("commune")
        .order_by("commune__sort_name")
    )


def subscribers_for(alert: Alert):
    """The users to notify of ``alert``: subscribed by e-mail to one of its communes (and, for
    an exercise, who asked to receive exercises). Test messages reach nobody."""
    return subscribers_of_communes(alert, alert.communes.all())


def subscribers_of_communes(alert: Alert, communes):
    """The people to tell about ``alert`` among the subscribers of ``communes`` (the rules of
    ``subscribers_for``: by e-mail, exercises only for who asked, tests for nobody)."""
    from django.contrib.auth import get_user_model

    if alert.status == Alert.Status.TEST:
        return get_user_model().objects.none()
    subscriptions = Subscription.objects.filter(commune__in=communes, by_email=True)
    if alert.is_exercise:
        subscriptions = subscriptions.filter(include_exercises=True)
    return (
        get_user_model()
        .objects.filter(pk__in=subscriptions.values("user_id"), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def subscribers_per_commune() -> QuerySet:
    from renouveau.territories.models import Commune

    return (
        Commune.objects.annotate(subscribers=Count("alert_subscriptions", distinct=True))
        .filter(subscribers__gt=0)
        .select_related("territory")
        .order_by("-subscribers", "name")
    )


# ----------------------------------------------------------------------------- exercises


def exercise_list(*, upcoming: bool | None = None, now=None) -> QuerySet[Exercise]:
    now = now or timezone.now()
    queryset = Exercise.objects.annotate(
        registered=Count("registrations", distinct=True)
    ).prefetch_related(_communes_prefetch())
    if upcoming is True:
        queryset = queryset.filter(ends_at__gt=now).order_by("starts_at")
    elif upcoming is False:
        queryset = queryset.filter(ends_at__lte=now).order_by("-starts_at")
    return queryset


def exercise_detail(pk: int) -> Exercise:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Exercise.objects.annotate(registered=Count("registrations", distinct=True))
        .prefetch_related(_communes_prefetch())
        .select_related("created_by"),
        pk=pk,
    )


def registration_of(*, exercise: Exercise, user) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(exercise=exercise, user=user).first()


def registrations_of(user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .select_related("exercise")
        .order_by("-exercise__starts_at")
    )


# ----------------------------------------------------------------------------- risk memory


def risk_memory(*, now=None) -> list[dict]:
    """By risk type: past exercises with their published debrief, and past alerts (real and
    exercise), for the public « mémoire du risque » page. Only risks with something to show."""
    now = now or timezone.now()
    exercises = (
        Exercise.objects.filter(ends_at__lte=now, debrief_published_at__isnull=False)
        .prefetch_related(_communes_prefetch())
        .order_by("-starts_at")
    )
    past_alerts = (
        published_messages()
        .exclude(status=Alert.Status.TEST)
        .exclude(msg_type=Alert.MsgType.CANCEL)
        .filter(Q(state=Alert.State.CANCELLED) | Q(state=Alert.State.PUBLISHED, expires__lte=now))
    )
    by_risk: dict[str, dict] = {
        value: {"risk": value, "label": label, "exercises": [], "alerts": []}
        for value, label in Risk.choices
    }
    for exercise in exercises:
        by_risk[exercise.risk]["exercises"].append(exercise)
    # The last message of each chain (cancelled, or expired) stands for the whole alert.
    for alert in past_alerts:
        by_risk[alert.risk]["alerts"].append(alert)
    return [row for row in by_risk.values() if row["exercises"] or row["alerts"]]
