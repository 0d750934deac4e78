"""Periodic jobs: each slot enqueued exactly once, on the real database queue."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from renouveau.core import scheduler
from renouveau.core.models import ScheduledRun
from renouveau.core.scheduler import JOBS, Job, run_due

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "emails"]}
}


def _at(hour, minute=0, day=10):
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))  # Europe/Paris


@pytest.fixture
def db_queue(settings):
    settings.TASKS = DB_QUEUE


def _queued():
    from django_tasks_db.models import DBTaskResult

    return sorted(
        (r.task_path, tuple(sorted(r.args_kwargs["kwargs"].items())))
        for r in DBTaskResult.objects.filter(status="READY")
    )


def test_each_job_is_enqueued_once_per_slot_on_the_database_queue(db, db_queue):
    assert sorted(run_due(_at(8))) == sorted(j.name for j in JOBS)
    assert _queued() == sorted(
        [
            ("renouveau.aids.tasks.aid_alerts_digest", (("frequency", "daily"),)),
            ("renouveau.aids.tasks.aid_alerts_digest", (("frequency", "weekly"),)),
            ("renouveau.alerts.tasks.alerts_expire", ()),
            ("renouveau.budgets.tasks.results_compute_due_task", ()),
            ("renouveau.calls.tasks.purge_old_invitations", ()),
            ("renouveau.follows.tasks.send_follow_digests", ()),
            ("renouveau.governance.tasks.send_meeting_reminders", ()),
            ("renouveau.mutualaid.tasks.expire_help_requests", ()),
            ("renouveau.reserve.tasks.close_past_missions", ()),
            ("renouveau.reserve.tasks.send_mission_reminders", ()),
        ]
    )
    every_five_minutes = ["alerts.expire", "budgets.results_due"]
    assert run_due(_at(8, 2)) == []  # same 5-minute slot, same day: nothing more
    assert sorted(run_due(_at(8, 5))) == every_five_minutes  # next 5-minute slot
    assert sorted(run_due(_at(23, 59))) == every_five_minutes
    # Next day at 07:30: every job but the 08:00 reminders.
    reminders = ["governance.reminders", "reserve.reminders"]
    assert sorted(run_due(_at(7, 30, day=11))) == sorted(
        j.name for j in JOBS if j.name not in reminders
    )
    # At 08:00 the reminders' time has come, with a new 5-minute slot.
    assert sorted(run_due(_at(8, 0, day=11))) == sorted([*every_five_minutes, *reminders])
    assert ScheduledRun.objects.count() == 10 + 2 + 2 + 8 + 4
    assert all(run.task_id for run in ScheduledRun.objects.all())


def test_a_daily_job_waits_for_its_local_time():
    job = Job("x", "renouveau.mutualaid.tasks.expire_help_requests", daily_at=time(3, 0))
    assert job.slot(_at(2, 59)) is None
    assert job.slot(_at(3, 0)) == "2026-11-10"
    # 02:30 UTC is 03:30 in Paris: the local time decides.
    assert job.slot(datetime(2026, 11, 10, 2, 30, tzinfo=UTC)) == "2026-11-10"
    every = Job("y", "renouveau.budgets.tasks.results_compute_due_task", every=timedelta(minutes=5))
    assert every.slot(_at(8, 0)) == every.slot(_at(8, 4)) != every.slot(_at(8, 5))


def test_a_slot_claimed_by_another_scheduler_is_not_enqueued_again(db, db_queue, monkeypatch):
    jobs = (JOBS[1],)
    slot = jobs[0].slot(_at(9))
    ScheduledRun.objects.create(job=jobs[0].name, slot=slot)  # the other scheduler won

    # Even when the check before the insert misses it (the race), the unique row decides.
    class Missed:
        def exists(self):
            return False

    with monkeypatch.context() as patch:
        patch.setattr(ScheduledRun.objects, "filter", lambda **kw: Missed())
        assert run_due(_at(9), jobs) == []
    assert _queued() == []
    assert ScheduledRun.objects.filter(job=jobs[0].name).count() == 1


def test_a_failing_enqueue_leaves_the_slot_free_and_the_other_jobs_run(db, db_queue):
    broken = Job(
        "broken", "renouveau.core.tests.test_scheduler.no_such_task", every=timedelta(minutes=5)
    )
    assert run_due(_at(9), (broken, JOBS[1])) == ["mutualaid.expire"]
    assert not ScheduledRun.objects.filter(job="broken").exists()  # rolled back with the enqueue
    assert [p for p, _ in _queued()] == ["renouveau.mutualaid.tasks.expire_help_requests"]


@pytest.mark.django_db(transaction=True)
def test_the_enqueued_jobs_run_in_the_worker(db_queue):
    from django_tasks_db.models import DBTaskResult

    run_due(_at(8))
    call_command("db_worker", batch=True, queue_name="*", interval=0, stdout=io.StringIO())
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)  # the command recycles connections, as db_worker does
def test_the_command_runs_once_and_prune_forgets_old_runs(db_queue):
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    # At whatever time the test runs, the interval job is due.
    assert "budgets.results_due: enqueued" in out.getvalue()
    old = ScheduledRun.objects.create(job="old", slot="1")
    ScheduledRun.objects.filter(pk=old.pk).update(enqueued_at=timezone.now() - timedelta(days=91))
    assert scheduler.prune() == 1
    assert ScheduledRun.objects.filter(job="budgets.results_due").exists()


def test_the_back_office_lists_the_runs_read_only(client, administrator, db_queue):
    run_due(_at(8))
    client.force_login(administrator)
    page = client.get("/back-office/core/scheduledrun/")
    assert page.status_code == 200
    assert "budgets.results_due" in page.content.decode()
    run = ScheduledRun.objects.first()
    assert client.get(f"/back-office/core/scheduledrun/{run.pk}/change/").status_code == 200
    assert client.get("/back-office/core/scheduledrun/add/").status_code == 403
