from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from renouveau.aids.models import Aid, AidAlert, AidAlertDelivery
from renouveau.aids.services import alert_digest_send

from .conftest import make_aid

pytestmark = pytest.mark.django_db


# --- « Quelles aides pour moi ? » --------------------------------------------------------


def test_questionnaire_returns_matching_aids_with_reasons(client, funders, marseille):
    owner = funders["metropolis"]
    student_grant = make_aid(
        owner, title="Bourse étudiante", audiences=["student"], aid_types=["grant"]
    )
    make_aid(owner, title="Pour les seniors", audiences=["senior"])
    make_aid(
        owner, title="Réduction étudiante", audiences=["student"], aid_types=["tariff_reduction"]
    )
    make_aid(
        owner,
        title="Fermée",
        audiences=["student"],
        opens_on=dt.date(2020, 1, 1),
        closes_on=dt.date(2020, 2, 1),
    )
    response = client.get(
        "/aides/pour-moi/", {"qui": "student", "commune": "13055", "besoin": "financer"}
    )
    assert response.status_code == 200
    matches = response.context["matches"]
    assert [m.aid for m in matches] == [student_grant]
    reasons = " ".join(matches[0].reasons)
    assert "Étudiant·e" in reasons and "Marseille" in reasons and "subvention" in reasons
    assert "Pourquoi cette aide" in response.content.decode()


def test_questionnaire_situation_broadens_the_audiences(client, funders):
    owner = funders["metropolis"]
    make_aid(owner, title="Gens du voyage", audiences=["traveller"], aid_types=["in_kind"])
    titles = [
        m.aid.title
        for m in client.get(
            "/aides/pour-moi/", {"qui": "resident", "situation": "traveller"}
        ).context["matches"]
    ]
    assert titles == ["Gens du voyage"]


def test_questionnaire_commune_excludes_other_places(client, funders, territories):
    from renouveau.territories.models import Commune

    aix = Commune.objects.get(insee="13001")
    make_aid(funders["metropolis"], title="Aix seulement", scope="communes", communes=[aix])
    response = client.get("/aides/pour-moi/", {"qui": "resident", "commune": "13055"})
    assert response.context["matches"] == []
    assert "Aucune aide ouverte" in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"qui": "extraterrestre"}, {"qui": "student", "commune": "00000"}, {"besoin": "x"}]
)
def test_questionnaire_bad_answers_are_400(client, funders, params):
    response = client.get("/aides/pour-moi/", params)
    assert response.status_code == 400
    assert "erreurs" in response.content.decode()


def test_questionnaire_empty_form(client, funders):
    response = client.get("/aides/pour-moi/")
    assert response.status_code == 200 and response.context["matches"] is None


# --- alerts ------------------------------------------------------------------------------


def _subscribe(client, **params):
    data = {"q": "vélo", "email": "lea@example.org", "frequency": "daily", **params}
    return client.post("/aides/alertes/", data)


def test_alert_double_opt_in_then_digest_never_twice(
    client, funders, django_capture_on_commit_callbacks
):
    owner = funders["metropolis"]
    old = make_aid(owner, title="Vélo ancien")  # published before the subscription
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, public="resident")
    assert response.status_code == 200
    alert = AidAlert.objects.get()
    assert alert.query == {"q": "vélo", "public": ["resident"]}
    assert alert.confirmed_at is None
    assert len(mail.outbox) == 1 and alert.token in mail.outbox[0].body
    # Nothing is sent before confirmation.
    assert alert_digest_send(alert_id=alert.pk) == 0
    # The link shows a button; GET alone does not confirm.
    confirm_url = f"/aides/alertes/confirmer/{alert.token}/"
    assert client.get(confirm_url).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    assert client.post(confirm_url).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    mail.outbox.clear()
    new = make_aid(owner, title="Aide vélo électrique", published_at=timezone.now())
    make_aid(owner, title="Sans rapport")
    make_aid(owner, title="Vélo pour seniors", audiences=["senior"])
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_digest_send(alert_id=alert.pk) == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Aide vélo électrique" in body and old.title not in body
    assert f"/aides/alertes/desinscription/{alert.token}/" in body
    assert list(AidAlertDelivery.objects.values_list("aid_id", flat=True)) == [new.pk]
    # Second run: nothing new, nothing sent.
    assert alert_digest_send(alert_id=alert.pk) == 0
    assert len(mail.outbox) == 1
    # The database refuses a second delivery of the same aid.
    with pytest.raises(IntegrityError), transaction.atomic():
        AidAlertDelivery.objects.create(alert=alert, aid=new)


def test_unsubscribe_link_shows_a_button_and_the_post_unsubscribes(client, funders):
    """Opening the link changes nothing (mail scanners open links); the button's POST
    unsubscribes. CSRF and RFC 8058 one-click: see test_alert_safety.py."""
    _subscribe(client)
    alert = AidAlert.objects.get()
    client.post(f"/aides/alertes/confirmer/{alert.token}/")
    response = client.get(f"/aides/alertes/desinscription/{alert.token}/")
    assert response.status_code == 200
    assert "Me désinscrire de cette alerte" in response.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None
    response = client.post(f"/aides/alertes/desinscription/{alert.token}/")
    assert response.status_code == 200
    assert "Vous ne recevrez plus cette alerte" in response.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
    make_aid(funders["metropolis"], title="Vélo tout neuf")
    assert alert_digest_send(alert_id=alert.pk) == 0
    assert client.post(f"/aides/alertes/confirmer/{alert.token}/").status_code == 400
    assert client.get("/aides/alertes/desinscription/inconnu/").status_code == 404


def test_alert_with_bad_email_or_bad_query_is_400(client, funders):
    assert _subscribe(client, email="pas-un-email").status_code == 400
    assert _subscribe(client, public="martien").status_code == 400
    assert not AidAlert.objects.exists()


def test_subscribing_twice_does_not_duplicate(client, funders):
    """Not confirmed yet: the latest request wins (a confirmed alert waits for its owner's
    confirmation instead, see test_alert_safety.py)."""
    _subscribe(client)
    _subscribe(client, frequency="weekly")
    alert = AidAlert.objects.get()
    assert alert.frequency == "weekly" and alert.confirmed_at is None


def test_digest_command_sends_due_alerts_through_tasks(funders, django_capture_on_commit_callbacks):
    now = timezone.now()
    daily = AidAlert.objects.create(
        email="a@example.org", query={"q": "vélo"}, frequency="daily", confirmed_at=now
    )
    weekly_recent = AidAlert.objects.create(
        email="b@example.org",
        query={"q": "vélo"},
        frequency="weekly",
        confirmed_at=now,
        last_sent_at=now - dt.timedelta(days=2),
    )
    make_aid(funders["metropolis"], title="Vélo cargo", published_at=now + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_aid_alerts")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    daily.refresh_from_db()
    weekly_recent.refresh_from_db()
    assert daily.last_sent_at is not None
    assert weekly_recent.last_sent_at < now - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_aid_alerts", "--frequency", "daily")
    assert len(mail.outbox) == 1  # not due again yet, and never twice anyway


def test_rgpd_export_and_erasure_of_alerts(resident):
    from renouveau.accounts.signals import personal_data_requested, user_erased

    AidAlert.objects.create(email=resident.email, user=resident, query={"q": "x"})
    answers = [r for _f, r in personal_data_requested.send(sender=type(resident), user=resident)]
    section = dict(a for a in answers if a)["aid_alerts"]
    assert section[0]["query"] == {"q": "x"}
    user_erased.send(sender=type(resident), user=resident)
    assert not AidAlert.objects.exists()


def test_unconfirmed_alert_is_never_sent(funders):
    alert = AidAlert.objects.create(email="c@example.org", query={}, frequency="daily")
    make_aid(funders["metropolis"])
    assert alert_digest_send(alert_id=alert.pk) == 0
    assert Aid.objects.count() == 1 and not mail.outbox


def test_an_alert_for_someone_elses_address_is_not_the_accounts(client, funders, resident):
    """A resident subscribes their mother's address: the alert (once she confirms it) is
    hers — not in the resident's RGPD export, not deleted when the resident erases their
    account. Their own address is linked to their account."""
    from renouveau.accounts.signals import personal_data_requested, user_erased

    client.force_login(resident)
    assert _subscribe(client, email="maman@example.org").status_code == 200
    assert _subscribe(client, email=resident.email.upper(), q="loyer").status_code == 200
    theirs = AidAlert.objects.get(email="maman@example.org")
    own = AidAlert.objects.get(email=resident.email)
    assert theirs.user_id is None and own.user_id == resident.pk
    answers = [r for _f, r in personal_data_requested.send(sender=type(resident), user=resident)]
    section = dict(a for a in answers if a)["aid_alerts"]
    assert [a["email"] for a in section] == [resident.email]
    user_erased.send(sender=type(resident), user=resident)
    assert list(AidAlert.objects.values_list("email", flat=True)) == ["maman@example.org"]
