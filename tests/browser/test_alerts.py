"""Browser tests of alerts: a crisis cell member drafts and publishes an alert; a resident sees
the crisis banner and the alert's instructions, then subscribes to their commune's alerts;
the public pages (with the demonstration data) pass axe-core."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from renouveau.alerts.models import Alert, Subscription


def test_crisis_cell_publishes_and_resident_sees_the_banner_and_subscribes(
    browse, personas, marseille
):
    page = browse.page
    browse.login(personas["crisis_agent"])
    browse.goto("/alertes/cellule/")
    page.click("text=Rédiger une alerte")
    page.wait_for_load_state()
    browse.check()
    page.select_option("#id_status", "Actual")
    page.select_option("#id_risk", "flood")
    page.select_option("#id_category", "Met")
    page.fill("#id_event", "Crue de l'Huveaune")
    page.fill("#id_headline", "Crue de l'Huveaune : montez à l'étage")
    page.fill("#id_description", "L'Huveaune déborde en aval d'Aubagne.")
    page.fill("#id_instruction", "Montez à l'étage. Ne prenez pas votre voiture.")
    page.select_option("#id_response_type", "Evacuate")
    page.select_option("#id_urgency", "Immediate")
    page.select_option("#id_severity", "Extreme")
    page.select_option("#id_certainty", "Observed")
    expires = timezone.localtime() + datetime.timedelta(hours=6)
    page.fill("#id_expires", expires.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_communes", [str(marseille.pk)])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("h1")).to_have_text("Crue de l'Huveaune : montez à l'étage")
    alert = Alert.objects.get()
    assert alert.state == "draft"
    page.click("text=Publier l'alerte")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#alert-state")).to_contain_text("en vigueur")
    alert.refresh_from_db()
    assert alert.state == "published"

    page.context.clear_cookies()
    browse.goto("/")
    banner = page.locator(".situation-danger")
    expect(banner).to_contain_text("Crue de l'Huveaune : montez à l'étage")
    expect(banner).to_contain_text("Montez à l'étage. Ne prenez pas votre voiture.")
    expect(banner).to_contain_text("1 alerte en cours")
    banner.get_by_role("link", name="Crue de l'Huveaune : montez à l'étage").click()
    page.wait_for_load_state()
    browse.check()
    expect(page.locator(".instruction")).to_contain_text("Ne prenez pas votre voiture.")
    browse.goto("/alertes/exercices/")
    expect(
        page.locator(".situation-danger").get_by_role("link", name="Lire les consignes")
    ).to_be_visible()

    browse.login(personas["resident"])
    browse.goto("/alertes/abonnements/")
    expect(page.locator("#id_commune")).to_have_value(str(marseille.pk))
    page.click("text=M'abonner")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator(".messages")).to_contain_text("Marseille")
    assert Subscription.objects.filter(user=personas["resident"], commune=marseille).exists()


def test_public_pages_with_demo_data_are_accessible(browse, personas, settings):
    from renouveau.alerts import demo

    demo.load()
    settings.DEMO_DATA = True
    page = browse.page
    browse.goto("/alertes/")
    expect(page.locator(".situation-danger")).to_have_count(0)
    browse.goto("/alertes/archives/")
    expect(page.locator(".badge-exercise").first).to_be_visible()
    page.select_option("#id_risk", "storm")  # htmx swaps the results, no reload
    expect(page.locator("#results")).to_contain_text("Orages violents")
    expect(page.locator("#results")).not_to_contain_text("Canicule")
    assert "risk=storm" in page.url
    browse.check()
    browse.goto("/alertes/exercices/")
    page.click("text=Exercice crue de l'Huveaune (exemple)")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#retour")).to_be_visible()
    browse.goto("/alertes/memoire-du-risque/")
    expect(page.locator("#risque-flood")).to_be_visible()
    browse.login(personas["crisis_agent"])
    browse.goto("/alertes/cellule/")
    browse.goto("/alertes/exercices/nouveau/")
    upcoming = page.locator("text=Exercice feu de forêt au pied de la Sainte-Victoire (exemple)")
    browse.goto("/alertes/exercices/")
    upcoming.first.click()
    page.wait_for_load_state()
    page.click("text=M'inscrire")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#registration-status")).to_contain_text("inscrit")


def test_an_alert_read_on_a_phone(phone, personas, marseille):
    """Most residents read an alert on a phone: the instructions come first and fit the screen."""
    from renouveau.alerts.tests.factories import published_alert

    alert = published_alert(
        personas["crisis_agent"], [marseille], headline="Feu de forêt : restez chez vous"
    )
    page = phone.page
    phone.goto("/")
    expect(page.locator(".situation-danger")).to_contain_text("Feu de forêt : restez chez vous")
    phone.goto(f"/alertes/{alert.pk}/")
    instruction = page.locator(".instruction")
    expect(instruction).to_be_visible()
    box = instruction.bounding_box()
    assert box is not None and box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_crisis_cell_drafts_an_alert_from_a_warning_signal(browse, personas, marseille):
    """From the triage page of a vigie signal: the draft form is prefilled (risk, commune, the
    resident's words to rewrite), the words kept as they are are refused, the published alert
    is listed on the signal's page."""
    from renouveau.reserve.models import Signal

    page = browse.page
    words = "L'eau monte très vite dans la rue et déborde sur la chaussée depuis midi."
    signal = Signal.objects.create(
        reporter=personas["resident"],
        category="flood",
        commune=marseille,
        place="Ruisseau des Aygalades",
        description=words,
        observed_at=timezone.now() - datetime.timedelta(hours=1),
        urgency="high",
    )
    browse.login(personas["crisis_agent"])
    browse.goto(f"/reserve-citoyenne/vigie/signalements/{signal.pk}/")
    page.click("text=Rédiger une alerte à partir de ce signalement")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#from-signal")).to_contain_text(f"signalement n° {signal.pk}")
    expect(page.locator("#id_risk")).to_have_value("flood")
    expect(page.locator("#id_description")).to_have_value(words)
    page.fill("#id_headline", "Ruissellement aux Aygalades")
    page.fill("#id_instruction", "Évitez la rue, ne descendez pas dans les parkings.")
    page.select_option("#id_urgency", "Immediate")
    page.select_option("#id_severity", "Moderate")
    page.select_option("#id_certainty", "Observed")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#id_description_error")).to_contain_text("Reformulez")
    browse.check()
    page.fill("#id_description", "Ruissellement important dans le quartier des Aygalades.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#alert-signals")).to_contain_text(f"n° {signal.pk}")
    page.click("text=Publier l'alerte")
    page.wait_for_load_state()
    alert = Alert.objects.get()
    assert alert.state == "published" and list(alert.signals.all()) == [signal]
    browse.goto(f"/reserve-citoyenne/vigie/signalements/{signal.pk}/")
    expect(page.locator("#alertes + ul")).to_contain_text("Ruissellement aux Aygalades")
    browse.check()


def test_an_alert_with_an_english_version_read_by_an_english_visitor(browse, personas, marseille):
    """The crisis cell fills the optional English fieldset (the English headline is required
    with any English text: a French error first); a visitor who switches to English reads the
    English texts; a French text shown in English is marked lang="fr". Accessible pages."""
    page = browse.page
    browse.login(personas["crisis_agent"])
    browse.goto("/alertes/cellule/nouvelle/")
    expect(page.locator("#english-version legend")).to_have_text("Version anglaise (facultative)")
    page.select_option("#id_status", "Actual")
    page.select_option("#id_risk", "flood")
    page.select_option("#id_category", "Met")
    page.fill("#id_event", "Crue de l'Huveaune")
    page.fill("#id_headline", "Crue de l'Huveaune")
    page.fill("#id_description", "L'Huveaune déborde en aval d'Aubagne.")
    page.fill("#id_instruction", "Montez à l'étage.")
    page.select_option("#id_urgency", "Immediate")
    page.select_option("#id_severity", "Moderate")
    page.select_option("#id_certainty", "Observed")
    page.select_option("#id_communes", [str(marseille.pk)])
    page.fill("#id_instruction_en", "Go upstairs.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#id_headline_en_error")).to_contain_text("titre en anglais")
    page.fill("#id_headline_en", "Huveaune river flood")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    alert = Alert.objects.get()
    assert alert.headline_en == "Huveaune river flood"
    page.click("text=Publier l'alerte")
    page.wait_for_load_state()

    page.context.clear_cookies()
    browse.goto(f"/alertes/{alert.pk}/")
    page.select_option("#language-select", "en")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    expect(page.locator("h1")).to_have_text("Huveaune river flood")
    expect(page.locator(".instruction")).to_contain_text("Go upstairs.")
    expect(page.locator("#situation + p")).to_have_attribute("lang", "fr")
    browse.check()
    browse.goto("/alertes/")
    expect(page.locator(".alert-card h3")).to_have_text("Huveaune river flood")
