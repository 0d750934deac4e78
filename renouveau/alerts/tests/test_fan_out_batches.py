"""The fan-out by chunks (``services.alert_notify``): each person's e-mail is exactly the one
a per-person rendering gives (language, greeting, one-click unsubscribe), chunk boundaries
lose or repeat nobody, the number of queries does not grow with the subscribers, and with the
database task queue a chunk's ``Notification`` rows and e-mails commit (or not) together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from renouveau.alerts import services
from renouveau.alerts.models import Notification, Subscription
from renouveau.core import unsubscribe
from renouveau.territories.models import Commune

from .factories import alert_data, published_alert

ENGLISH = {
    "headline_en": "Huveaune flooding",
    "description_en": "The Huveaune is overflowing downstream of Aubagne.",
    "instruction_en": "Go upstairs. Do not take your car.",
}


def _subscribers(django_user_model, communes, count: int, *, prefix: str = "abonne"):
    """``count`` residents (bulk: no password hashing) subscribed to ``communes``; every
    second one reads English, every third one has no display name."""
    users = django_user_model.objects.bulk_create(
        [
            django_user_model(
                email=f"{prefix}{n}@example.org",
                password="!",  # noqa: S106 - unusable
                language="en" if n % 2 else "fr",
                display_name="" if n % 3 == 0 else f"Habitant {n}",
            )
            for n in range(count)
        ]
    )
    users = list(django_user_model.objects.filter(email__startswith=prefix).order_by("pk"))
    Subscription.objects.bulk_create(
        [Subscription(user=user, commune=commune) for user in users for commune in communes]
    )
    return users


def _expected(alert, user, template: str, message, **extra) -> tuple[str, str, dict]:
    """What rendering the e-mail for this one person gives (the fan-out before chunks). The
    unsubscribe token holds the second it was signed at: the one of ``message`` is taken
    once checked to be this person's own."""
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert services.unsubscribe_user(link.rstrip("/").rsplit("/", 1)[1]) == user
    context = {**services._email_context(alert, user), **extra, "unsubscribe_url": link}
    with translation.override(user.language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context)
    return subject, body, unsubscribe.headers(context["unsubscribe_url"])


def test_each_email_is_the_per_person_rendering(personas, marseille, django_user_model):
    users = _subscribers(django_user_model, [marseille], 6)
    users[0].display_name = "Zoé {{ name }} %(name)s \\1"  # nothing in a name is interpreted
    users[0].save()
    mail.outbox.clear()
    alert = published_alert(personas["crisis_agent"], [marseille], headline="Crue", **ENGLISH)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted(user.email for user in users)
    for user in users:
        message = by_recipient[user.email]
        subject, body, headers = _expected(alert, user, "alerts/emails/alert", message)
        assert message.subject == subject
        assert message.body == body
        assert message.extra_headers == headers
    english = by_recipient[users[1].email]
    assert english.subject == "Alert: Huveaune flooding"
    assert "Hello Habitant 1," in english.body and "Go upstairs." in english.body
    french = by_recipient[users[2].email]
    assert french.subject == "Alerte : Crue" and "Bonjour Habitant 2," in french.body
    assert "Bonjour Zoé {{ name }} %(name)s \\1," in by_recipient[users[0].email].body
    assert "Hello,\n" in by_recipient[users[3].email].body  # no name: no empty greeting
    links = {message.extra_headers["List-Unsubscribe"] for message in mail.outbox}
    assert len(links) == len(users)  # one one-click address per person
    for user in users:  # each address unsubscribes its own person
        link = by_recipient[user.email].extra_headers["List-Unsubscribe"].strip("<>")
        assert services.unsubscribe_user(link.rstrip("/").rsplit("/", 1)[1]) == user


def test_chunk_boundaries_lose_and_repeat_nobody(personas, marseille, django_user_model):
    users = _subscribers(django_user_model, [marseille], 501)
    alert = published_alert(
        personas["crisis_agent"], [marseille, Commune.objects.get(insee="13005")]
    )
    Notification.objects.filter(alert=alert).delete()
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        assert services.alert_notify(alert_id=alert.pk, chunk_size=500) == 501
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in users)
    assert Notification.objects.filter(alert=alert).count() == 501
    # Two chunks: a few queries each, not a few per person (the per-person fan-out made 2 505).
    assert len(queries.captured_queries) < 40, len(queries.captured_queries)
    mail.outbox.clear()
    assert services.alert_notify(alert_id=alert.pk, chunk_size=500) == 0
    assert mail.outbox == []
    # Someone already told (say, by a run that stopped after its first chunk) is not told again.
    Notification.objects.filter(alert=alert, user__in=users[200:]).delete()
    assert services.alert_notify(alert_id=alert.pk, chunk_size=7) == 301
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in users[200:])


def test_an_account_closed_during_the_fan_out_is_not_emailed(
    personas, marseille, django_user_model
):
    alert = published_alert(personas["crisis_agent"], [marseille])  # nobody subscribed yet
    users = _subscribers(django_user_model, [marseille], 4)
    django_user_model.objects.filter(pk=users[1].pk).update(is_active=False)
    mail.outbox.clear()
    # The list of people was read before the account closed: the chunk checks it again.
    mailer = services._FanOutMailer(alert)
    ids = [user.pk for user in users]
    assert services._notify_chunk(alert, ids, mailer, "alerts/emails/alert") == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        user.email for n, user in enumerate(users) if n != 1
    )


def test_an_update_dropping_communes_ends_it_for_their_people_in_chunks(
    personas, marseille, django_user_model
):
    aubagne = Commune.objects.get(insee="13005")
    cassis = Commune.objects.get(insee="13022")
    crisis = personas["crisis_agent"]
    both = _subscribers(django_user_model, [aubagne, cassis], 3, prefix="deux")
    one = _subscribers(django_user_model, [aubagne], 2, prefix="une")
    stay = _subscribers(django_user_model, [aubagne, marseille], 1, prefix="reste")
    alert = published_alert(crisis, [marseille, aubagne, cassis], **ENGLISH)
    update = services.update_draft_start(actor=crisis, alert=alert)
    services.alert_edit(actor=crisis, alert=update, data=alert_data([marseille], **ENGLISH))
    mail.outbox.clear()
    update = services.alert_publish(actor=crisis, alert=update)
    mail.outbox.clear()
    Notification.objects.filter(alert=update).delete()
    assert services.alert_notify(alert_id=update.pk, chunk_size=2) == 6
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(by_recipient) == len(mail.outbox) == 6
    for user in both + one:
        communes = sorted(["Aubagne", "Cassis"] if user in both else ["Aubagne"])
        message = by_recipient[user.email]
        subject, body, headers = _expected(
            update, user, "alerts/emails/alert_area_ended", message, communes=communes
        )
        assert (message.subject, message.body, message.extra_headers) == (subject, body, headers)
    assert by_recipient[both[1].email].subject == "End of alert for your commune: Huveaune flooding"
    assert "Aubagne, Cassis" in by_recipient[both[0].email].body
    assert by_recipient[stay[0].email].subject.startswith("Mise à jour d'alerte")
    mail.outbox.clear()
    assert services.alert_notify(alert_id=update.pk, chunk_size=2) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_chunk_commits_its_rows_and_emails_together(
    settings, personas, marseille, django_user_model, monkeypatch
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from renouveau.core import emails

    users = _subscribers(django_user_model, [marseille], 5)
    crisis = personas["crisis_agent"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "emails"]}
    }
    alert = published_alert(crisis, [marseille])  # its fan-out task waits in the queue
    DBTaskResult.objects.all().delete()
    real = emails.email_enqueue_many
    calls = []

    def crash_on_the_second_chunk(messages):
        calls.append(len(messages))
        real(messages)  # the e-mails are in the queue table, inside the chunk's transaction...
        if len(calls) == 2:
            raise RuntimeError("the worker dies")  # ...which is rolled back

    monkeypatch.setattr(emails, "email_enqueue_many", crash_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        services.alert_notify(alert_id=alert.pk, chunk_size=2)
    tasks = DBTaskResult.objects.filter(task_path="renouveau.core.tasks.send_email")
    queued = sorted(row["kwargs"]["to"][0] for row in tasks.values_list("args_kwargs", flat=True))
    notified = sorted(
        Notification.objects.filter(alert=alert).values_list("user__email", flat=True)
    )
    assert queued == notified == sorted(user.email for user in users[:2])
    monkeypatch.setattr(emails, "email_enqueue_many", real)
    # The retry sends the rest, once.
    assert services.alert_notify(alert_id=alert.pk, chunk_size=2) == 3
    assert tasks.count() == Notification.objects.filter(alert=alert).count() == 5
    mail.outbox.clear()
    call_command("db_worker", batch=True, queue_name="emails", interval=0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in users)
    for message in mail.outbox:
        user = next(user for user in users if user.email == message.to[0])
        assert (message.subject, message.body, message.extra_headers) == _expected(
            alert, user, "alerts/emails/alert", message
        )


@pytest.mark.django_db(transaction=True)
def test_the_bench_runs(settings):
    """bench/alerts.py with 40 subscribers, in a throw-away database next to the test one."""
    if connection.vendor != "postgresql":
        pytest.skip("the bench runs on PostgreSQL")
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}_bench_alerts"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, str(root / "bench" / "alerts.py"), "--subscribers", "40"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "same fan-out again: 0 e-mails queued" in result.stdout
    assert "SUMMARY subscribers=40" in result.stdout
