"""Browser tests of the citizen reserve: a resident enrols, an agent validates them, they sign
up to a mission; a resident reports a warning sign and the crisis cell triages it; an agent
creates a mission and records attendance. axe-core runs on every page."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from renouveau.reserve.models import Mission, Signal, SignalStatus, Signup, Volunteer
from renouveau.reserve.services import skills_load


def _logout(browse) -> None:
    browse.page.context.clear_cookies()


def _mission(organiser, commune, **extra):
    starts = timezone.now() + datetime.timedelta(days=2)
    return Mission.objects.create(
        title=extra.pop("title", "Distribution d'eau aux personnes isolées"),
        description="Porter des packs d'eau.",
        commune=commune,
        place="Mairie du 1er secteur",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=extra.pop("capacity", 2),
        status="open",
        organiser=organiser,
    )


def test_resident_enrols_is_validated_and_signs_up(browse, personas, marseille):
    skills_load()
    page = browse.page
    resident, agent = personas["resident"], personas["commune_agent"]
    mission = _mission(personas["metropolis_agent"], marseille)

    browse.goto("/reserve-citoyenne/")
    browse.goto("/reserve-citoyenne/charte/")
    browse.goto("/reserve-citoyenne/missions/")
    browse.login(resident)
    browse.goto("/reserve-citoyenne/inscription/")
    expect(page.locator(f"input[name=communes][value='{marseille.pk}']")).to_be_checked()
    page.get_by_label("Premiers secours").check()
    page.get_by_label("Disponible le week-end").check()
    page.fill("#id_phone", "06 12 34 56 78")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    expect(page.locator("#id_accept_charter_error")).to_contain_text("charte")
    page.get_by_label("J'ai lu la charte").check()
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Mon engagement")
    expect(page.locator("main")).to_contain_text("attend la validation")
    browse.check()
    volunteer = Volunteer.objects.get(user=resident)

    _logout(browse)
    browse.login(agent)
    browse.goto("/reserve-citoyenne/reservistes/?status=pending")
    page.click(f"a[href='/reserve-citoyenne/reservistes/{volunteer.pk}/']")
    page.wait_for_load_state()
    browse.check()
    page.select_option("#id_status", "active")
    page.click("text=Appliquer")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("mis à jour")
    browse.check()

    _logout(browse)
    browse.login(resident)
    browse.goto(f"/reserve-citoyenne/missions/{mission.pk}/")
    page.click("text=Je m'inscris à cette mission")
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Vous êtes inscrit·e à cette mission.")
    expect(page.locator("main")).to_contain_text("1 inscrits sur 2")
    browse.check()
    assert Signup.objects.filter(mission=mission, volunteer=volunteer).exists()
    browse.goto("/reserve-citoyenne/mon-engagement/")
    expect(page.locator("#a-venir + ul")).to_contain_text(mission.title)


def test_resident_reports_a_signal_and_the_crisis_cell_triages_it(browse, personas, marseille):
    page = browse.page
    resident, crisis = personas["resident"], personas["crisis_agent"]

    browse.goto("/reserve-citoyenne/vigie/")
    browse.login(resident)
    browse.goto("/reserve-citoyenne/vigie/signaler/")
    expect(page.locator(".emergency")).to_contain_text("112")
    page.select_option("#id_category", "flood")
    page.fill("#id_place", "Ruisseau des Aygalades, sous le pont")
    page.fill("#id_description", "L'eau monte très vite et déborde sur la chaussée.")
    page.get_by_label("Urgent : dans les prochaines heures").check()
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Signalement n°")
    browse.check()
    signal = Signal.objects.get()

    _logout(browse)
    browse.login(crisis)
    browse.goto("/moderation/")
    page.click("a[href='/reserve-citoyenne/vigie/traitement/']")
    page.wait_for_load_state()
    browse.check()
    page.click(f"a[href='/reserve-citoyenne/vigie/signalements/{signal.pk}/']")
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Ruisseau des Aygalades")
    page.select_option("#id_status", "closed")
    page.click("text=Enregistrer et prévenir l'auteur")
    page.wait_for_load_state()
    expect(page.locator("#id_note_error")).to_contain_text("Indiquez la suite donnée")
    browse.check()
    page.select_option("#id_status", "closed")
    page.fill("#id_note", "Les services techniques ont dégagé l'embâcle sous le pont.")
    page.click("text=Enregistrer et prévenir l'auteur")
    page.wait_for_load_state()
    browse.check()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED

    _logout(browse)
    browse.login(resident)
    browse.goto(f"/reserve-citoyenne/vigie/signalements/{signal.pk}/")
    expect(page.locator("#suite")).to_be_visible()
    expect(page.locator("main")).to_contain_text("dégagé l'embâcle")
    browse.goto("/reserve-citoyenne/vigie/")
    expect(page.locator("main table").first).to_contain_text("Inondation")


def test_agent_creates_a_mission_and_sees_sign_ups(browse, personas, marseille):
    skills_load()
    page = browse.page
    agent = personas["commune_agent"]
    browse.login(agent)
    browse.goto("/reserve-citoyenne/missions/nouvelle/")
    start = timezone.localtime() + datetime.timedelta(days=3)
    page.fill("#id_title", "Tenue d'un point d'information canicule")
    page.fill("#id_description", "Distribuer les consignes canicule aux passants.")
    page.select_option("#id_commune", str(marseille.pk))
    page.fill("#id_place", "Place Castellane")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT10:00"))
    page.fill("#id_ends_at", start.strftime("%Y-%m-%dT09:00"))
    page.fill("#id_capacity", "4")
    page.get_by_label("Communication et information").check()
    page.get_by_label("Publier tout de suite").check()
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#id_ends_at_error")).to_contain_text("La fin doit être après le début.")
    browse.check()
    page.fill("#id_ends_at", start.strftime("%Y-%m-%dT13:00"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Tenue d'un point d'information canicule")
    browse.check()
    mission = Mission.objects.get()
    assert mission.status == "open" and mission.organiser == agent
    page.click("text=Gérer la mission et les inscrits")
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Personne n'est encore inscrit.")
    browse.check()
    browse.goto("/reserve-citoyenne/missions/gestion/")
    browse.goto(f"/reserve-citoyenne/missions/{mission.pk}/annuler/")
    page.fill("#id_reason", "Alerte météo levée")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    browse.check()
    mission.refresh_from_db()
    assert mission.status == "cancelled"


def test_signal_form_on_a_phone(phone, personas, marseille):
    """Most residents report from a phone (360 px): the form, its emergency notice and the
    follow-up page stay usable and axe-clean."""
    page = phone.page
    phone.login(personas["resident"])
    phone.goto("/reserve-citoyenne/vigie/signaler/")
    expect(page.locator(".emergency")).to_be_visible()
    page.select_option("#id_category", "heatwave")
    page.fill("#id_place", "Résidence du Jas de Bouffan")
    page.fill("#id_description", "Des voisins âgés sans ventilateur.")
    page.get_by_label("Assez urgent : dans les prochains jours").check()
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Signalement n°")
    phone.check()
    assert Signal.objects.get().category == "heatwave"
