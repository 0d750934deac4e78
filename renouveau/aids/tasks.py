"""Alert digests, sent in the background (django-tasks). Tasks load ids and call services."""

from __future__ import annotations

from django_tasks import task


@task()
def aid_alert_send(*, alert_id: int) -> int:
    from .services import alert_digest_send

    return alert_digest_send(alert_id=alert_id)


@task()
def aid_alerts_digest(*, frequency: str) -> int:
    """Enqueue one task per alert due for this frequency (run daily by cron/systemd)."""
    from .selectors import alerts_due

    ids = list(alerts_due(frequency=frequency).values_list("pk", flat=True))
    for alert_id in ids:
        aid_alert_send.enqueue(alert_id=alert_id)
    return len(ids)
