"""Two identical alert subscriptions sent at the same instant make one alert (the database
decides: a unique fingerprint of the address and the normalised criteria among the alerts in
force), and the migration that adds the constraint ends the duplicates already there."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from renouveau.aids.models import AidAlert, alert_fingerprint
from renouveau.aids.services import alert_subscribe


def test_the_fingerprint_normalises_address_and_criteria():
    one = alert_fingerprint(" Lea@Example.org ", {"q": "vélo ", "public": ["student", "resident"]})
    same = alert_fingerprint("lea@example.org", {"public": ["resident", "student"], "q": "vélo"})
    assert one == same
    assert alert_fingerprint("lea@example.org", {"q": "vélo", "ouvert": ""}) == alert_fingerprint(
        "lea@example.org", {"q": "vélo"}
    )
    assert one != alert_fingerprint("lea@example.org", {"q": "vélo"})
    assert one != alert_fingerprint(
        "leo@example.org", {"q": "vélo", "public": ["resident", "student"]}
    )


@pytest.mark.django_db
def test_the_database_refuses_a_second_alert_in_force_with_the_same_criteria():
    AidAlert.objects.create(email="lea@example.org", query={"q": "vélo"})
    with pytest.raises(IntegrityError), transaction.atomic():
        AidAlert.objects.create(email="LEA@example.org", query={"q": "vélo "})
    # An unsubscribed alert does not count: subscribing again after leaving is possible.
    AidAlert.objects.update(unsubscribed_at=timezone.now())
    AidAlert.objects.create(email="lea@example.org", query={"q": "vélo"})
    assert AidAlert.objects.count() == 2


@pytest.mark.django_db
def test_the_same_subscription_with_criteria_in_another_order_is_the_same_alert(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = alert_subscribe(
            email="lea@example.org", query={"public": ["student", "resident"]}, frequency="weekly"
        )
        second = alert_subscribe(
            email="Lea@example.org", query={"public": ["resident", "student"]}, frequency="weekly"
        )
    assert first.pk == second.pk and AidAlert.objects.count() == 1
    assert len(mail.outbox) == 2  # two confirmation e-mails, as for any second request


def _at_once(count: int, run):
    barrier = Barrier(count)

    def call(n):
        barrier.wait(timeout=10)
        try:
            return run(n)
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


@pytest.mark.django_db(transaction=True)
def test_identical_subscriptions_at_the_same_instant_make_one_alert(personas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; this test runs on PostgreSQL (DATABASE_URL).")
    resident = personas["resident"]
    for round_ in range(8):
        email = f"lea{round_}@example.org"
        outcomes = _at_once(
            3,
            lambda n, email=email: (
                alert_subscribe(
                    email=email, query={"q": "vélo", "public": ["student"]}, frequency="weekly"
                ).pk
            ),
        )
        assert all(isinstance(o, int) for o in outcomes), outcomes
        assert len(set(outcomes)) == 1, outcomes
        assert AidAlert.objects.filter(email=email).count() == 1
        # Each request is answered like a single one: a confirmation e-mail each time.
        assert [m.to for m in mail.outbox].count([email]) == 3
    # The same person, signed in, twice at once with their own address.
    outcomes = _at_once(
        2,
        lambda n: (
            alert_subscribe(
                email=resident.email, query={"q": "énergie"}, frequency="daily", user=resident
            ).pk
        ),
    )
    assert all(isinstance(o, int) for o in outcomes) and len(set(outcomes)) == 1, outcomes
    assert AidAlert.objects.filter(user=resident).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_oldest_confirmed_of_existing_duplicates():
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("aids", "0006_alert_language_pending_change")],
        [("aids", "0007_alert_fingerprint")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        OldAlert = executor.loader.project_state(before).apps.get_model("aids", "AidAlert")
        now = timezone.now()
        query = {"q": "vélo"}
        unconfirmed_oldest = OldAlert.objects.create(
            email="lea@example.org", query=query, token="a"
        )
        confirmed_older = OldAlert.objects.create(
            email="lea@example.org", query=query, token="b", confirmed_at=now
        )
        confirmed_newer = OldAlert.objects.create(
            email="lea@example.org", query=query, token="c", confirmed_at=now
        )
        gone = OldAlert.objects.create(
            email="lea@example.org", query=query, token="d", unsubscribed_at=now
        )
        other = OldAlert.objects.create(email="leo@example.org", query=query, token="e")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    in_force = AidAlert.objects.filter(unsubscribed_at__isnull=True)
    assert sorted(in_force.values_list("pk", flat=True)) == sorted([confirmed_older.pk, other.pk])
    for old in (unconfirmed_oldest, confirmed_newer, gone):
        assert AidAlert.objects.get(pk=old.pk).unsubscribed_at is not None
    assert all(a.fingerprint == alert_fingerprint(a.email, a.query) for a in AidAlert.objects.all())
