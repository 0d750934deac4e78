"""Browser test of an aid alert's own page, reached by the link of its e-mails: opening it
changes nothing; the person changes the language of the e-mails, then unsubscribes with the
button. axe-core runs on every page."""

from __future__ import annotations

from django.utils import timezone

from renouveau.aids.models import AidAlert


def _alert() -> AidAlert:
    return AidAlert.objects.create(
        email="lea@example.org",
        title="piscine",
        query={"q": "piscine"},
        frequency="weekly",
        confirmed_at=timezone.now(),
    )


def test_alert_page_changes_language_then_unsubscribes(browse):
    alert = _alert()
    page = browse.page
    path = f"/aides/alertes/desinscription/{alert.token}/"
    browse.goto(path)
    assert "Votre alerte sur les aides" in page.inner_text("h1")
    summary = page.inner_text(".aids-alert-summary")
    assert "« piscine »" in summary and "chaque semaine" in summary and "Français" in summary
    browse.check()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None  # opening the link did nothing
    page.check("input[name=language][value=en]")
    page.check("input[name=frequency][value=daily]")
    page.click("text=Enregistrer")
    page.wait_for_load_state()
    assert "Votre alerte est modifiée" in page.content()
    summary = page.inner_text(".aids-alert-summary")
    assert "English" in summary and "chaque jour" in summary
    browse.check()
    alert.refresh_from_db()
    assert (alert.language, alert.frequency) == ("en", "daily")
    page.click("text=Me désinscrire de cette alerte")
    page.wait_for_load_state()
    assert "Vous ne recevrez plus cette alerte" in page.content()
    browse.check()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
