from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Guide, GuideTag, SituationBanner

BANNER_CACHE_KEY = "guides:situation_banner"
BANNER_CACHE_SECONDS = 30
_NONE = "none"


@dataclass(frozen=True)
class Banner:
    level: str
    title: str
    text: str
    url: str


def _banner_from_db() -> Banner | None:
    now = timezone.now()
    banner = (
        SituationBanner.objects.filter(is_active=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-starts_at", "-id")
        .first()
    )
    if banner is None:
        return None
    return Banner(level=banner.level, title=banner.title, text=banner.text, url=banner.url)


def situation_banner_current() -> Banner | None:
    """The "current situation" banner shown by base.html on every page, or None.

    Cached for 30 seconds (the services clear the cache when an agent changes it); the
    cached value is a plain dataclass, never a model instance."""
    cached = cache.get(BANNER_CACHE_KEY)
    if cached is None:
        banner = _banner_from_db()
        cache.set(BANNER_CACHE_KEY, banner or _NONE, BANNER_CACHE_SECONDS)
        return banner
    return None if cached == _NONE else cached


def guide_list(*, tag: GuideTag | None = None, published_only: bool = True) -> QuerySet[Guide]:
    queryset = Guide.objects.prefetch_related(
        Prefetch("tags", queryset=GuideTag.objects.order_by("name"))
    ).order_by("title")
    if published_only:
        queryset = queryset.published()
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    return queryset


def tags_in_use() -> QuerySet[GuideTag]:
    return GuideTag.objects.filter(guide__status=Guide.Status.PUBLISHED).distinct().order_by("name")


def banner_list() -> QuerySet[SituationBanner]:
    return SituationBanner.objects.select_related("created_by").order_by("-starts_at", "-id")
