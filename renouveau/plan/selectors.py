from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import Deliberation, Imperative, Plan, Target, Workstream


def plan_current() -> Plan | None:
    return (
        Plan.objects.filter(code=settings.PLAN_CODE).first() or Plan.objects.order_by("pk").first()
    )


def workstream_list(*, plan: Plan | None = None) -> QuerySet[Workstream]:
    queryset = Workstream.objects.prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("id")),
        Prefetch("imperatives", queryset=Imperative.objects.order_by("position")),
    ).order_by("number")
    return queryset.filter(plan=plan) if plan else queryset


def deliberation_list(*, plan: Plan) -> QuerySet[Deliberation]:
    return Deliberation.objects.filter(plan=plan).order_by("session_date", "body", "position")
