"""Every agent path that moves a mission tells the people signed up (the edit form and the back
office, through the same service); the back office is for administrators only; a suspension
withdraws the volunteer's coming sign-ups, tells their organisers and the volunteer."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from renouveau.core.models import AuditLog
from renouveau.reserve import services
from renouveau.reserve.models import Mission, MissionStatus, Signup, VolunteerStatus
from renouveau.territories.models import Commune

from .factories import make_mission, make_signal, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_commit_now(monkeypatch):
    """E-mails are sent on commit; the test's transaction never commits: run them at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def aubagne(territories):
    return Commune.objects.get(insee="13005")


@pytest.fixture
def signed_up(personas, marseille):
    """A published mission in Marseille with two volunteers signed up (one already reminded)."""
    mission = make_mission(personas["metropolis_agent"], commune=marseille, capacity=2, in_days=1)
    first = make_volunteer(personas["resident"], communes=[marseille])
    second = make_volunteer(personas["association_member"], communes=[marseille])
    services.mission_signup(volunteer=first, mission=mission)
    services.mission_signup(volunteer=second, mission=mission)
    Signup.objects.filter(mission=mission, volunteer=first).update(reminded_at=timezone.now())
    mission.refresh_from_db()
    assert mission.status == MissionStatus.FULL
    return mission


def _form(mission, **changes):
    start = timezone.localtime(mission.starts_at)
    data = {
        "title": mission.title,
        "description": mission.description,
        "commune": str(mission.commune_id),
        "place": mission.place,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(mission.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "capacity": str(mission.capacity),
    }
    return {**data, **changes}


def _moved(mission):
    return [m for m in mail.outbox if "nouvelle date ou nouveau lieu" in m.subject]


# ------------------------------------------------------------------ the edit form


def test_a_new_date_or_place_from_the_edit_form_is_emailed_once_to_each_volunteer(
    client, personas, signed_up
):
    mission = signed_up
    client.force_login(personas["metropolis_agent"])
    url = reverse("reserve:mission_edit", args=[mission.pk])
    mail.outbox.clear()
    # A title or description change tells nobody (and a mission created with seconds is not
    # "moved" by a form that holds minutes).
    assert client.post(url, _form(mission, title="Distribution d'eau (bis)")).status_code == 302
    assert _moved(mission) == []
    later = timezone.localtime(mission.starts_at) + datetime.timedelta(days=1)
    response = client.post(
        url,
        _form(
            mission,
            title="Distribution d'eau (bis)",
            starts_at=later.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(later + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            place="Gymnase Vallier",
        ),
    )
    assert response.status_code == 302
    told = _moved(mission)
    assert sorted(m.to[0] for m in told) == sorted(
        [personas["resident"].email, personas["association_member"].email]
    )
    assert "Gymnase Vallier" in told[0].body and "Place de la mairie" in told[0].body
    entry = AuditLog.objects.filter(action="reserve.mission_updated").latest("pk")
    assert entry.data["notified"] == 2 and "place" in entry.data and "starts_at" in entry.data
    # The reminder of the day before is sent again for the new date.
    assert not Signup.objects.filter(mission=mission, reminded_at__isnull=False).exists()


# ------------------------------------------------------------------ the back office


def test_the_back_office_edit_goes_through_the_same_service(client, personas, signed_up):
    mission = signed_up
    admin = personas["administrator"]
    client.force_login(admin)
    url = f"/back-office/reserve/mission/{mission.pk}/change/"
    assert client.get(url).status_code == 200
    later = timezone.localtime(mission.starts_at) + datetime.timedelta(days=2)

    def form(**changes):
        data = {
            "title": mission.title,
            "description": mission.description,
            "commune": str(mission.commune_id),
            "place": mission.place,
            "starts_at_0": later.strftime("%Y-%m-%d"),
            "starts_at_1": later.strftime("%H:%M:%S"),
            # The end's own date: three hours after a start past 21:00 is the next day.
            "ends_at_0": (later + datetime.timedelta(hours=3)).strftime("%Y-%m-%d"),
            "ends_at_1": (later + datetime.timedelta(hours=3)).strftime("%H:%M:%S"),
            "capacity": "2",
            "skills": [],
            "signups-TOTAL_FORMS": "0",
            "signups-INITIAL_FORMS": "0",
            "signups-MIN_NUM_FORMS": "0",
            "signups-MAX_NUM_FORMS": "1000",
        }
        return {**data, **changes}

    mail.outbox.clear()
    # A refusal of the service is the form's error (200), not a 500.
    response = client.post(url, form(capacity="1"))
    assert response.status_code == 200 and "déjà inscrits" in response.content.decode()
    assert _moved(mission) == []
    response = client.post(url, form())
    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(_moved(mission)) == 2
    mission.refresh_from_db()
    assert mission.starts_at == later.replace(microsecond=0)
    assert mission.signups.count() == 2  # the sign-ups are untouched
    entry = AuditLog.objects.filter(action="reserve.mission_updated").latest("pk")
    assert entry.actor == admin and entry.data["notified"] == 2
    # Status, sign-ups, creation and deletion are not edited here (cancel from the page, with
    # the reason e-mailed to the volunteers).
    assert client.get("/back-office/reserve/mission/add/").status_code == 403
    assert client.get(f"/back-office/reserve/mission/{mission.pk}/delete/").status_code == 403
    volunteer = mission.signups.first().volunteer
    response = client.post(
        f"/back-office/reserve/volunteer/{volunteer.pk}/change/", {"status": "suspended"}
    )
    assert response.status_code == 403
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_the_reserve_back_office_is_closed_to_agents(client, personas, signed_up, marseille):
    """The app's rules share their names with Django's model permissions (view_volunteer,
    change_mission, add_mission…); asked without an object they said yes to any agent, who is
    staff: a metropolis agent read every volunteer's phone, a commune agent could add a mission
    in any commune here, without audit."""
    signal = make_signal(personas["resident"], commune=marseille)
    volunteer = signed_up.signups.first().volunteer
    pages = [
        "/back-office/reserve/volunteer/",
        f"/back-office/reserve/volunteer/{volunteer.pk}/change/",
        "/back-office/reserve/mission/",
        "/back-office/reserve/mission/add/",
        f"/back-office/reserve/mission/{signed_up.pk}/change/",
        "/back-office/reserve/signal/",
        f"/back-office/reserve/signal/{signal.pk}/change/",
    ]
    for persona in ("metropolis_agent", "commune_agent", "crisis_agent", "moderator"):
        client.force_login(personas[persona])
        for page in pages:
            assert client.get(page).status_code == 403, (persona, page)
        assert "/back-office/reserve/" not in client.get("/back-office/").content.decode()
    # The commune agent organises missions in Marseille: not through the back office either.
    signed_up.organiser = personas["commune_agent"]
    signed_up.save()
    client.force_login(personas["commune_agent"])
    assert client.get(f"/back-office/reserve/mission/{signed_up.pk}/change/").status_code == 403
    count = Mission.objects.count()
    client.post("/back-office/reserve/mission/add/", {"title": "Hors service"})
    assert Mission.objects.count() == count
    client.force_login(personas["administrator"])
    for page in pages:
        if not page.endswith("/add/"):
            assert client.get(page).status_code == 200, page


# ------------------------------------------------------------------ suspension


def test_a_suspension_withdraws_coming_signups_and_tells_organisers_and_volunteer(
    client, personas, signed_up, marseille, aubagne
):
    resident = personas["resident"]
    volunteer = resident.volunteer
    volunteer.communes.add(aubagne)
    other = make_mission(personas["commune_agent"], commune=marseille, title="Nettoyage", in_days=5)
    services.mission_signup(volunteer=volunteer, mission=other)
    started = make_mission(
        personas["commune_agent"], commune=marseille, title="Déjà commencée", in_days=1
    )
    services.mission_signup(volunteer=volunteer, mission=started)
    Mission.objects.filter(pk=started.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    mail.outbox.clear()
    client.force_login(personas["metropolis_agent"])
    response = client.post(
        reverse("reserve:volunteer_status", args=[volunteer.pk]),
        {"status": "suspended", "reason": "Comportement contraire à la charte"},
    )
    assert response.status_code == 302
    # Places freed: the full mission is open again; the started mission keeps its record.
    signed_up.refresh_from_db()
    assert signed_up.status == MissionStatus.OPEN
    assert not Signup.objects.filter(volunteer=volunteer, mission__in=[signed_up, other]).exists()
    assert Signup.objects.filter(volunteer=volunteer, mission=started).exists()
    withdrawn = AuditLog.objects.filter(action="reserve.mission_withdrawn")
    assert sorted(int(e.object_id) for e in withdrawn) == sorted([signed_up.pk, other.pk])
    assert all(e.data == {"volunteer": volunteer.pk, "cause": "suspended"} for e in withdrawn)
    assert all(e.actor == personas["metropolis_agent"] for e in withdrawn)
    # Each organiser is told, without the reason (between the reserve and the person).
    to_organisers = {m.to[0]: m for m in mail.outbox if "une place se libère" in m.subject}
    assert set(to_organisers) == {
        personas["metropolis_agent"].email,
        personas["commune_agent"].email,
    }
    body = to_organisers[personas["commune_agent"].email].body
    assert (
        "Awa est suspendu·e" in body
        and "Nettoyage" in to_organisers[personas["commune_agent"].email].subject
    )
    assert "charte" not in body
    # The volunteer is told why, and which sign-ups were withdrawn.
    to_volunteer = [m for m in mail.outbox if m.to == [resident.email]]
    assert len(to_volunteer) == 1
    assert "Comportement contraire à la charte" in to_volunteer[0].body
    assert signed_up.title in to_volunteer[0].body and "Nettoyage" in to_volunteer[0].body
    assert "Déjà commencée" not in to_volunteer[0].body


def test_leaving_the_reserve_also_frees_the_places_and_tells_the_organiser(personas, signed_up):
    volunteer = personas["resident"].volunteer
    mail.outbox.clear()
    services.volunteer_leave(volunteer=volunteer)
    told = [m for m in mail.outbox if "une place se libère" in m.subject]
    assert [m.to for m in told] == [[personas["metropolis_agent"].email]]
    assert "Awa a quitté la réserve citoyenne." in told[0].body
    entry = AuditLog.objects.get(action="reserve.mission_withdrawn")
    assert entry.data["cause"] == "left" and entry.actor == personas["resident"]


# ------------------------------------------------------------------ defects met on the way


def test_the_volunteers_export_with_a_nul_character_in_the_query_is_not_a_500(
    client, personas, signed_up
):
    """The audit line recorded the raw query string, which PostgreSQL's JSON refuses when it
    holds a NUL character (an unknown parameter is ignored by the filter form)."""
    client.force_login(personas["crisis_agent"])
    url = reverse("reserve:volunteer_export")
    response = client.get(url, {"utm": "\x00", "status": "active"})
    assert response.status_code == 200
    entry = AuditLog.objects.filter(action="reserve.volunteers_exported").latest("pk")
    assert entry.data["filters"] == {"status": "active"} and entry.data["rows"] == 2


def test_a_mission_cannot_be_moved_into_the_past(client, personas, signed_up):
    mission = signed_up
    client.force_login(personas["metropolis_agent"])
    url = reverse("reserve:mission_edit", args=[mission.pk])
    past = timezone.localtime() - datetime.timedelta(days=1)
    mail.outbox.clear()
    response = client.post(
        url,
        _form(
            mission,
            starts_at=past.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(past + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 400
    assert "ne peut pas être déplacée dans le passé" in response.content.decode()
    assert _moved(mission) == []
    # A mission already started keeps its start through an edit of its description.
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    mission.refresh_from_db()
    response = client.post(url, _form(mission, description="Apporter des gants."))
    assert response.status_code == 302
