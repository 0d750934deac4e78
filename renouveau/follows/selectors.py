from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from .models import Follow
from .registry import followables


@dataclass
class FollowRow:
    follow: Follow
    obj: object | None  # None: not public any more (unpublished for now)
    kind: str


def follow_rows(user, follows) -> list[FollowRow]:
    """The objects behind a page of follows, one query per followable model."""
    registry = followables()
    wanted: dict[int, list[int]] = {}
    for follow in follows:
        wanted.setdefault(follow.content_type_id, []).append(follow.object_id)
    found: dict[tuple[int, int], object] = {}
    kinds: dict[int, str] = {}
    for content_type_id, ids in wanted.items():
        content_type = ContentType.objects.get_for_id(content_type_id)
        followable = registry.get(f"{content_type.app_label}.{content_type.model}")
        if followable is None:
            continue
        kinds[content_type_id] = str(followable.kind)
        for pk, obj in followable.public().in_bulk(ids).items():
            found[(content_type_id, pk)] = obj
    return [
        FollowRow(
            follow=f,
            obj=found.get((f.content_type_id, f.object_id)),
            kind=kinds.get(f.content_type_id, ""),
        )
        for f in follows
    ]


def is_following(user, obj) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).exists()
