"""Periodic jobs of the citizen reserve (to be listed in ``core/scheduler.py``)."""

from django_tasks import task


@task()
def close_past_missions() -> int:
    """Daily: published missions whose end has passed are closed."""
    from .services import missions_close_past

    return missions_close_past()


@task()
def send_mission_reminders() -> int:
    """Daily: a reminder to each volunteer whose mission starts within 36 hours (once)."""
    from .services import mission_reminders_send

    return mission_reminders_send()
