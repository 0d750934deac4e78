"""Periodic jobs: the schedule of the background tasks that no request triggers.

django-tasks has no scheduler of its own. ``manage.py scheduler`` calls ``run_due`` every
``--interval`` seconds (or once, from cron, with ``--once``): every job whose current *slot* has
not run yet is enqueued on the task queue, where ``manage.py db_worker`` runs it. A slot is
claimed by inserting a ``ScheduledRun`` row, unique per (job, slot), in the same transaction as
the enqueue (the database queue): several schedulers (one per server) enqueue each run exactly
once, and a failed enqueue leaves the slot free for the next pass.

Slots: an interval job (``every``) has one slot per period since the epoch; a daily job
(``daily_at``, local time) has one slot per day, open from that time on (a scheduler started
later in the day still runs that day's job; days when no scheduler ran are not caught up — every
job here picks up whatever is due when it runs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task
    every: timedelta | None = None
    daily_at: time | None = None
    kwargs: dict = field(default_factory=dict)

    def slot(self, now: datetime) -> str | None:
        """The slot ``now`` falls in, or None when the job is not due yet today."""
        if self.every is not None:
            return str(int(now.timestamp() // self.every.total_seconds()))
        local = timezone.localtime(now)
        if local.time() < self.daily_at:
            return None
        return local.date().isoformat()


JOBS: tuple[Job, ...] = (
    # Votes that close by their dates get their results within minutes.
    Job("budgets.results_due", "renouveau.budgets.tasks.results_compute_due_task",
        every=timedelta(minutes=5)),
    # Offers and requests of help past their date expire.
    Job("mutualaid.expire", "renouveau.mutualaid.tasks.expire_help_requests",
        daily_at=time(3, 0)),
    # Saved-search alert digests (weekly ones go out when their last digest is a week old).
    Job("aids.alerts.daily", "renouveau.aids.tasks.aid_alerts_digest",
        daily_at=time(7, 0), kwargs={"frequency": "daily"}),
    Job("aids.alerts.weekly", "renouveau.aids.tasks.aid_alerts_digest",
        daily_at=time(7, 0), kwargs={"frequency": "weekly"}),
    # Public alerts past their expiry are recorded as ended (audited: refreshes the page cache;
    # the pages already stop showing them at their expiry).
    Job("alerts.expire", "renouveau.alerts.tasks.alerts_expire", every=timedelta(minutes=5)),
    # Citizen reserve: missions past their end are closed; volunteers reminded once, 36 h before.
    Job("reserve.close_missions", "renouveau.reserve.tasks.close_past_missions",
        daily_at=time(3, 15)),
    Job("reserve.reminders", "renouveau.reserve.tasks.send_mission_reminders",
        daily_at=time(8, 0)),
    # Governance: registrants of tomorrow's meetings reminded once (Registration.reminded_at).
    Job("governance.reminders", "renouveau.governance.tasks.send_meeting_reminders",
        daily_at=time(8, 0)),
    # Calls: ended co-author invitations deleted after 30 days (accepted ones kept).
    Job("calls.invitations_purge", "renouveau.calls.tasks.purge_old_invitations",
        daily_at=time(3, 30)),
    # Followers told once a day what changed in the projects they follow.
    Job("follows.digest", "renouveau.follows.tasks.send_follow_digests", daily_at=time(7, 30)),
)  # fmt: skip


def run_due(now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Enqueue every job whose current slot has not run; returns the names enqueued."""
    from .models import ScheduledRun

    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
                continue
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = import_string(job.task).enqueue(**job.kwargs)
                run.task_id = str(getattr(result, "id", "") or "")[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another scheduler claimed this slot first
            continue
        except Exception:  # noqa: BLE001 - one failing job (or the database) must not stop the rest
            logger.exception("Periodic job %s (slot %s) could not be enqueued", job.name, slot)
            continue
        logger.info("Periodic job %s enqueued (slot %s)", job.name, slot)
        enqueued.append(job.name)
    return enqueued


def prune(keep_days: int = 90) -> int:
    """Forget runs older than ``keep_days`` (the table only needs the current slots)."""
    from .models import ScheduledRun

    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = ScheduledRun.objects.filter(enqueued_at__lt=cutoff).delete()
    return deleted
