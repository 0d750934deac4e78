"""Browser tests of the good-practice pages and of the "current situation" banner set by an
agent (axe-core on every page)."""

from __future__ import annotations

from renouveau.guides import demo


def test_guides_pages_and_banner_set_by_an_agent(browse, personas):
    demo.load()
    page = browse.page
    browse.goto("/bonnes-pratiques/")
    page.click(".guides-tags a >> text=Canicule")
    page.wait_for_url("**/bonnes-pratiques/?etiquette=canicule")
    assert "Fortes chaleurs et canicule" in page.inner_text("main")
    assert "Les gestes barrières" not in page.inner_text("main")
    browse.check()
    page.click(".card a >> text=Fortes chaleurs et canicule")
    page.wait_for_url("**/bonnes-pratiques/fortes-chaleurs/")
    assert "Boire de l'eau" in page.inner_text(".prose")
    browse.check()
    browse.login(personas["metropolis_agent"])
    browse.goto("/bonnes-pratiques/gestion/")
    page.select_option("#id_level", "warning")
    page.fill("#id_title", "Canicule")
    page.fill("#id_text", "Vigilance orange jusqu'à jeudi : buvez de l'eau.")
    page.fill("#id_url", "/bonnes-pratiques/fortes-chaleurs/")
    page.click("text=Afficher ce bandeau")
    page.wait_for_url("**/bonnes-pratiques/gestion/")
    assert "Le bandeau est affiché" in page.inner_text(".messages")
    browse.goto("/aides/")
    banner = page.locator(".situation-banner")
    assert "Vigilance orange" in banner.inner_text()
    assert "situation-warning" in banner.get_attribute("class")
    banner.locator("a").click()
    page.wait_for_url("**/bonnes-pratiques/fortes-chaleurs/")
    browse.check()
