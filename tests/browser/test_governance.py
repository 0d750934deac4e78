"""Browser tests of governance: a resident registers to a public meeting and downloads its
.ics; an agent runs a draw and publishes the result; a resident reads a body's page and its
recommendations. axe-core runs on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renouveau.governance import demo, services
from renouveau.governance.models import Body, Candidate, Draw, Meeting, Registration


@pytest.fixture
def governance(plan):
    services.reference_load()
    demo.load()
    return {b.code: b for b in Body.objects.all()}


def test_resident_registers_to_a_public_meeting_and_downloads_its_ics(browse, governance, personas):
    page = browse.page
    meeting = Meeting.objects.filter(capacity__isnull=False).order_by("starts_at").first()
    browse.goto("/gouvernance/")
    browse.goto("/gouvernance/reunions/")
    expect(page.get_by_role("link", name=meeting.title)).to_be_visible()
    browse.login(personas["resident"])
    browse.goto(f"/gouvernance/reunions/{meeting.pk}/")
    page.get_by_role("button", name="M'inscrire à cette réunion").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Vous êtes inscrit·e à cette réunion.")).to_be_visible()
    browse.check()
    assert Registration.objects.filter(meeting=meeting, user=personas["resident"]).exists()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    with open(download_info.value.path(), encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{meeting.uid}@gouvernance.renouveau\r\n" in text


def test_agent_runs_a_draw_and_publishes_the_result(browse, governance, personas):
    page = browse.page
    draw = Draw.objects.get()
    browse.login(personas["metropolis_agent"])
    browse.goto(f"/gouvernance/tirages/{draw.pk}/")
    # Before the draw: the fingerprint is published, the seed is not.
    expect(page.locator("main code.draw-seed")).to_have_text([draw.seed_fingerprint])
    assert draw.seed not in page.content()
    page.get_by_role("link", name="Effectuer le tirage").click()
    page.wait_for_load_state()
    browse.check()
    expect(page.get_by_label("Graine publique (facultatif)")).to_have_count(0)
    page.get_by_label("Les candidatures sont encore ouvertes").check()
    page.get_by_role("button", name="Tirer au sort et publier").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Résultat du tirage")).to_be_visible()
    expect(page.locator("main code.draw-seed")).to_have_text([draw.seed_fingerprint, draw.seed])
    browse.check()
    assert Candidate.objects.filter(draw=draw, selected=True).count() == draw.seats
    page.context.clear_cookies()
    browse.goto(f"/gouvernance/tirages/{draw.pk}/")
    rows = page.locator("main table").last.locator("tbody tr")
    expect(rows).to_have_count(Candidate.objects.filter(draw=draw).count())
    expect(page.get_by_text("Tiré·e au sort :")).to_have_count(draw.seats)


def test_resident_reads_a_body_and_its_recommendations(browse, governance, personas):
    page = browse.page
    browse.login(personas["resident"])
    browse.goto("/gouvernance/")
    page.get_by_role("link", name="Conseil Métropolitain des jeunes").first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Conseil Métropolitain des jeunes")
    expect(page.get_by_role("cell", name="lycéen")).to_be_visible()
    browse.check()
    page.get_by_role("link", name="Toutes les recommandations de cette instance").click()
    page.wait_for_load_state()
    browse.check()
    page.get_by_label("Suite donnée").select_option("rejected")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    expect(page.locator("main .card")).to_have_count(1)
    page.locator("main .card a").first.click()
    page.wait_for_load_state()
    expect(page.get_by_text("non retenue")).to_be_visible()
    browse.check()


def test_other_public_pages_are_accessible(browse, governance, personas):
    for path in (
        "/gouvernance/lieux/",
        "/gouvernance/partenaires/",
        "/gouvernance/comparaisons/",
        "/gouvernance/comparaisons/taux-emploi/",
        "/gouvernance/recommandations/",
        "/gouvernance/tirages/",
    ):
        browse.goto(path)
    browse.login(personas["resident"])
    draw = Draw.objects.get()
    browse.goto(f"/gouvernance/tirages/{draw.pk}/")
    browse.page.context.clear_cookies()
    browse.login(personas["metropolis_agent"])
    for path in (
        "/gouvernance/reunions/nouvelle/",
        "/gouvernance/tirages/nouveau/",
        "/gouvernance/recommandations/nouvelle/",
        "/gouvernance/comparaisons/taux-emploi/",
    ):
        browse.goto(path)
    # A bad form is answered with its errors, still accessible.
    browse.page.get_by_role("button", name="Enregistrer").click()
    browse.page.wait_for_load_state()
    browse.check()
    past = Meeting.objects.filter(ends_at__lt=timezone.now()).first()
    assert past is not None and past.starts_at < timezone.now() - datetime.timedelta(days=1)
    browse.goto(f"/gouvernance/reunions/{past.pk}/")


def test_on_a_phone_a_resident_volunteers_for_the_draw(phone, governance, personas, marseille):
    page = phone.page
    draw = Draw.objects.get()
    phone.login(personas["resident"])
    phone.goto(f"/gouvernance/tirages/{draw.pk}/")
    page.get_by_label("Nom publié si vous êtes tiré·e au sort").fill("Awa B.")
    page.get_by_label("Votre commune de résidence").select_option(str(marseille.pk))
    page.get_by_label("Votre tranche d'âge").select_option("30-44")
    page.get_by_label("Votre genre, tel que vous le déclarez").select_option("woman")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Votre accord est nécessaire pour candidater.")).to_be_visible()
    phone.check()
    page.get_by_label("J'accepte que ces informations servent au tirage au sort").check()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.wait_for_load_state()
    code = Candidate.objects.get(user=personas["resident"]).code
    expect(page.get_by_text(f"Votre code public est {code}")).to_be_visible()
    phone.goto("/gouvernance/ma-participation/")
    expect(page.get_by_text(code)).to_be_visible()


def test_a_resident_joins_the_waiting_list_and_gets_the_freed_seat(browse, governance, personas):
    """A full meeting: the resident joins its waiting list and sees their position; when a
    registrant cancels, the seat is theirs; the organisers' list shows who waits."""
    page = browse.page
    meeting = Meeting.objects.filter(capacity__isnull=False).order_by("starts_at").first()
    meeting.capacity = 1
    meeting.save()
    services.registration_create(user=personas["elected"], meeting=meeting)
    browse.goto(f"/gouvernance/reunions/{meeting.pk}/")
    expect(page.get_by_text("une liste d'attente est ouverte")).to_be_visible()
    browse.login(personas["resident"])
    browse.goto(f"/gouvernance/reunions/{meeting.pk}/")
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    page.wait_for_load_state()
    expect(page.get_by_text("position 1 sur 1")).to_be_visible()
    browse.check()
    services.waitlist_join(user=personas["outsider"], meeting=meeting)
    browse.goto("/gouvernance/ma-participation/")
    expect(page.get_by_text("position 1 sur la liste d'attente")).to_be_visible()

    services.registration_cancel(user=personas["elected"], meeting=meeting)
    browse.goto(f"/gouvernance/reunions/{meeting.pk}/")
    expect(page.get_by_text("Vous êtes inscrit·e à cette réunion.")).to_be_visible()

    page.context.clear_cookies()
    browse.login(personas["metropolis_agent"])
    browse.goto(f"/gouvernance/reunions/{meeting.pk}/inscrits/")
    expect(page.get_by_text("depuis la liste d'attente")).to_be_visible()
    expect(page.get_by_role("rowheader", name="ailleurs@example.org")).to_be_visible()


def test_an_organiser_uploads_a_pdf_document(browse, governance, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = browse.page
    meeting = Meeting.objects.filter(capacity__isnull=False).order_by("starts_at").first()
    browse.login(personas["metropolis_agent"])
    browse.goto(f"/gouvernance/reunions/{meeting.pk}/documents/")
    page.get_by_label("Titre du document").fill("Diaporama de la séance")
    not_pdf = {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}
    page.get_by_label("Fichier PDF").set_input_files(files=[not_pdf])
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Ce fichier n'est pas un PDF.")).to_be_visible()
    browse.check()
    pdf = {"name": "diapo.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    page.get_by_label("Fichier PDF").set_input_files(files=[pdf])
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Diaporama de la séance")).to_be_visible()
    browse.check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Diaporama de la séance").click()
    assert download_info.value.suggested_filename == "diaporama-de-la-seance.pdf"
    page.get_by_role("button", name="Retirer le document « Diaporama de la séance »").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Diaporama de la séance")).to_have_count(0)
