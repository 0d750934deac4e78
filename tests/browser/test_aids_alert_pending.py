"""Browser test of an aid alert's page with a change waiting for confirmation, on a phone:
the page says what is pending and where it was sent; the person cancels it. axe-core runs on
every page."""

from __future__ import annotations

from django.utils import timezone

from renouveau.aids.models import AidAlert


def test_a_pending_change_is_shown_then_cancelled_on_a_phone(phone):
    alert = AidAlert.objects.create(
        email="lea@example.org",
        title="piscine",
        query={"q": "piscine"},
        frequency="weekly",
        confirmed_at=timezone.now(),
        pending_frequency="daily",
        pending_language="fr",
        pending_requested_at=timezone.now(),
    )
    page = phone.page
    phone.goto(f"/aides/alertes/desinscription/{alert.token}/")
    text = page.inner_text("main")
    assert "Modification en attente de confirmation : chaque jour" in text
    assert "envoyée à lea@example.org" in text
    phone.check()
    page.click("text=Annuler cette modification")
    page.wait_for_load_state()
    assert "La modification en attente est annulée" in page.content()
    assert "Modification en attente de confirmation" not in page.inner_text("main")
    phone.check()
    alert.refresh_from_db()
    assert alert.pending_requested_at is None and alert.frequency == "weekly"
