"""The global search in a browser: from the header of any page to the results, the empty and
error states (axe-clean, no CSP error), keyboard focus, and a 375 px phone."""

from __future__ import annotations

import pytest

WORD = "Zéphyrin"


@pytest.fixture
def content(plan, personas, marseille):
    from renouveau.aids.models import Funder
    from renouveau.aids.tests.conftest import make_aid
    from renouveau.ideas.models import Idea
    from renouveau.reserve.tests.factories import make_mission

    funder = Funder.objects.create(slug="metropole", name="Métropole", kind="metropolis")
    return {
        "aid": make_aid(funder, title=f"Rénovation {WORD} des façades"),
        "idea": Idea.objects.create(
            author=personas["resident"],
            kind=Idea.Kind.PROBLEM,
            title=f"Trottoir {WORD}",
            description="Défoncé.",
            category="roads",
            commune=marseille,
        ),
        "mission": make_mission(
            personas["metropolis_agent"], commune=marseille, title=f"Mission {WORD}"
        ),
    }


def test_search_from_the_header_to_a_result(browse, content):
    browse.goto("/")
    page = browse.page
    field = page.locator("#site-search-q")
    field.focus()
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('#site-search-q')).outlineStyle"
    )
    assert outline != "none", "the focused field shows it"
    field.fill("zephyrin")
    field.press("Enter")
    page.wait_for_url("**/recherche/?q=zephyrin")
    browse.check()
    assert page.locator("h1").inner_text() == "Résultats pour « zephyrin »"
    assert "zephyrin" in page.title()
    assert page.locator("#site-search-q").input_value() == "zephyrin"
    assert page.locator("main h2").count() == 3  # aids, ideas, reserve
    page.click(f"text=Trottoir {WORD}")
    page.wait_for_url(f"**{content['idea'].get_absolute_url()}")


def test_search_states_are_accessible(browse, content):
    browse.goto("/recherche/")
    assert browse.page.locator("text=Tapez un ou quelques mots").count() == 1
    browse.goto("/recherche/?q=xylophone")
    assert browse.page.locator("text=Aucun résultat pour « xylophone ».").count() == 1
    browse.goto("/recherche/?q=" + "x" * 201, expect_status=400)
    assert browse.page.locator("text=Votre recherche est trop longue").count() == 1


def test_search_on_a_375_px_phone(browser, live_server, transactional_db, content):
    from tests.browser.conftest import Browse

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 375, "height": 740}, is_mobile=True
    )
    try:
        phone = Browse(context.new_page(), live_server.url)
        phone.goto("/recherche/?q=zephyrin")
        page = phone.page
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        box = page.locator("#site-search-q").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        header = page.locator(".site-header .header-row").bounding_box()
        assert header is not None and header["height"] < 200, "the header stays compact"
    finally:
        context.close()
