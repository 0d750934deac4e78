"""The moderators' hub: each app registers its moderation queue here (in its ``AppConfig.ready``)
and ``/moderation/`` lists those the signed-in user may handle, with the number of open items.
Core knows no app: the apps depend on core, not the other way round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Queue:
    key: str
    label: str  # lazy translation
    description: str  # lazy translation
    url_name: str
    permission: str
    open_count: Callable[[], int]


_QUEUES: dict[str, Queue] = {}


def register_queue(queue: Queue) -> None:
    _QUEUES[queue.key] = queue


def queues_for(user) -> list[tuple[Queue, int]]:
    """The queues ``user`` may handle, with their open counts, in registration order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(q, q.open_count()) for q in _QUEUES.values() if user.has_perm(q.permission)]


def can_moderate(user) -> bool:
    """True when ``user`` may handle at least one queue (no counting)."""
    return getattr(user, "is_authenticated", False) and any(
        user.has_perm(q.permission) for q in _QUEUES.values()
    )
