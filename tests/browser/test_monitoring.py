"""Browser tests of the public monitoring: a resident reads a chantier's progress (SVG charts
with their data tables) and a project's page; axe-core runs on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.fixture
def programme(plan):
    from renouveau.monitoring import demo

    demo.load()


def test_resident_reads_a_chantier_progress(browse, programme, resident):
    page = browse.page
    browse.login(resident)
    browse.goto("/suivi/")
    page.click("text=Chantier 5")
    page.wait_for_load_state()
    browse.check()
    assert page.locator("h1").inner_text().startswith("Chantier 5")
    charts = page.locator("svg[role=img]")
    assert charts.count() == 2
    # Each chart is named by its title and described in words for screen readers.
    first = charts.first
    labelled = first.get_attribute("aria-labelledby").split()
    assert (
        page.locator(f"#{labelled[0]}")
        .text_content()
        .startswith("Investissements dans les transports alternatifs")
    )
    assert "Objectif 350" in page.locator(f"#{labelled[1]}").text_content()
    # The same figures in a table beside the chart.
    table = page.locator("table", has=page.locator("caption", has_text="Investissements par année"))
    assert table.locator("tbody tr").count() >= 5
    assert "Réalisé : 96 km sur 200" in page.inner_text("main")
    page.click("text=Plan vélo : voies cyclables métropolitaines >> nth=0")
    page.wait_for_load_state()
    browse.check()
    assert "Voies cyclables livrées" in page.inner_text("main")
    assert page.locator("svg[role=img]").count() == 2


def test_project_list_filters_in_place(browse, programme):
    page = browse.page
    browse.goto("/suivi/projets/")
    page.select_option("#id_territoire", "pays-de-martigues")
    page.wait_for_url("**territoire=pays-de-martigues**")
    expect(page.locator("#results")).not_to_contain_text("Cœur de ville")
    assert "Réseau de chaleur de Martigues" in page.inner_text("#results")
    browse.check()
