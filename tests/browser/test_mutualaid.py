"""Browser tests of mutual aid: a request and an offer are posted, matched, the two people
exchange a message and mark the help done; abusive content is reported and hidden by a
moderator. axe-core runs on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renouveau.mutualaid.models import HelpOffer, HelpRequest, Match, Report


@pytest.fixture
def adults(personas):
    for name in ("resident", "association_member"):
        personas[name].birth_year = 1985
        personas[name].save(update_fields=["birth_year"])
    return personas


def _fill_post(page, *, title: str, commune_pk: int) -> None:
    page.select_option("#id_category", "shopping")
    page.fill("#id_title", title)
    page.fill("#id_description", "Des courses au marché du samedi.")
    page.select_option("#id_commune", str(commune_pk))
    page.fill("#id_neighbourhood", "Noailles")
    page.select_option("#id_frequency", "recurring")
    page.fill("#id_expires_on", (timezone.localdate() + datetime.timedelta(days=20)).isoformat())
    page.check("input[name=days][value='5']")
    page.fill("#id_phone", "06 99 88 77 66")


def _logout(browse) -> None:
    browse.page.context.clear_cookies()


def test_request_offer_match_message_done(browse, adults, marseille):
    page = browse.page
    resident, helper = adults["resident"], adults["association_member"]

    browse.login(resident)
    browse.goto("/entraide/")
    browse.goto("/entraide/demandes/nouvelle/")
    _fill_post(page, title="Courses pour ma voisine", commune_pk=marseille.pk)
    page.select_option("#id_urgency", "high")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Courses pour ma voisine"
    browse.check()
    request = HelpRequest.objects.get()

    _logout(browse)
    browse.login(helper)
    browse.goto("/entraide/offres/nouvelle/")
    _fill_post(page, title="Je fais les courses le samedi", commune_pk=marseille.pk)
    page.fill("#id_capacity", "2")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    # The offer's page lists the compatible request found by the matching.
    assert "Courses pour ma voisine" in page.inner_text("#compatibles + p + ul")
    browse.goto(f"/entraide/demandes/{request.pk}/")
    assert "06 99 88 77 66" not in page.content()  # the requester's phone stays hidden
    page.fill("#id_note", "Bonjour, je passe au marché tous les samedis.")
    page.click("text=Envoyer la proposition")
    page.wait_for_load_state()
    assert "Proposée" in page.inner_text("#match-status")
    assert "habitante@example.org" not in page.content()
    browse.check()
    match = Match.objects.get()

    _logout(browse)
    browse.login(resident)
    browse.goto("/entraide/mon-entraide/")
    page.click(f"a[href='/entraide/mises-en-relation/{match.pk}/']")
    page.wait_for_load_state()
    assert "asso@example.org" not in page.content()
    browse.check()
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert "Acceptée" in page.inner_text("#match-status")
    assert "asso@example.org" in page.inner_text("#coordonnees + dl")
    page.fill("#id_body", "Merci ! Samedi 10 h devant chez moi ?")
    page.click("text=Envoyer")
    page.wait_for_load_state()
    assert "Samedi 10 h devant chez moi ?" in page.inner_text(".thread")
    browse.check()
    page.click("text=L'aide a été réalisée")
    page.wait_for_load_state()
    assert "Aide réalisée" in page.inner_text("#match-status")
    page.fill("#id_text", "Bruno a été formidable.")
    page.click("text=Publier mon témoignage")
    page.wait_for_load_state()
    browse.check()
    match.refresh_from_db()
    assert match.status == Match.Status.DONE
    browse.goto("/entraide/")
    assert "Bruno a été formidable." in page.content()


def test_report_abusive_offer_and_moderator_hides_it(browse, adults, marseille):
    page = browse.page
    offer = HelpOffer.objects.create(
        author=adults["association_member"],
        category="shopping",
        title="Payez d'avance par virement",
        description="Envoyez 50 € et je fais vos courses.",
        commune=marseille,
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    browse.login(adults["resident"])
    browse.goto(f"/entraide/offres/{offer.pk}/")
    page.click("text=Signaler cette annonce")
    page.wait_for_load_state()
    browse.check()
    page.check("input[name=reason][value=scam]")
    page.fill("#id_details", "Demande d'argent.")
    page.click("text=Envoyer le signalement")
    page.wait_for_load_state()
    assert "transmis à l'équipe de modération" in page.content()
    assert Report.objects.filter(object_id=offer.pk).exists()

    _logout(browse)
    browse.login(adults["moderator"])
    browse.goto("/entraide/moderation/")
    assert "Envoyez 50 €" in page.inner_text(".report-queue")
    report = Report.objects.get()
    page.fill(f"#reason-{report.pk}", "Arnaque : demande d'argent")
    page.click("button[value=hide]")
    page.wait_for_load_state()
    browse.check()
    offer.refresh_from_db()
    assert offer.is_hidden
    _logout(browse)
    browse.goto(f"/entraide/offres/{offer.pk}/", check=False, expect_status=404)


def test_public_pages_with_demo_data_are_accessible(browse, plan):
    from renouveau.mutualaid import demo

    demo.load()
    for path in (
        "/entraide/",
        "/entraide/offres/",
        "/entraide/demandes/",
        "/entraide/initiatives/",
    ):
        browse.goto(path)
        assert "Démonstration" in browse.page.content()
    browse.page.select_option("#id_kind", "food")
    browse.page.wait_for_url("**kind=food**")
    expect(browse.page.locator("#results")).not_to_contain_text("réparation")
    browse.check()


def test_initiative_map_with_tiles_is_accessible(browse, plan, settings):
    from renouveau.mutualaid import demo

    demo.load()
    # Same-origin "tiles" (any image): no network, and the CSP's img-src 'self' allows them.
    settings.TILE_URL = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    browse.goto("/entraide/initiatives/", check=False)
    page = browse.page
    page.wait_for_selector("#map .leaflet-marker-icon")
    assert page.locator("#map .leaflet-marker-icon").count() == 2
    assert page.locator("#initiative-results > li").count() == 2  # the list is still there
    browse.check()


def test_a_long_word_or_url_does_not_widen_the_page_on_a_phone(phone, adults, marseille):
    """A resident pastes a long link in a title or a description: on a 360 px phone the text
    wraps; the page does not scroll sideways (it was 1 200 to 5 000 px wide)."""
    from renouveau.ideas.services import idea_create

    url = "https://www.service-public.fr/particuliers/vosdroits/" + "F" * 120
    offer = HelpOffer.objects.create(
        author=adults["resident"],
        category="shopping",
        title="Voir" + "x" * 110,
        description=f"Le formulaire est ici : {url}",
        commune=marseille,
        neighbourhood="Quartier" + "y" * 80,
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    idea = idea_create(
        author=adults["resident"],
        data={
            "kind": "problem",
            "title": "Signalement" + "z" * 130,
            "description": url,
            "category": "roads",
            "commune": marseille,
            "place": url[:150],
        },
    )
    for path in ("/entraide/", "/entraide/offres/", offer.get_absolute_url(), "/idees/",
                 idea.get_absolute_url()):  # fmt: skip
        phone.goto(path)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360 + 1, f"{path} is {width} px wide on a phone"


def test_forms_sent_empty_show_accessible_french_errors(browse, adults, marseille):
    """A resident who sends a form without filling it (keyboard only: Enter in the first
    field) gets the form back with French errors tied to the fields, axe-clean."""
    page = browse.page
    browse.login(adults["resident"])
    for path, first in (
        ("/entraide/offres/nouvelle/", "#id_title"),
        ("/entraide/demandes/nouvelle/", "#id_title"),
        ("/idees/nouvelle/", "#id_title"),
    ):
        browse.goto(path)
        page.eval_on_selector("main form:has(#id_title)", "form => { form.noValidate = true; }")
        page.fill("#id_expires_on", "") if page.locator("#id_expires_on").count() else None
        page.focus(first)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        browse.check()
        assert "Ce champ est obligatoire" in page.content(), path
        invalid = page.locator("[aria-invalid=true]")
        assert invalid.count() >= 1, path
        described = invalid.first.evaluate(
            "e => (e.closest('fieldset') || e).getAttribute('aria-describedby') || ''"
        )
        assert described and page.locator(f"#{described.split()[-1]}").count() == 1, path
    # The idea's nature is two radio buttons, none ticked in advance (no "---------").
    assert page.locator("input[name=kind]").count() == 2
    assert page.locator("input[name=kind]:checked").count() == 0
