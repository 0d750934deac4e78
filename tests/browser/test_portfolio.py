"""Browser tests of the prioritisation: an agent scores a project, runs a scenario, reads the
programme and why a project is out; axe-core runs on every page."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(plan):
    from renouveau.portfolio import demo

    demo.load()


def test_agent_scores_runs_a_scenario_and_reads_the_explanation(browse, demo, metropolis_agent):
    from renouveau.portfolio.models import Score

    page = browse.page
    browse.login(metropolis_agent)
    browse.goto("/priorisation/projets/exemple-reseau-de-chaleur-de-martigues/noter/")
    page.select_option("#id_relance-emploi__value", "3")
    page.fill("#id_relance-emploi__justification", "70 emplois pendant les travaux")
    page.select_option("#id_transition-ecologique__climate_mitigation", "very_favourable")
    for axis in ("climate_adaptation", "water", "circular_economy", "pollution", "biodiversity"):
        page.select_option(f"#id_transition-ecologique__{axis}", "neutral")
    page.fill("#id_transition-ecologique__justification", "Chaleur fatale au lieu du gaz")
    page.click("form.score-form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    assert "Vos notes sont enregistrées" in page.inner_text("main")
    assert Score.objects.filter(assessor=metropolis_agent).count() == 2
    assert "70 emplois pendant les travaux" in page.inner_text("main")

    browse.goto("/priorisation/scenarios/exemple-scenario-equilibre/")
    assert "Sensibilité" in page.inner_text("main")
    page.click("text=Calculer la programmation")
    page.wait_for_load_state()
    browse.check()
    main = page.inner_text("main")
    assert "optimum exact" in main
    assert "Budget 2026 : au plus 450,0" in main
    page.locator("tr", has=page.locator("text=écarté")).first.locator("text=Pourquoi ?").click()
    page.wait_for_load_state()
    browse.check()
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Pourquoi") and "écarté" in heading
    assert "Si on l'imposait" in page.inner_text("main")


def test_infeasible_scenario_says_which_constraints_conflict(browse, demo):
    page = browse.page
    browse.goto("/priorisation/scenarios/exemple-contraintes-incompatibles/")
    page.click("text=Voir la programmation et ses explications")
    page.wait_for_load_state()
    browse.check()
    conflict = page.inner_text("ul.conflict")
    assert "Chantier 5" in conflict and "Budget" in conflict


def test_programme_table_scrolls_in_its_box_on_a_phone(phone, demo):
    """The wide table of candidate projects scrolls inside its box: its visually hidden link
    texts (absolutely positioned) used to widen the whole page on a phone (517 px for 360)."""
    from renouveau.portfolio.models import Programme

    programme = Programme.objects.filter(scenario__slug="exemple-scenario-equilibre").latest("pk")
    phone.goto(f"/priorisation/programmations/{programme.pk}/")
    widths = phone.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
