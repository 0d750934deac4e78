from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core.services import changed_fields, log_action
from renouveau.core.slugs import free_slug, insert_with_free_slug

from .models import Guide, SituationBanner
from .selectors import BANNER_CACHE_KEY


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    return free_slug(Guide, title, fallback="fiche", max_length=110, exclude_pk=exclude_pk)


@transaction.atomic
def guide_create(*, actor, data: dict[str, Any]) -> Guide:
    tags = data.pop("tags", [])
    guide = Guide(**data)
    guide.slug = _unique_slug(guide.title)
    guide.full_clean(exclude=["slug"])
    # Two agents writing « Gestes barrières » at once: the second takes the next address.
    insert_with_free_slug(guide, next_slug=lambda: _unique_slug(guide.title))
    guide.tags.set(tags)
    log_action(actor=actor, action="guides.guide_created", obj=guide)
    return guide


@transaction.atomic
def guide_update(*, actor, guide: Guide, data: dict[str, Any]) -> Guide:
    tags = data.pop("tags", None)
    before = Guide.objects.get(pk=guide.pk)
    diff = changed_fields(before, data)
    for name, value in data.items():
        setattr(guide, name, value)
    guide.full_clean()
    guide.save()
    if tags is not None:
        guide.tags.set(tags)
    log_action(actor=actor, action="guides.guide_changed", obj=guide, data={"fields": sorted(diff)})
    return guide


@transaction.atomic
def guide_publish(*, actor, guide: Guide) -> Guide:
    if guide.status == Guide.Status.PUBLISHED:
        raise ValidationError(_("Cette fiche est déjà publiée."))
    previous = guide.status
    guide.status = Guide.Status.PUBLISHED
    guide.published_at = guide.published_at or timezone.now()
    guide.save(update_fields=["status", "published_at", "updated_at"])
    log_action(actor=actor, action="guides.guide_published", obj=guide, data={"from": previous})
    return guide


@transaction.atomic
def guide_archive(*, actor, guide: Guide) -> Guide:
    if guide.status == Guide.Status.ARCHIVED:
        raise ValidationError(_("Cette fiche est déjà archivée."))
    previous = guide.status
    guide.status = Guide.Status.ARCHIVED
    guide.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="guides.guide_archived", obj=guide, data={"from": previous})
    return guide


def _clear_banner_cache() -> None:
    cache.delete(BANNER_CACHE_KEY)


@transaction.atomic
def banner_set(*, actor, data: dict[str, Any]) -> SituationBanner:
    """Show a new banner (the newest active one wins)."""
    banner = SituationBanner(
        created_by=actor if getattr(actor, "is_authenticated", False) else None, **data
    )
    banner.full_clean()
    banner.save()
    log_action(actor=actor, action="guides.banner_set", obj=banner, data={"level": banner.level})
    transaction.on_commit(_clear_banner_cache)
    return banner


@transaction.atomic
def banner_end(*, actor, banner: SituationBanner) -> SituationBanner:
    if banner.is_active:
        banner.is_active = False
        banner.save(update_fields=["is_active", "updated_at"])
        log_action(actor=actor, action="guides.banner_ended", obj=banner)
    transaction.on_commit(_clear_banner_cache)
    return banner
