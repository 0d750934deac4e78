"""The alert's page shows a change waiting for confirmation, and lets the address's owner
resend its confirmation e-mail or cancel it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from renouveau.aids.models import AidAlert
from renouveau.core.models import AuditLog

from .test_alert_safety import _confirmed, _english, _subscribe

pytestmark = pytest.mark.django_db


def _with_pending_change(client, capture) -> AidAlert:
    alert = _confirmed(client, capture)
    _subscribe(client, capture, frequency="daily")  # someone asks for a daily alert
    alert.refresh_from_db()
    assert alert.has_pending_change and alert.pending_frequency == "daily"
    mail.outbox.clear()
    return alert


def test_the_alerts_page_shows_the_pending_change(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _with_pending_change(client, django_capture_on_commit_callbacks)
    html = client.get(f"/aides/alertes/desinscription/{alert.token}/").content.decode()
    assert (
        "Modification en attente de confirmation : chaque jour, e-mails en Français, "
        "envoyée à lea@example.org le " in html
    )
    assert 'name="modification" value="renvoyer"' in html
    assert 'name="modification" value="annuler"' in html
    # A lapsed change is no longer shown.
    AidAlert.objects.filter(pk=alert.pk).update(
        pending_requested_at=timezone.now() - dt.timedelta(days=8)
    )
    html = client.get(f"/aides/alertes/desinscription/{alert.token}/").content.decode()
    assert "Modification en attente" not in html


def test_without_a_pending_change_the_page_shows_none(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _confirmed(client, django_capture_on_commit_callbacks)
    html = client.get(f"/aides/alertes/desinscription/{alert.token}/").content.decode()
    assert "Modification en attente" not in html


def test_resending_the_pending_change_mails_its_confirmation_link_again(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _with_pending_change(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/aides/alertes/modifier/{alert.token}/", {"modification": "renvoyer"}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["lea@example.org"]
    assert message.subject == "Confirmez le changement de votre alerte sur les aides"
    assert f"/aides/alertes/confirmer/{alert.token}/" in message.body
    assert "désormais chaque jour" in message.body
    alert.refresh_from_db()
    assert alert.frequency == "weekly" and alert.has_pending_change  # nothing applied
    assert AuditLog.objects.filter(action="aids.alert_change_resent").count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "renvoyé à lea@example.org" in html


def test_cancelling_the_pending_change_keeps_the_alert_as_it_is(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _with_pending_change(client, django_capture_on_commit_callbacks)
    response = client.post(f"/aides/alertes/modifier/{alert.token}/", {"modification": "annuler"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert not alert.has_pending_change and alert.pending_frequency == ""
    assert alert.frequency == "weekly"
    assert AuditLog.objects.filter(action="aids.alert_change_cancelled").count() == 1
    # The old confirmation link now confirms nothing.
    client.post(f"/aides/alertes/confirmer/{alert.token}/")
    alert.refresh_from_db()
    assert alert.frequency == "weekly"
    # Nothing left to resend or cancel: a French 400; an unknown action too.
    for action in ("renvoyer", "annuler"):
        response = client.post(f"/aides/alertes/modifier/{alert.token}/", {"modification": action})
        assert response.status_code == 400
        assert "Aucune modification de cette alerte" in response.content.decode()
    response = client.post(f"/aides/alertes/modifier/{alert.token}/", {"modification": "x"})
    assert response.status_code == 400 and "Action inconnue" in response.content.decode()
    assert mail.outbox == []


def test_the_pending_change_forms_need_the_csrf_token(funders, django_capture_on_commit_callbacks):
    browser = Client(enforce_csrf_checks=True)
    alert = _with_pending_change(Client(), django_capture_on_commit_callbacks)
    response = browser.post(f"/aides/alertes/modifier/{alert.token}/", {"modification": "annuler"})
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.has_pending_change


def test_the_pending_change_reads_in_english(client, funders, django_capture_on_commit_callbacks):
    alert = _with_pending_change(client, django_capture_on_commit_callbacks)
    html = _english(Client()).get(f"/aides/alertes/desinscription/{alert.token}/").content.decode()
    assert "Change waiting for confirmation: daily, e-mails in Français" in html
    assert "Send the confirmation e-mail again" in html and "Cancel this change" in html
