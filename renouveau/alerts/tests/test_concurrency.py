"""Exactly-once under concurrency, on PostgreSQL (SQLite serialises every write, so it cannot
exercise concurrent inserts): exercise registrations never exceed the capacity nor repeat, and
two fan-out runs at once e-mail each subscriber once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections

from conftest import make_user
from renouveau.alerts import services
from renouveau.alerts.models import Notification, Registration

from .factories import exercise, published_alert

pytestmark = pytest.mark.django_db(transaction=True)


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent inserts need PostgreSQL (DATABASE_URL); SQLite serialises writes.")


def _run_together(jobs, work, *, workers: int = 16):
    barrier = Barrier(min(workers, len(jobs)))

    def run(job):
        try:
            barrier.wait(timeout=5)
        except Exception:  # noqa: S110 - the barrier only lines threads up
            pass
        try:
            return work(job)
        except ValidationError as exc:
            return " ".join(exc.messages)
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))


def test_concurrent_registrations_never_exceed_the_capacity(marseille):
    _require_postgresql()
    drill = exercise([marseille], capacity=5)
    people = [make_user(f"participant{i}@example.org", commune=marseille) for i in range(24)]
    jobs = [person for person in people for _ in range(2)]  # everyone clicks twice
    outcomes = _run_together(
        jobs, lambda person: services.exercise_register(user=person, exercise=drill) and "ok"
    )
    assert Registration.objects.filter(exercise=drill).count() == 5
    registered = set(Registration.objects.values_list("user_id", flat=True))
    assert len(registered) == 5
    assert outcomes.count("ok") == 10  # each of the 5 registered people: twice "ok"
    assert outcomes.count("Cet exercice est complet.") == 38, set(outcomes)


def test_concurrent_fan_out_runs_send_each_email_once(personas, marseille, settings):
    _require_postgresql()
    subscribers = [make_user(f"abonne{i}@example.org", commune=marseille) for i in range(30)]
    for person in subscribers:
        services.subscription_add(user=person, commune=marseille)
    alert = published_alert(personas["crisis_agent"], [marseille])  # first run, at commit
    Notification.objects.all().delete()
    mail.outbox.clear()
    outcomes = _run_together(list(range(6)), lambda _: services.alert_notify(alert_id=alert.pk))
    assert sum(outcomes) == 30, outcomes
    assert Notification.objects.filter(alert=alert).count() == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in subscribers)


def test_concurrent_publications_tell_each_signal_reporter_once(personas, marseille):
    from renouveau.reserve.tests.factories import make_signal

    from .factories import alert_data

    _require_postgresql()
    crisis = personas["crisis_agent"]
    reporters = [make_user(f"vigie{i}@example.org", commune=marseille) for i in range(5)]
    signals = [make_signal(person, commune=marseille) for person in reporters]
    draft = services.alert_create(actor=crisis, data=alert_data([marseille]), signals=signals)
    mail.outbox.clear()
    outcomes = _run_together(
        list(range(6)), lambda _: services.alert_publish(actor=crisis, alert=draft) and "ok"
    )
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("Cette alerte est déjà publiée.") == 5, outcomes
    told = [m for m in mail.outbox if "a émis une alerte" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted(p.email for p in reporters)


def test_concurrent_fan_out_of_an_update_dropping_a_commune_ends_it_once(
    personas, marseille, territories
):
    from renouveau.territories.models import Commune

    from .factories import alert_data

    _require_postgresql()
    aubagne = Commune.objects.get(insee="13005")
    people = [make_user(f"aubagnais{i}@example.org", commune=aubagne) for i in range(12)]
    for person in people:
        services.subscription_add(user=person, commune=aubagne)
    crisis = personas["crisis_agent"]
    alert = published_alert(crisis, [marseille, aubagne])
    update = services.update_draft_start(actor=crisis, alert=alert)
    services.alert_edit(actor=crisis, alert=update, data=alert_data([marseille]))
    update = services.alert_publish(actor=crisis, alert=update)  # first run, at commit
    Notification.objects.filter(alert=update).delete()
    mail.outbox.clear()
    outcomes = _run_together(list(range(6)), lambda _: services.alert_notify(alert_id=update.pk))
    assert sum(outcomes) == 12, outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all(m.subject.startswith("Fin d'alerte pour votre commune") for m in mail.outbox)


def test_concurrent_fan_out_runs_by_small_chunks_send_each_email_once(
    personas, marseille, django_user_model
):
    """Six runs at once, by chunks of 7 over 60 subscribers: the runs overtake one another
    chunk by chunk, and still each person is claimed by exactly one run."""
    from renouveau.alerts.models import Subscription

    _require_postgresql()
    alert = published_alert(personas["crisis_agent"], [marseille])  # nobody subscribed yet
    django_user_model.objects.bulk_create(
        [
            django_user_model(
                email=f"lot{n}@example.org", password="!", language="en" if n % 2 else "fr"
            )  # noqa: S106 - unusable
            for n in range(60)
        ]
    )
    people = list(django_user_model.objects.filter(email__startswith="lot"))
    Subscription.objects.bulk_create([Subscription(user=p, commune=marseille) for p in people])
    mail.outbox.clear()
    outcomes = _run_together(
        list(range(6)), lambda _: services.alert_notify(alert_id=alert.pk, chunk_size=7)
    )
    assert sum(outcomes) == 60, outcomes
    assert Notification.objects.filter(alert=alert).count() == 60
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    english = {p.email for p in people if p.language == "en"}
    assert all(m.subject.startswith("Alert: ") == (m.to[0] in english) for m in mail.outbox)
