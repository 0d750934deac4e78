"""Crisis-alert fan-out: how fast every subscriber's e-mail is queued.

    flock /tmp/team/cpu.lock .venv/bin/python bench/alerts.py [--subscribers 10000]
                                                              [--communes 10] [--seed 2020]

Throws away and recreates the PostgreSQL database named by ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/bench_alerts``; it must be a throw-away database), migrates,
loads the territories (92 communes), then inserts ``--subscribers`` residents (bulk, not timed):
each subscribes to one commune drawn in proportion to its population (about half live in
Marseille), one in ten to a second commune too; one in five reads e-mails in English; two in
three have a display name. A crisis agent publishes one real alert (with an English version)
covering Marseille + ``--communes`` other communes (the largest ones) through the services.

Timed, with the production settings (DEBUG off, the database task queue, what ``db_worker``
would run): ``alert_notify`` (the body of the ``alert_fan_out`` task) until it returns, when
every e-mail is committed in the task queue; e-mails/s, SQL queries per e-mail, CPU of this
process. Checks that exactly one e-mail per concerned subscriber is queued, each with its own
one-click unsubscribe header. Then runs the same fan-out again: it must queue nothing (exactly
once). Then an Update dropping the 5 last communes: the « Fin d'alerte pour votre commune »
branch, timed the same way. Prints the machine's load averages before and after (the machine
is shared: run it under ``flock /tmp/team/cpu.lock``).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_alerts"


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def recreate(url: str) -> None:
    import psycopg

    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a throw-away PostgreSQL database")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


class QueryCounter:
    """Counts the SQL statements of the default connection (cheap: no capture of the text)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def fill(subscribers: int, seed: int) -> None:
    from django.db import connection

    from renouveau.accounts.models import User
    from renouveau.alerts.models import Subscription
    from renouveau.territories.models import Commune

    rng = random.Random(seed)
    communes = list(Commune.objects.order_by("pk"))
    weights = [commune.population or 1000 for commune in communes]
    batch = 5000
    for start in range(0, subscribers, batch):
        users = [
            User(
                email=f"abonne{n}@bench.invalid",
                password="!",  # noqa: S106 - unusable: nobody signs in
                display_name=f"Habitant {n}" if n % 3 else "",
                language="en" if n % 5 == 0 else "fr",
            )
            for n in range(start, min(subscribers, start + batch))
        ]
        User.objects.bulk_create(users)
        ids = list(
            User.objects.filter(email__endswith="@bench.invalid")
            .order_by("-pk")
            .values_list("pk", flat=True)[: len(users)]
        )
        rows = []
        for user_id in ids:
            first, second = rng.choices(communes, weights=weights, k=2)
            rows.append(Subscription(user_id=user_id, commune=first))
            if second != first and rng.random() < 0.1:
                rows.append(Subscription(user_id=user_id, commune=second))
        Subscription.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def progress(before: int, started: float, stop: threading.Event, every: float = 30.0) -> None:
    """Every ``every`` seconds, how many e-mails are in the queue so far (its own connection):
    a figure even if a slow fan-out is stopped before its end."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    try:
        while not stop.wait(every):
            queued = (
                DBTaskResult.objects.filter(task_path="renouveau.core.tasks.send_email").count()
                - before
            )
            elapsed = time.perf_counter() - started
            print(
                f"  ... {queued} e-mails queued after {elapsed:.0f} s "
                f"({queued / elapsed:.0f} e-mails/s)",
                flush=True,
            )
    finally:
        connections.close_all()


def timed_fan_out(alert_id: int, expected: int, label: str) -> dict:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from renouveau.alerts.services import alert_notify

    tasks = DBTaskResult.objects.filter(task_path="renouveau.core.tasks.send_email")
    before = tasks.count()
    counter = QueryCounter()
    cpu = time.process_time()
    started = time.perf_counter()
    stop = threading.Event()
    watcher = threading.Thread(target=progress, args=(before, started, stop), daemon=True)
    watcher.start()
    try:
        with connection.execute_wrapper(counter):
            sent = alert_notify(alert_id=alert_id)
    finally:
        stop.set()
        watcher.join()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    queued = tasks.count() - before
    print(
        f"{label}: {sent} e-mails queued in {wall:.2f} s "
        f"({(sent / wall) if wall else 0:.0f} e-mails/s), {counter.count} queries "
        f"({counter.count / max(sent, 1):.3f} per e-mail), CPU of this process {cpu:.2f} s; "
        f"{queued} new e-mail tasks in the queue (expected {expected})"
    )
    if queued != expected or sent != expected:
        sys.exit(f"FAILED: {label}: expected {expected} e-mails, queued {queued}, returned {sent}")
    return {"sent": sent, "wall": wall, "queries": counter.count}


def check_queue(alert) -> None:
    """One e-mail per concerned person, each with its own one-click unsubscribe address."""
    from django_tasks_db.models import DBTaskResult

    from renouveau.alerts.models import Notification

    recipients = []
    links = set()
    for row in DBTaskResult.objects.filter(task_path="renouveau.core.tasks.send_email").values_list(
        "args_kwargs", flat=True
    ):
        kwargs = row["kwargs"]
        assert len(kwargs["to"]) == 1, kwargs["to"]
        recipients.append(kwargs["to"][0])
        link = kwargs["headers"]["List-Unsubscribe"]
        assert link.strip("<>") in kwargs["body"]
        links.add(link)
    notified = Notification.objects.filter(alert=alert).count()
    assert len(recipients) == len(set(recipients)) == notified, "an e-mail twice, or missing"
    assert len(links) == len(recipients), "unsubscribe links are not per person"
    print(
        f"queue checked: {len(recipients)} e-mails to distinct people, {len(links)} distinct unsubscribe links"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--communes", type=int, default=10, help="besides Marseille")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    recreate(url)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "TASKS_BACKEND": "database",
            "DEMO_DATA": "0",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": "https://renouveau.example.org",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from renouveau.accounts.models import User
    from renouveau.accounts.roles import Role
    from renouveau.accounts.services import role_grant
    from renouveau.alerts import services
    from renouveau.alerts.selectors import subscribers_for, subscribers_of_communes
    from renouveau.alerts.tests.factories import alert_data
    from renouveau.territories.models import Commune
    from renouveau.territories.services import territories_load

    print(f"load averages before: {load_average()} (cores: {os.cpu_count()})")
    call_command("migrate", "--noinput", verbosity=0)
    territories_load()
    started = time.perf_counter()
    fill(args.subscribers, args.seed)
    print(f"inserted {args.subscribers} subscribers in {time.perf_counter() - started:.1f} s")

    crisis = User.objects.create_user(email="cellule.crise@bench.invalid", password=None)
    role_grant(actor=None, user=crisis, role=Role.CRISIS_CELL)
    marseille = Commune.objects.get(insee="13055")
    others = list(
        Commune.objects.exclude(pk=marseille.pk).order_by("-population", "name")[: args.communes]
    )
    data = alert_data(
        [marseille, *others],
        headline="Crue de l'Huveaune et de ses affluents",
        headline_en="Flooding of the Huveaune and its tributaries",
        description_en="The Huveaune is overflowing downstream of Aubagne.",
        instruction_en="Go upstairs. Do not take your car.",
    )
    alert = services.alert_publish(
        actor=crisis, alert=services.alert_create(actor=crisis, data=data)
    )  # the fan-out task is queued at commit; it is timed here, not run by a worker
    expected = subscribers_for(alert).count()
    print(f"alert covering Marseille + {len(others)} communes: {expected} subscribers concerned")

    first = timed_fan_out(alert.pk, expected, "fan-out")
    check_queue(alert)
    timed_fan_out(alert.pk, 0, "same fan-out again")

    kept = [marseille, *others[: max(0, len(others) - 5)]]
    dropped = others[len(kept) - 1 :]
    update = services.update_draft_start(actor=crisis, alert=alert)
    services.alert_edit(
        actor=crisis,
        alert=update,
        data=alert_data(
            kept,
            headline="Crue de l'Huveaune : décrue à l'est",
            headline_en="Huveaune flooding: water receding in the east",
        ),
    )
    update = services.alert_publish(actor=crisis, alert=update)
    concerned = subscribers_for(update)
    released = subscribers_of_communes(update, dropped).exclude(pk__in=concerned.values("pk"))
    timed_fan_out(
        update.pk, concerned.count() + released.count(), f"update dropping {len(dropped)} communes"
    )
    print(f"  of which « fin d'alerte pour votre commune »: {released.count()}")
    timed_fan_out(update.pk, 0, "same update again")
    print(f"load averages after: {load_average()}")
    print(
        f"SUMMARY subscribers={args.subscribers} concerned={expected} "
        f"seconds={first['wall']:.2f} emails_per_s={first['sent'] / first['wall']:.0f} "
        f"queries_per_email={first['queries'] / max(first['sent'], 1):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
