from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from .models import AuditLog


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def log_action(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    data: dict | None = None,
    public_change: bool = True,
) -> AuditLog:
    """Write one audit line. Call it from a service, inside the service's transaction.

    ``public_change=False`` for writes that change nothing an anonymous visitor sees (a ballot
    cast while the vote is open): they do not invalidate the anonymous page cache."""
    from .middleware import AnonymousPageCacheMiddleware

    if public_change:
        transaction.on_commit(AnonymousPageCacheMiddleware.bump)
    return AuditLog.objects.create(**audit_row(actor=actor, action=action, obj=obj, data=data))


def audit_row(
    *, actor: Any | None, action: str, obj: models.Model | None = None, data: dict | None = None
) -> dict[str, Any]:
    """The field values of the audit line ``log_action`` writes (``created_at`` is set by the
    model). For a hot path that writes its change and its audit line in one SQL statement
    (see ``budgets.services.ballot_cast``)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False) if obj else None
    return {
        "actor": actor
        if (actor is not None and getattr(actor, "is_authenticated", False))
        else None,
        "action": action,
        "content_type": content_type,
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:255] if obj is not None else "",
        "data": _jsonable(data),
    }


def changed_fields(instance: models.Model, cleaned: dict[str, Any]) -> dict[str, list[Any]]:
    """The ``{field: [old, new]}`` of a form's cleaned data against an instance, for the log."""
    diff: dict[str, list[Any]] = {}
    for name, new in cleaned.items():
        old = getattr(instance, name, None)
        if isinstance(old, models.Model) or isinstance(new, models.Model):
            old = getattr(old, "pk", old)
            new = getattr(new, "pk", new)
        if hasattr(old, "all"):
            continue
        if old != new:
            diff[name] = [old, new]
    return _jsonable(diff)
