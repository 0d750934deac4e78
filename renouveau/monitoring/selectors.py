"""Reads of the monitoring app (no N+1: every list is built in a constant number of queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.utils import translation

from renouveau.plan.models import Target, Workstream

from .models import Indicator, Measurement, Milestone, Project, Spending


def _workstreams_prefetch() -> Prefetch:
    """A project's chantiers without their long texts (the plan's prose, several kilobytes a
    chantier, repeated for every project of a list): lists and project pages show the number,
    the slug and the title."""
    return Prefetch("workstreams", queryset=Workstream.objects.defer("text", "summary"))


def project_list(
    *,
    user=None,
    workstream: Workstream | None = None,
    territory=None,
    status: str | None = None,
    query: str | None = None,
) -> QuerySet[Project]:
    queryset = (
        Project.objects.visible_to(user)
        .prefetch_related(_workstreams_prefetch(), "territories")
        .order_by("title", "pk")
    )
    if workstream is not None:
        queryset = queryset.filter(workstreams=workstream)
    if territory is not None:
        queryset = queryset.filter(territories=territory)
    if status:
        queryset = queryset.filter(status=status)
    if query:
        queryset = queryset.filter(
            Q(title__icontains=query) | Q(owner__icontains=query) | Q(summary__icontains=query)
        )
    return queryset


def project_detail_queryset(*, user=None) -> QuerySet[Project]:
    return (
        Project.objects.visible_to(user)
        .select_related("deliberation", "agreement")
        .prefetch_related(
            _workstreams_prefetch(),
            "territories",
            "communes",
            "deliberations",
            "spendings",
            "fundings",
            "documents",
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("target").prefetch_related(
                    Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
                ),
            ),
        )
    )


def workstream_overview(*, plan, user=None) -> QuerySet[Workstream]:
    """The chantiers with their number of projects, planned cost, and mean progress."""
    visible = Q(projects__is_published=True)
    if user is not None and user.has_perm("monitoring.view_unpublished"):
        visible = Q(projects__isnull=False)
    return (
        Workstream.objects.filter(plan=plan)
        .annotate(
            project_count=Count("projects", filter=visible, distinct=True),
            planned_eur=Sum("projects__total_cost_eur", filter=visible),
            mean_progress=Avg("projects__progress", filter=visible),
        )
        .prefetch_related("targets")
        .order_by("number")
    )


def money_per_year_factor(unit: str) -> Decimal | None:
    """For targets expressed as money per year ("M€/an"), the factor from euros; else None."""
    compact = unit.replace(" ", "").lower()
    if "€" not in compact or "/an" not in compact:
        return None
    if compact.startswith("md€") or compact.startswith("mds€"):
        return Decimal("1000000000")
    if compact.startswith("m€"):
        return Decimal("1000000")
    if compact.startswith("k€"):
        return Decimal("1000")
    return Decimal("1")


@dataclass
class YearSpending:
    year: int
    planned: Decimal = Decimal("0")
    committed: Decimal = Decimal("0")
    paid: Decimal = Decimal("0")


@dataclass
class TargetProgress:
    target: Target
    kind: str  # "money_per_year" | "indicators" | "none"
    years: list[YearSpending] = field(default_factory=list)  # in the target's unit
    points: list[tuple[date, Decimal]] = field(default_factory=list)  # cumulative achieved
    achieved: Decimal | None = None
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def years_on_target(self) -> int:
        if self.target.value is None:
            return 0
        return sum(1 for y in self.years if y.planned >= self.target.value)

    @property
    def percent(self) -> int | None:
        if self.achieved is None or not self.target.value:
            return None
        return max(0, min(100, round(self.achieved * 100 / self.target.value)))


def workstream_spending(*, workstream: Workstream, user=None) -> list[YearSpending]:
    """Planned, committed and paid euros per year for the projects of a chantier."""
    visible = Project.objects.visible_to(user).filter(workstreams=workstream)
    rows = (
        Spending.objects.filter(project__in=visible)
        .values("year")
        .annotate(planned=Sum("planned_eur"), committed=Sum("committed_eur"), paid=Sum("paid_eur"))
        .order_by("year")
    )
    return [
        YearSpending(r["year"], r["planned"] or 0, r["committed"] or 0, r["paid"] or 0)
        for r in rows
    ]


def indicator_timeline(indicators: list[Indicator]) -> list[tuple[date, Decimal]]:
    """Cumulative contribution (latest value minus baseline, summed over indicators) at each
    date on which any of them was measured. Measurements must be prefetched."""
    events = sorted(
        (m.measured_on, indicator.pk, m.value - indicator.baseline_value)
        for indicator in indicators
        for m in indicator.measurements.all()
    )
    latest: dict[int, Decimal] = {}
    points: list[tuple[date, Decimal]] = []
    for day, pk, contribution in events:
        latest[pk] = contribution
        total = sum(latest.values(), Decimal("0"))
        if points and points[-1][0] == day:
            points[-1] = (day, total)
        else:
            points.append((day, total))
    return points


def workstream_progress(*, workstream: Workstream, user=None) -> list[TargetProgress]:
    """Progress of a chantier against each of its quantified targets.

    - a target in money per year (e.g. 350 M€/an) is compared with the yearly spending of the
      chantier's projects (planned, committed, paid), converted to the target's unit;
    - any other target (e.g. 200 km of cycle lanes) is followed through the indicators that
      count towards it: the sum over them of (latest measured value − baseline).
    """
    targets = list(workstream.targets.all())
    visible = Project.objects.visible_to(user)
    indicators_by_target: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(target__in=targets, project__in=visible)
        .select_related("project")
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        )
        .order_by("project__title", "label")
    ):
        indicators_by_target[indicator.target_id].append(indicator)
    spending = None
    result = []
    for target in targets:
        factor = money_per_year_factor(target.unit)
        if factor is not None:
            if spending is None:
                spending = workstream_spending(workstream=workstream, user=user)
            years = [
                YearSpending(s.year, s.planned / factor, s.committed / factor, s.paid / factor)
                for s in spending
            ]
            # Summary figure: the mean planned amount per year, against the yearly target.
            achieved = sum((y.planned for y in years), Decimal("0")) / len(years) if years else None
            result.append(
                TargetProgress(target=target, kind="money_per_year", years=years, achieved=achieved)
            )
            continue
        indicators = indicators_by_target.get(target.pk, [])
        if not indicators:
            result.append(TargetProgress(target=target, kind="none"))
            continue
        points = indicator_timeline(indicators)
        result.append(
            TargetProgress(
                target=target,
                kind="indicators",
                points=points,
                achieved=points[-1][1] if points else Decimal("0"),
                indicators=indicators,
            )
        )
    return result


def indicator_list(*, user=None) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(project__in=Project.objects.visible_to(user))
        .select_related("project", "target", "target__workstream")
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        )
        .order_by("project__title", "label", "pk")
    )


# Public monitoring pages are rebuilt from a dozen queries and SVG charts on every view by a
# signed-in visitor (who gets no page cache). What they show changes only through audited
# writes (the services, the back office), each of which moves the page cache's generation: the
# data and charts are cached per generation, language and visibility, and never kept longer
# than this, for the application servers whose local cache did not see the write.
PAGE_DATA_SECONDS = 60


def cached_page_data(key: str, build):
    """``build()``'s result, cached under ``key`` for the current generation of the page cache
    and language (``None`` is not cached)."""
    from renouveau.core.middleware import AnonymousPageCacheMiddleware  # noqa: PLC0415

    generation = cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) or 0
    full_key = f"monitoring:{generation}:{translation.get_language()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(full_key, value, PAGE_DATA_SECONDS)
    return value


def sees_unpublished(user) -> bool:
    from .rules import can_see_unpublished  # noqa: PLC0415

    return bool(can_see_unpublished(user))
