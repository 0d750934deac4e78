from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
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


# The chantier's public page is reference data that changes only through audited writes (the
# back office, ``plan_load``): each moves the page cache's generation, part of the key, so a
# change shows at once in the process that made it; the age is bounded for the others.
WORKSTREAM_PAGE_SECONDS = 60


def workstream_page(*, slug: str) -> dict | None:
    """What the public page of a chantier shows: ``plan``, ``workstream`` (its targets and
    imperatives prefetched), ``previous`` and ``next`` (number, slug, title) — or ``None`` when
    the plan or the chantier does not exist. Cached per generation of the page cache (no query
    when cached; four or five when not): signed-in visitors, who get no page cache, paid five
    queries on every view."""
    from renouveau.core.middleware import AnonymousPageCacheMiddleware  # noqa: PLC0415

    if len(slug) > Workstream._meta.get_field("slug").max_length:
        return None  # no such chantier, and a key too long for a cache (memcached: 250)
    generation = cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) or 0
    key = f"plan:workstream-page:{generation}:{settings.PLAN_CODE}:{slug}"
    page = cache.get(key)
    if page is not None:
        return page
    plan = plan_current()
    if plan is None:
        return None
    workstream = workstream_list(plan=plan).filter(slug=slug).first()
    if workstream is None:
        return None  # not cached: any slug may be asked for
    siblings = list(plan.workstreams.order_by("number").values("number", "slug", "title"))
    index = next(i for i, s in enumerate(siblings) if s["slug"] == slug)
    page = {
        "plan": plan,
        "workstream": workstream,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
    }
    cache.set(key, page, WORKSTREAM_PAGE_SECONDS)
    return page
