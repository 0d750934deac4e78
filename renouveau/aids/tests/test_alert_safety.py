"""Aid alerts reached by anyone: the unsubscribe link (scanners, RFC 8058 one-click), a second
subscription with someone else's address, the language of the e-mails, the alert's own page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from renouveau.aids.models import AidAlert
from renouveau.aids.services import alert_digest_send, alert_language
from renouveau.core.models import AuditLog

from .conftest import make_aid

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def _subscribe(client, capture, **params):
    data = {"q": "vélo", "email": "lea@example.org", "frequency": "weekly", **params}
    with capture(execute=True):
        return client.post("/aides/alertes/", data)


def _confirmed(client, capture, **params) -> AidAlert:
    _subscribe(client, capture, **params)
    alert = AidAlert.objects.get(email=params.get("email", "lea@example.org"))
    client.post(f"/aides/alertes/confirmer/{alert.token}/")
    alert.refresh_from_db()
    assert alert.is_active
    mail.outbox.clear()
    return alert


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _csrf_token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _audit(action: str, alert: AidAlert) -> int:
    return AuditLog.objects.filter(action=action, object_id=str(alert.pk)).count()


# --- unsubscribe -------------------------------------------------------------------------


def test_opening_the_unsubscribe_link_shows_the_alert_and_changes_nothing(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _confirmed(client, django_capture_on_commit_callbacks)
    url = f"/aides/alertes/desinscription/{alert.token}/"
    for _ in range(3):  # a mail scanner, a link preview, the person
        response = client.get(url)
        assert response.status_code == 200
    html = response.content.decode()
    assert "« vélo »" in html and "lea@example.org" in html and "chaque semaine" in html
    assert "Français" in html and 'href="/aides/?q=v%C3%A9lo"' in html
    assert "Me désinscrire de cette alerte" in html and 'method="post"' in html
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None and alert.is_active
    assert client.head(url).status_code == 405


def test_form_post_needs_the_csrf_token(client, funders, django_capture_on_commit_callbacks):
    alert = _confirmed(client, django_capture_on_commit_callbacks)
    url = f"/aides/alertes/desinscription/{alert.token}/"
    browser = _csrf_client()
    assert browser.post(url).status_code == 403  # a forged cross-site form
    assert browser.post(url, {"List-Unsubscribe": "Autre"}).status_code == 403
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None
    response = browser.post(url, {"csrfmiddlewaretoken": _csrf_token(browser, url)})
    assert response.status_code == 200
    assert "Vous ne recevrez plus cette alerte" in response.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
    make_aid(funders["metropolis"], title="Vélo tout neuf")
    assert alert_digest_send(alert_id=alert.pk) == 0
    # The page now says so, without a button.
    html = browser.get(url).content.decode()
    assert "Vous êtes désinscrit·e de cette alerte" in html
    assert "Me désinscrire de cette alerte" not in html


def test_rfc8058_one_click_post_without_csrf_is_idempotent(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _confirmed(client, django_capture_on_commit_callbacks)
    url = f"/aides/alertes/desinscription/{alert.token}/"
    mail_client = _csrf_client()  # no cookie, no CSRF token: what a mail provider sends
    response = mail_client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    alert.refresh_from_db()
    first = alert.unsubscribed_at
    assert first is not None
    # A retry (or a second click) changes nothing and writes no second audit line.
    response = mail_client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.unsubscribed_at == first
    assert _audit("aids.alert_unsubscribed", alert) == 1
    # multipart/form-data is allowed by RFC 8058 too.
    other = _confirmed(client, django_capture_on_commit_callbacks, email="bob@example.org")
    response = mail_client.post(
        f"/aides/alertes/desinscription/{other.token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.unsubscribed_at is not None


@pytest.mark.parametrize(
    "token", ["inconnu", "%00", "a%00b", "x" * 65, "%C3%A9t%C3%A9", "%27%20OR%201%3D1"]
)
def test_unknown_or_junk_token_is_a_french_404(client, funders, token):
    for url in (
        f"/aides/alertes/desinscription/{token}/",
        f"/aides/alertes/confirmer/{token}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page introuvable" in html and "n&#x27;est pas valable" in html
    response = _csrf_client().post(
        f"/aides/alertes/desinscription/{token}/",
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 404
    assert client.post(f"/aides/alertes/modifier/{token}/", {}).status_code == 404


def test_every_alert_email_carries_the_one_click_headers(
    client, funders, django_capture_on_commit_callbacks
):
    _subscribe(client, django_capture_on_commit_callbacks)
    alert = AidAlert.objects.get()
    unsubscribe = f"<{settings.SITE_URL}/aides/alertes/desinscription/{alert.token}/>"
    (confirm,) = mail.outbox
    assert confirm.extra_headers["List-Unsubscribe"] == unsubscribe
    assert confirm.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    client.post(f"/aides/alertes/confirmer/{alert.token}/")
    mail.outbox.clear()
    make_aid(funders["metropolis"], title="Vélo cargo", published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert alert_digest_send(alert_id=alert.pk) == 1
    (digest,) = mail.outbox
    assert digest.extra_headers["List-Unsubscribe"] == unsubscribe
    assert digest.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    message = digest.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message


def test_alert_pages_are_never_in_the_shared_page_cache(funders, settings):
    """They show an address and a state; these two have no form (otherwise cacheable)."""
    settings.PAGE_CACHE_SECONDS = 30
    now = timezone.now()
    alert = AidAlert.objects.create(
        email="c@example.org", query={}, confirmed_at=now, unsubscribed_at=now
    )
    page = f"/aides/alertes/desinscription/{alert.token}/"
    assert "c@example.org" in Client().get(page).content.decode()
    AidAlert.objects.filter(pk=alert.pk).update(email="d@example.org")
    html = Client().get(page).content.decode()
    assert "d@example.org" in html and "c@example.org" not in html
    confirm = f"/aides/alertes/confirmer/{alert.token}/"
    AidAlert.objects.filter(pk=alert.pk).update(unsubscribed_at=None)
    assert "déjà active" in Client().get(confirm).content.decode()
    AidAlert.objects.filter(pk=alert.pk).update(unsubscribed_at=now)
    assert "a été désactivée" in Client().get(confirm).content.decode()


# --- subscribing again ---------------------------------------------------------------------


def _page(response) -> str:
    return re.sub(r'value="[^"]{32,}"', 'value=""', response.content.decode())


def test_subscribing_again_never_changes_a_confirmed_alert_nor_tells_so(
    client, funders, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = _confirmed(client, capture)
    stranger = Client()
    new = _subscribe(stranger, capture, q="loyer")  # a search the address had no alert for
    mail.outbox.clear()
    again = _subscribe(stranger, capture, frequency="daily")
    # The same answer as for a new alert: nothing tells the stranger the address had one.
    assert again.status_code == new.status_code == 200
    assert _page(again) == _page(new)
    alert.refresh_from_db()
    assert alert.frequency == "weekly" and alert.is_active
    assert alert.pending_frequency == "daily" and alert.has_pending_change
    assert _audit("aids.alert_change_requested", alert) == 1
    # Its owner is asked, in an e-mail that says what would change.
    (change,) = mail.outbox
    assert change.to == ["lea@example.org"]
    assert "Confirmez le changement" in change.subject
    assert "chaque semaine" in change.body and "chaque jour" in change.body
    confirm_url = f"/aides/alertes/confirmer/{alert.token}/"
    assert confirm_url in change.body
    make_aid(funders["metropolis"], title="Vélo cargo", published_at=timezone.now())
    # Still weekly: a weekly alert sent today is not due tomorrow.
    with capture(execute=True):
        assert alert_digest_send(alert_id=alert.pk) == 1
    alert.refresh_from_db()
    assert alert.frequency == "weekly"
    # Opening the link shows the change and a button; only the POST applies it.
    html = client.get(confirm_url).content.decode()
    assert "Oui, appliquer ce changement" in html and "chaque jour" in html
    alert.refresh_from_db()
    assert alert.frequency == "weekly"
    response = client.post(confirm_url)
    assert response.status_code == 200
    assert "Le changement est enregistré" in response.content.decode()
    alert.refresh_from_db()
    assert alert.frequency == "daily" and not alert.has_pending_change
    assert alert.pending_frequency == "" and alert.pending_requested_at is None
    assert _audit("aids.alert_change_confirmed", alert) == 1
    # A second POST changes nothing more.
    assert client.post(confirm_url).status_code == 200
    assert _audit("aids.alert_change_confirmed", alert) == 1


def test_subscribing_again_with_the_same_settings_sends_a_notice_only(
    client, funders, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = _confirmed(client, capture)
    _subscribe(client, capture, frequency="daily")  # a change asked...
    mail.outbox.clear()
    response = _subscribe(client, capture)  # ...then the alert as it is: the latest wins
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.frequency == "weekly" and not alert.has_pending_change
    (notice,) = mail.outbox
    assert "déjà active" in notice.subject and "Rien n'a changé" in notice.body
    assert f"/confirmer/{alert.token}/" not in notice.body
    assert client.post(f"/aides/alertes/confirmer/{alert.token}/").status_code == 200
    alert.refresh_from_db()
    assert alert.frequency == "weekly"
    assert AidAlert.objects.count() == 1


def test_a_change_not_confirmed_within_a_week_lapses(
    client, funders, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = _confirmed(client, capture)
    _subscribe(client, capture, frequency="daily")
    AidAlert.objects.filter(pk=alert.pk).update(
        pending_requested_at=timezone.now() - dt.timedelta(days=8)
    )
    confirm_url = f"/aides/alertes/confirmer/{alert.token}/"
    assert "Cette alerte est déjà active" in client.get(confirm_url).content.decode()
    client.post(confirm_url)
    alert.refresh_from_db()
    assert alert.frequency == "weekly"


def test_an_unconfirmed_alert_takes_the_latest_request(
    client, funders, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _subscribe(client, capture)
    _subscribe(client, capture, frequency="daily")
    alert = AidAlert.objects.get()
    assert alert.frequency == "daily" and alert.confirmed_at is None
    assert len(mail.outbox) == 2 and all(alert.token in m.body for m in mail.outbox)
    assert "chaque jour" in client.get(f"/aides/alertes/confirmer/{alert.token}/").content.decode()


# --- language ------------------------------------------------------------------------------


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_alert_emails_are_in_the_language_of_the_page_where_it_was_saved(
    client, funders, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _subscribe(_english(client), capture)
    alert = AidAlert.objects.get()
    assert alert.language == "en"
    (confirm,) = mail.outbox
    assert confirm.subject == "Confirm your aid alert"
    assert "To activate the alert, open this link:" in confirm.body
    assert "You asked to receive, weekly," in confirm.body
    client.post(f"/aides/alertes/confirmer/{alert.token}/")
    mail.outbox.clear()
    make_aid(funders["metropolis"], title="Vélo cargo", published_at=timezone.now())
    with capture(execute=True):
        assert alert_digest_send(alert_id=alert.pk) == 1
    (digest,) = mail.outbox
    assert digest.subject == "1 new aid for your search"
    assert "Unsubscribe in one click:" in digest.body


def test_french_page_gives_french_emails(client, funders, django_capture_on_commit_callbacks):
    _subscribe(client, django_capture_on_commit_callbacks)
    assert AidAlert.objects.get().language == "fr"
    assert mail.outbox[0].subject == "Confirmez votre alerte sur les aides"


def test_the_accounts_own_language_wins(
    client, funders, resident, django_capture_on_commit_callbacks
):
    """The address belongs to an account that chose French: the alert saved from an English
    page still writes to it in French (and in English once the account chooses English)."""
    capture = django_capture_on_commit_callbacks
    _subscribe(_english(client), capture, email=resident.email)
    alert = AidAlert.objects.get()
    assert alert.language == "en" and resident.language == "fr"
    assert mail.outbox[-1].subject == "Confirmez votre alerte sur les aides"
    resident.language = "en"
    resident.save(update_fields=["language"])
    Client().post(f"/aides/alertes/confirmer/{alert.token}/")
    alert.language = "fr"
    alert.save(update_fields=["language"])
    mail.outbox.clear()
    make_aid(funders["metropolis"], title="Vélo cargo", published_at=timezone.now())
    with capture(execute=True):
        alert_digest_send(alert_id=alert.pk)
    assert mail.outbox[-1].subject == "1 new aid for your search"


def test_alert_language_is_one_of_the_sites():
    assert alert_language("en") == "en"
    assert alert_language("fr") == "fr"
    for junk in ("de", "", None, "en-gb", "EN", "x" * 50):
        assert alert_language(junk) == settings.LANGUAGE_CODE


def test_a_language_change_of_a_confirmed_alert_is_confirmed_too(
    client, funders, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = _confirmed(client, capture)
    _subscribe(_english(Client()), capture)  # the same search and frequency, in English
    alert.refresh_from_db()
    assert alert.language == "fr" and alert.pending_language == "en"
    (change,) = mail.outbox
    # Written in the alert's current language, to its owner.
    assert change.subject == "Confirmez le changement de votre alerte sur les aides"
    assert "(langue des e-mails : English)" in change.body
    client.post(f"/aides/alertes/confirmer/{alert.token}/")
    alert.refresh_from_db()
    assert alert.language == "en" and alert.frequency == "weekly"


# --- the alert's page ----------------------------------------------------------------------


def test_the_alerts_page_changes_its_frequency_and_language(
    client, funders, django_capture_on_commit_callbacks
):
    alert = _confirmed(client, django_capture_on_commit_callbacks)
    page = f"/aides/alertes/desinscription/{alert.token}/"
    url = f"/aides/alertes/modifier/{alert.token}/"
    browser = _csrf_client()
    assert browser.post(url, {"frequency": "daily", "language": "en"}).status_code == 403
    token = _csrf_token(browser, page)
    response = browser.post(
        url, {"frequency": "daily", "language": "en", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == page
    alert.refresh_from_db()
    assert (alert.frequency, alert.language) == ("daily", "en")
    assert _audit("aids.alert_changed", alert) == 1
    html = browser.get(page).content.decode()
    assert "Votre alerte est modifiée" in html and "English" in html
    # Bad values: a French 400, nothing changed.
    for data in (
        {"frequency": "hourly", "language": "en"},
        {"frequency": "daily", "language": "de"},
        {},
    ):
        response = browser.post(url, {**data, "csrfmiddlewaretoken": token})
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.content.decode() or (
            "Ce champ est obligatoire" in response.content.decode()
        )
    alert.refresh_from_db()
    assert (alert.frequency, alert.language) == ("daily", "en")
    assert client.get(url).status_code == 405
    # Once unsubscribed, it can no longer be changed.
    browser.post(page, {"csrfmiddlewaretoken": token})
    response = browser.post(
        url, {"frequency": "weekly", "language": "fr", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 400
    assert "Cette alerte a été désactivée" in response.content.decode()


def test_rgpd_export_has_the_alerts_language_and_pending_change(
    client, funders, resident, django_capture_on_commit_callbacks
):
    from renouveau.accounts.signals import personal_data_requested

    capture = django_capture_on_commit_callbacks
    client.force_login(resident)
    _confirmed(client, capture, email=resident.email)
    _subscribe(_english(Client()), capture, email=resident.email, frequency="daily")
    answers = [r for _f, r in personal_data_requested.send(sender=type(resident), user=resident)]
    (row,) = dict(a for a in answers if a)["aid_alerts"]
    assert row["language"] == "fr" and row["frequency"] == "weekly"
    assert row["pending_change"]["frequency"] == "daily"
    assert row["pending_change"]["language"] == "en"


def test_back_office_cannot_confirm_an_alert_in_its_owners_stead(client, funders):
    """Only superusers reach the alerts in the back office: they see them, may unsubscribe
    one (audited), but neither confirm one nor change its address."""
    from renouveau.accounts.models import User

    root = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    alert = AidAlert.objects.create(email="c@example.org", query={"q": "x"})
    client.force_login(root)
    url = f"/back-office/aids/aidalert/{alert.pk}/change/"
    html = client.get(url).content.decode()
    assert "c@example.org" in html
    assert 'name="confirmed_at' not in html and 'name="email"' not in html
    assert 'name="unsubscribed_at_0"' in html
    assert client.get("/back-office/aids/aidalert/add/").status_code == 403
    response = client.post(
        url,
        {
            "title": "x",
            "frequency": "daily",
            "language": "fr",
            "unsubscribed_at_0": "22/11/2026",
            "unsubscribed_at_1": "10:00:00",
            "email": "pirate@example.org",
            "confirmed_at_0": "22/11/2026",
            "confirmed_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    alert.refresh_from_db()
    assert alert.email == "c@example.org" and alert.confirmed_at is None
    assert alert.unsubscribed_at is not None and alert.frequency == "daily"
    assert _audit("aids.aidalert_changed", alert) == 1
