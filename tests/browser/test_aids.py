"""Browser tests of the aids: search with filters (htmx in place, shareable URL), the
questionnaire, subscribing to an alert, and an agent creating, reviewing and publishing an
aid. axe-core runs on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from renouveau.aids.models import Aid, AidAlert, Funder, FunderMembership


@pytest.fixture
def seeded(plan):
    from renouveau.aids.services import aids_load

    aids_load()


def test_search_with_filters_updates_in_place_and_url_is_shareable(browse, seeded):
    page = browse.page
    browse.goto("/aides/")
    assert "14 aides trouvées" in page.inner_text(".aids-count")
    page.fill("#id_q", "abonnement")
    page.click(".aids-filters button[type=submit] >> nth=0")
    page.wait_for_url(re.compile(r"q=abonnement"))
    page.locator(".aids-count", has_text="3 aides trouvées").wait_for()
    page.check("input[name=public][value=transit_user]")  # htmx: change → in-place update
    page.wait_for_url(re.compile(r"public=transit_user"))
    page.locator(".aids-count", has_text="1 aide trouvée").wait_for()
    assert "Remboursement des abonnements RTM" in page.inner_text("#aid-results")
    browse.check()
    shared = page.url
    browse.goto(shared.replace(browse.base_url, ""))  # the same URL, loaded afresh
    assert "1 aide trouvée" in page.inner_text(".aids-count")
    page.click("text=Remboursement des abonnements RTM d'avril et mai 2020")
    page.wait_for_load_state()
    assert "15242" in page.content()
    browse.check()


def test_questionnaire_lists_aids_with_reasons(browse, seeded):
    page = browse.page
    browse.goto("/aides/pour-moi/")
    page.check("input[name=qui][value=pupil]")
    page.select_option("#id_commune", "13055")
    page.select_option("#id_besoin", "payer_moins")
    page.click("form button[type=submit] >> text=Voir mes aides")
    page.wait_for_load_state()
    assert "4 aides pour vous" in page.inner_text("#matches-title")
    first = page.locator("#matches-title + ul > li").first.inner_text()
    assert "Abattement exceptionnel sur les abonnements scolaires" in first
    assert "Élève" in first and "Marseille" in first and "réduction de tarif" in first
    browse.check()


def test_subscribe_to_an_alert_with_double_opt_in(browse, seeded):
    page = browse.page
    browse.goto("/aides/?q=piscine")
    page.fill("#id_email", "lea@example.org")
    page.check("input[name=frequency][value=daily]")
    page.click("text=Créer l'alerte")
    page.wait_for_load_state()
    assert "Confirmez votre alerte" in page.inner_text("h1")
    browse.check()
    alert = AidAlert.objects.get(email="lea@example.org")
    assert alert.query == {"q": "piscine"} and alert.confirmed_at is None
    link = re.search(r"http\S+/aides/alertes/confirmer/\S+/", mail.outbox[-1].body).group(0)
    browse.goto(link.split("/aides/", 1)[1].join(["/aides/", ""]))
    page.click("text=Oui, activer l'alerte")
    page.wait_for_load_state()
    assert "Votre alerte est confirmée" in page.content()
    browse.check()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None


def test_agent_creates_reviewer_publishes(browse, plan, personas):
    editor, reviewer = personas["commune_agent"], personas["metropolis_agent"]
    funder = Funder.objects.create(
        slug="ville-marseille", name="Ville de Marseille", kind="commune"
    )
    FunderMembership.objects.create(funder=funder, user=editor, role="editor")
    FunderMembership.objects.create(funder=funder, user=reviewer, role="reviewer")
    page = browse.page
    browse.login(editor)
    browse.goto("/aides/gestion/")
    page.click("text=Nouvelle aide")
    page.wait_for_load_state()
    browse.check()
    page.fill("#id_title", "Chèque sport jeunes")
    page.fill("#id_promise", "Payez moins votre licence sportive")
    page.check("input[name=audiences][value=young]")
    page.check("input[name=aid_types][value=tariff_reduction]")
    page.select_option("#id_owner", str(funder.pk))
    page.fill("#id_amount_max", "50")
    page.click("form.aids-form button[type=submit]")
    page.wait_for_load_state()
    assert "Aide enregistrée en brouillon" in page.content()
    browse.check()
    page.click("text=Soumettre à la relecture")
    page.wait_for_load_state()
    assert "En relecture" in page.inner_text("main")
    assert page.locator("text=Publier").count() == 0  # an editor cannot publish
    aid = Aid.objects.get(title="Chèque sport jeunes")
    # The reviewer publishes.
    browse.page.context.clear_cookies()
    browse.login(reviewer)
    browse.goto(f"/aides/gestion/{aid.pk}/")
    page.click("form button >> text=Publier")
    page.wait_for_load_state()
    assert "Aide publiée" in page.content()
    browse.check()
    aid.refresh_from_db()
    assert aid.status == Aid.Status.PUBLISHED
    browse.page.context.clear_cookies()
    browse.goto("/aides/?q=sport")
    assert "Chèque sport jeunes" in page.inner_text("#aid-results")
