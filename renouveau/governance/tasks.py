"""Periodic jobs of governance (listed in ``core/scheduler.py``)."""

from django_tasks import task


@task()
def send_meeting_reminders() -> int:
    """Daily: a reminder to everyone registered to a meeting of tomorrow, once each."""
    from .services import meeting_reminders_send

    return meeting_reminders_send()
