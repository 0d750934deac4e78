from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditLog


def audit_log_for(*, obj: models.Model) -> QuerySet[AuditLog]:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        AuditLog.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
