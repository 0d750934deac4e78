"""Background work of the alerts app (django-tasks). Tasks load ids and call services."""

from __future__ import annotations

from django_tasks import task


@task()
def alert_fan_out(*, alert_id: int) -> int:
    """E-mail a published message to its subscribers (exactly once per message and person)."""
    from .services import alert_notify

    return alert_notify(alert_id=alert_id)


@task()
def alerts_expire() -> int:
    """Every 5 minutes: record the end of alerts past their expiry and refresh the banner."""
    from .services import alerts_expire as expire

    return expire()
