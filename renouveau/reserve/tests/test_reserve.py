"""Citizen reserve: volunteers, missions, sign-ups under concurrency, the vigie's signals,
recognition, API, RGPD and demo data."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from renouveau.core.models import AuditLog
from renouveau.reserve import selectors, services
from renouveau.reserve.models import (
    Mission,
    MissionStatus,
    Signal,
    SignalStatus,
    SignalUrgency,
    Signup,
    Skill,
    Volunteer,
    VolunteerStatus,
)
from renouveau.territories.models import Commune

from .factories import make_mission, make_signal, make_volunteer, skills

pytestmark = pytest.mark.django_db

PHONE = "06 12 34 56 78"


@pytest.fixture(autouse=True)
def _on_commit_now(monkeypatch):
    """Run on-commit callbacks (e-mails) at once: the test's transaction never commits.
    ``test_emails_wait_for_the_commit`` checks that they are indeed deferred."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def test_emails_wait_for_the_commit(monkeypatch, personas, marseille):
    from django.db import transaction

    monkeypatch.undo()
    assert transaction.on_commit.__name__ == "on_commit"
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.volunteer_enrol(
            user=personas["resident"], data={"communes": [marseille], "accept_charter": True}
        )
    assert mail.outbox == [] and callbacks
    for callback in callbacks:
        callback()
    assert mail.outbox[-1].to == [personas["resident"].email]


@pytest.fixture
def aix(territories):
    return Commune.objects.get(insee="13001")


@pytest.fixture
def volunteer(personas, marseille):
    return make_volunteer(personas["resident"], communes=[marseille], phone=PHONE)


def _enrol_data(commune, **overrides):
    skill = skills()["logistique"]
    data = {
        "communes": [str(commune.pk)],
        "skills": [str(skill.pk)],
        "available_weekends": "on",
        "availability_note": "Le samedi",
        "phone": PHONE,
        "accept_charter": "on",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------ reference data


def test_skills_load_is_idempotent_and_complete():
    from renouveau.reserve import reference

    assert "created" in reference.load()
    count = Skill.objects.count()
    assert services.skills_load() == (0, count)
    assert Skill.objects.count() == count >= 8
    names = set(Skill.objects.values_list("name", flat=True))
    assert {"Premiers secours", "Logistique", "Langues étrangères", "Cuisine"} <= names


# ------------------------------------------------------------------ enrolment


def test_enrol_page_and_valid_enrolment(client, personas, marseille):
    resident = personas["resident"]
    client.force_login(resident)
    url = reverse("reserve:enrol")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    # the resident's commune comes first and is pre-ticked
    first = body.index('name="communes"')
    assert f'value="{marseille.pk}"' in body[first : first + 200]
    assert "checked" in body[first : first + 200]
    response = client.post(url, _enrol_data(marseille))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=resident)
    assert volunteer.status == VolunteerStatus.PENDING
    assert list(volunteer.communes.all()) == [marseille]
    assert volunteer.phone == PHONE and volunteer.available_weekends
    assert AuditLog.objects.filter(action="reserve.volunteer_enrolled", actor=resident).exists()
    assert mail.outbox[-1].to == [resident.email]
    assert "inscription est enregistrée" in mail.outbox[-1].subject
    # A second visit goes to the volunteer's space.
    assert client.get(url)["Location"] == reverse("reserve:my_reserve")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"communes": []}, "Choisissez au moins une commune."),
        ({"accept_charter": ""}, "Vous devez accepter la charte de la réserve."),
        ({"phone": "abc"}, "Indiquez un numéro de téléphone valide"),
        ({"communes": ["999999"]}, "ne fait pas partie de la Métropole"),
    ],
)
def test_enrolment_errors_answer_400_in_french(client, personas, marseille, overrides, message):
    client.force_login(personas["resident"])
    response = client.post(reverse("reserve:enrol"), _enrol_data(marseille, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Volunteer.objects.exists()


def test_enrol_requires_login(client):
    response = client.get(reverse("reserve:enrol"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_enrol_twice_is_refused_but_a_leaver_may_come_back(personas, marseille):
    resident = personas["resident"]
    data = {"communes": [marseille], "accept_charter": True}
    volunteer = services.volunteer_enrol(user=resident, data=data)
    with pytest.raises(Exception, match="déjà inscrit"):
        services.volunteer_enrol(user=resident, data=data)
    services.volunteer_leave(volunteer=volunteer)
    again = services.volunteer_enrol(user=resident, data=data)
    assert again.pk == volunteer.pk and again.status == VolunteerStatus.PENDING


# ------------------------------------------------------------------ permissions matrix

AGENTS_WHO_LIST = {"commune_agent", "metropolis_agent", "crisis_agent", "administrator"}


@pytest.mark.parametrize(
    "persona",
    [
        "resident",
        "association_member",
        "commune_agent",
        "metropolis_agent",
        "moderator",
        "elected",
        "administrator",
        "crisis_agent",
        "outsider",
    ],
)
def test_permission_matrix(personas, marseille, aix, persona):
    user = personas[persona]
    other = personas["association_member"]
    in_marseille = make_volunteer(other, communes=[marseille])
    in_aix = make_volunteer(personas["outsider"], communes=[aix])
    mission_aix = make_mission(personas["metropolis_agent"], commune=aix)
    signal = make_signal(other, commune=marseille)
    managers = {"metropolis_agent", "crisis_agent", "administrator"}
    assert user.has_perm("reserve.list_volunteers") == (persona in AGENTS_WHO_LIST)
    assert user.has_perm("reserve.validate_volunteer", in_marseille) == (
        persona in managers | {"commune_agent"}
    )
    assert user.has_perm("reserve.validate_volunteer", in_aix) == (persona in managers)
    assert user.has_perm("reserve.view_contacts") == (persona in {"crisis_agent", "administrator"})
    assert user.has_perm("reserve.add_mission") == (persona in AGENTS_WHO_LIST)
    assert user.has_perm("reserve.change_mission", mission_aix) == (persona in managers)
    assert user.has_perm("reserve.triage_signal", signal) == (
        persona in {"crisis_agent", "administrator"}
    )
    assert user.has_perm("reserve.list_signals") == (persona in managers)
    assert user.has_perm("reserve.view_signal", signal) == (
        persona in managers or persona == "association_member"
    )
    assert user.has_perm("reserve.report_signal")


# ------------------------------------------------------------------ validation by agents


def test_commune_agent_validates_a_volunteer_of_their_commune(client, personas, marseille, aix):
    agent = personas["commune_agent"]
    pending = make_volunteer(
        personas["resident"], communes=[marseille], status=VolunteerStatus.PENDING
    )
    elsewhere = make_volunteer(personas["outsider"], communes=[aix], status=VolunteerStatus.PENDING)
    client.force_login(agent)
    url = reverse("reserve:volunteer_status", args=[pending.pk])
    assert client.post(url, {"status": "active"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == VolunteerStatus.ACTIVE and pending.validated_by == agent
    assert "validée" in mail.outbox[-1].subject and mail.outbox[-1].to == [pending.user.email]
    log = AuditLog.objects.get(action="reserve.volunteer_status_changed")
    assert log.actor == agent and log.data["to"] == "active"
    # Not their commune: 403 on the page and on the action.
    assert client.get(reverse("reserve:volunteer_detail", args=[elsewhere.pk])).status_code == 403
    response = client.post(
        reverse("reserve:volunteer_status", args=[elsewhere.pk]), {"status": "active"}
    )
    assert response.status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.status == VolunteerStatus.PENDING


def test_status_change_errors_and_forbidden(client, personas, volunteer):
    client.force_login(personas["resident"])
    url = reverse("reserve:volunteer_status", args=[volunteer.pk])
    assert client.post(url, {"status": "suspended", "reason": "x"}).status_code == 403
    client.force_login(personas["metropolis_agent"])
    response = client.post(url, {"status": "suspended", "reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif de la suspension." in response.content.decode()
    assert client.post(url, {"status": "nonsense"}).status_code == 400
    # active → active is not a transition
    response = client.post(url, {"status": "active"})
    assert response.status_code == 400 and "pas possible" in response.content.decode()


def test_suspension_withdraws_coming_signups_and_reopens_full_missions(
    personas, volunteer, marseille
):
    mission = make_mission(personas["metropolis_agent"], commune=marseille, capacity=1)
    services.mission_signup(volunteer=volunteer, mission=mission)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.FULL
    services.volunteer_set_status(
        actor=personas["crisis_agent"], volunteer=volunteer, status="suspended", reason="Absences"
    )
    mission.refresh_from_db()
    assert mission.status == MissionStatus.OPEN and not mission.signups.exists()
    assert "suspendue" in mail.outbox[-1].subject and "Absences" in mail.outbox[-1].body


# ------------------------------------------------------------------ agents' list and export


def test_volunteer_list_is_scoped_filtered_and_paginated(
    client, personas, marseille, aix, django_assert_max_num_queries
):
    from conftest import make_user

    for index in range(25):
        user = make_user(f"v{index}@example.org", commune=marseille)
        make_volunteer(user, communes=[marseille] if index % 2 else [aix], skill_codes=["cuisine"])
    client.force_login(personas["commune_agent"])
    url = reverse("reserve:volunteer_list")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 12  # only Marseille's for a commune agent
    client.force_login(personas["metropolis_agent"])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.context["page"].paginator.count == 25
    assert len(response.context["page"].object_list) == 20
    assert client.get(url, {"commune": aix.pk}).context["page"].paginator.count == 13
    assert client.get(url, {"skill": skills()["numerique"].pk}).context["page"].paginator.count == 0
    assert client.get(url, {"status": "bogus"}).status_code == 400
    assert client.get(url, {"page": "x"}).status_code == 400
    assert client.get(url, {"page": "9"}).status_code == 404
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403


def test_csv_export_is_audited_and_contacts_are_for_the_crisis_cell(client, personas, volunteer):
    client.force_login(personas["metropolis_agent"])
    response = client.get(reverse("reserve:volunteer_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert "telephone" not in rows[0] and PHONE not in response.content.decode()
    assert rows[1][1] == volunteer.user.public_name
    assert AuditLog.objects.filter(
        action="reserve.volunteers_exported", actor=personas["metropolis_agent"]
    ).exists()
    client.force_login(personas["crisis_agent"])
    body = client.get(reverse("reserve:volunteer_export")).content.decode()
    assert PHONE in body and volunteer.user.email in body
    client.force_login(personas["resident"])
    assert client.get(reverse("reserve:volunteer_export")).status_code == 403


def test_csv_cells_cannot_be_formulas(client, personas, marseille):
    v = make_volunteer(personas["resident"], communes=[marseille])
    v.availability_note = "=HYPERLINK(1)"
    v.save()
    client.force_login(personas["crisis_agent"])
    body = client.get(reverse("reserve:volunteer_export")).content.decode()
    assert "'=HYPERLINK(1)" in body


# ------------------------------------------------------------------ the volunteer's own pages


def test_profile_edit_and_leave_delete_personal_data(client, personas, volunteer, marseille, aix):
    client.force_login(personas["resident"])
    data = _enrol_data(aix, phone="")
    del data["accept_charter"]
    assert client.post(reverse("reserve:profile_edit"), data).status_code == 302
    volunteer.refresh_from_db()
    assert list(volunteer.communes.all()) == [aix] and volunteer.phone == ""
    assert client.post(reverse("reserve:profile_edit"), {**data, "communes": []}).status_code == 400
    mission = make_mission(personas["metropolis_agent"], commune=aix)
    services.mission_signup(volunteer=volunteer, mission=mission)
    assert client.get(reverse("reserve:leave")).status_code == 200
    assert client.post(reverse("reserve:leave")).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.LEFT
    assert not volunteer.communes.exists() and not volunteer.skills.exists()
    assert volunteer.availability_note == "" and not volunteer.available_weekends
    assert not Signup.objects.filter(volunteer=volunteer).exists()
    page = client.get(reverse("reserve:my_reserve"))
    assert "Vous avez quitté la réserve" in page.content.decode()


def test_my_reserve_without_enrolment_invites_to_enrol(client, personas):
    client.force_login(personas["resident"])
    response = client.get(reverse("reserve:my_reserve"))
    assert response.status_code == 200
    assert reverse("reserve:enrol") in response.content.decode()
    assert client.get(reverse("reserve:profile_edit"))["Location"] == reverse("reserve:enrol")


# ------------------------------------------------------------------ missions


def _mission_data(commune, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=2)
    data = {
        "title": "Distribution d'eau",
        "description": "Porter des packs d'eau aux personnes âgées.",
        "commune": str(commune.pk),
        "place": "Mairie",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "4",
        "skills": [str(skills()["logistique"].pk)],
        "publish": "on",
    }
    data.update(overrides)
    return data


def test_mission_creation_by_agents_and_commune_scope(client, personas, marseille, aix):
    client.force_login(personas["commune_agent"])
    url = reverse("reserve:mission_create")
    assert client.get(url).status_code == 200
    response = client.post(url, _mission_data(aix))
    assert response.status_code == 400  # Aix is not one of their communes
    assert "ne fait pas partie" in response.content.decode()
    response = client.post(url, _mission_data(marseille))
    assert response.status_code == 302
    mission = Mission.objects.get()
    assert mission.status == MissionStatus.OPEN and mission.organiser == personas["commune_agent"]
    assert AuditLog.objects.filter(action="reserve.mission_created").exists()
    with pytest.raises(Exception, match="vos communes"):
        services.mission_create(
            organiser=personas["commune_agent"],
            data={**_clean_mission(aix)},
        )
    client.force_login(personas["metropolis_agent"])
    assert client.post(url, _mission_data(aix, publish="")).status_code == 302
    assert Mission.objects.filter(commune=aix, status=MissionStatus.DRAFT).exists()
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403


def _clean_mission(commune):
    start = timezone.now() + datetime.timedelta(days=1)
    return {
        "title": "T",
        "description": "D",
        "commune": commune,
        "place": "P",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1),
        "capacity": 2,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Donnez un intitulé à la mission."),
        ({"capacity": "0"}, "Il faut au moins une place."),
        ({"starts_at": "demain"}, "Indiquez une date et une heure valides."),
        ({"ends_at": "2020-01-01T10:00"}, "La fin doit être après le début."),
        (
            {"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"},
            "doit commencer dans le futur",
        ),
    ],
)
def test_mission_form_errors_answer_400(client, personas, marseille, overrides, message):
    client.force_login(personas["metropolis_agent"])
    response = client.post(reverse("reserve:mission_create"), _mission_data(marseille, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_public_mission_list_hides_drafts_past_and_personal_data(
    client, personas, marseille, aix, volunteer, django_assert_max_num_queries
):
    agent = personas["metropolis_agent"]
    shown = make_mission(agent, commune=marseille, title="Visible", skill_codes=["cuisine"])
    make_mission(agent, commune=marseille, title="Brouillon", status=MissionStatus.DRAFT)
    make_mission(agent, commune=marseille, title="Passée", in_days=-3)
    make_mission(agent, commune=aix, title="À Aix")
    services.mission_signup(volunteer=volunteer, mission=shown)
    for index in range(20):
        make_mission(agent, commune=aix, title=f"Lot {index}", skill_codes=["logistique"])
    url = reverse("reserve:mission_list")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "Visible" in body
    assert "Brouillon" not in body and "Passée" not in body
    assert response.context["page"].paginator.count == 22
    filtered = client.get(url, {"commune": marseille.pk, "skill": skills()["cuisine"].pk})
    assert [m.title for m in filtered.context["page"].object_list] == ["Visible"]
    assert client.get(url, {"commune": "nope"}).status_code == 400
    detail = client.get(shown.get_absolute_url()).content.decode()
    assert "1 inscrits sur 3" in detail
    assert volunteer.user.public_name not in detail and PHONE not in detail
    draft = Mission.objects.get(title="Brouillon")
    # A draft is not found by those who cannot manage it (a 403 would reveal that it exists).
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(personas["resident"])
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(agent)
    assert client.get(draft.get_absolute_url()).status_code == 200


# ------------------------------------------------------------------ sign-ups


def test_signup_withdraw_capacity_and_emails(client, personas, marseille, volunteer):
    from conftest import make_user

    organiser = personas["commune_agent"]
    mission = make_mission(organiser, commune=marseille, capacity=2)
    client.force_login(personas["resident"])
    url = reverse("reserve:mission_signup", args=[mission.pk])
    assert client.post(url).status_code == 302
    assert Signup.objects.filter(mission=mission, volunteer=volunteer).count() == 1
    assert "inscription est confirmée" in mail.outbox[-1].subject
    assert mail.outbox[-1].to == [volunteer.user.email]
    again = client.post(url)
    assert again.status_code == 400 and "déjà inscrit" in again.content.decode()
    other = make_volunteer(make_user("b@example.org", commune=marseille), communes=[marseille])
    services.mission_signup(volunteer=other, mission=mission)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.FULL
    third = make_volunteer(make_user("c@example.org", commune=marseille), communes=[marseille])
    with pytest.raises(Exception, match="complète"):
        services.mission_signup(volunteer=third, mission=mission)
    response = client.post(reverse("reserve:mission_withdraw", args=[mission.pk]))
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == MissionStatus.OPEN and mission.signups.count() == 1
    assert mail.outbox[-1].to == [organiser.email] and "désistement" in mail.outbox[-1].subject
    assert client.post(reverse("reserve:mission_withdraw", args=[mission.pk])).status_code == 400
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"reserve.mission_signup", "reserve.mission_withdrawn"} <= actions


@pytest.mark.parametrize("status", [VolunteerStatus.PENDING, VolunteerStatus.SUSPENDED])
def test_only_active_volunteers_sign_up(client, personas, marseille, status):
    make_volunteer(personas["resident"], communes=[marseille], status=status)
    mission = make_mission(personas["metropolis_agent"], commune=marseille)
    client.force_login(personas["resident"])
    response = client.post(reverse("reserve:mission_signup", args=[mission.pk]))
    assert response.status_code == 400
    assert "inscription est validée" in response.content.decode()
    assert not Signup.objects.exists()
    client.force_login(personas["outsider"])  # not a volunteer at all
    assert client.post(reverse("reserve:mission_signup", args=[mission.pk])).status_code == 403


def test_no_signup_to_draft_cancelled_or_started_missions(personas, marseille, volunteer):
    agent = personas["metropolis_agent"]
    for mission in (
        make_mission(agent, commune=marseille, status=MissionStatus.DRAFT),
        make_mission(agent, commune=marseille, status=MissionStatus.CANCELLED),
        make_mission(agent, commune=marseille, in_days=-0.01),
    ):
        with pytest.raises(Exception, match="fermées"):
            services.mission_signup(volunteer=volunteer, mission=mission)


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_respect_capacity_and_once_per_volunteer(territories):
    """30 volunteers sign up at once to a 5-place mission, and one volunteer 10 times at once to
    another: exactly 5 sign-ups and exactly 1."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    from conftest import make_user
    from renouveau.accounts.roles import Role

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every write transaction, so it cannot exercise concurrent "
            "sign-ups; this test runs on PostgreSQL (DATABASE_URL)."
        )
    marseille = Commune.objects.get(insee="13055")
    agent = make_user("organisateur@example.org", roles=[Role.METROPOLIS_AGENT])
    small = make_mission(agent, commune=marseille, capacity=5)
    other = make_mission(agent, commune=marseille, capacity=50)
    volunteers = [
        make_volunteer(make_user(f"r{i}@example.org", commune=marseille), communes=[marseille])
        for i in range(30)
    ]
    jobs = [(v, small) for v in volunteers] + [(volunteers[0], other)] * 10
    barrier = Barrier(20)

    def submit(job):
        volunteer, mission = job
        try:
            barrier.wait(timeout=5)
        except Exception:  # noqa: S110 - the barrier only lines threads up
            pass
        try:
            services.mission_signup(volunteer=volunteer, mission=mission)
            return "ok"
        except Exception as exc:
            return type(exc).__name__
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(submit, jobs))
    assert set(outcomes) <= {"ok", "ValidationError"}, outcomes
    assert Signup.objects.filter(mission=small).count() == 5
    assert Signup.objects.filter(mission=other).count() == 1
    assert outcomes.count("ok") == 6
    small.refresh_from_db()
    assert small.status == MissionStatus.FULL


# ------------------------------------------------------------------ organiser's pages


def test_organiser_sees_contacts_records_attendance_and_cancels(
    client, personas, marseille, volunteer
):
    organiser = personas["commune_agent"]
    mission = make_mission(organiser, commune=marseille, capacity=3)
    services.mission_signup(volunteer=volunteer, mission=mission)
    client.force_login(organiser)
    url = reverse("reserve:mission_signups", args=[mission.pk])
    page = client.get(url).content.decode()
    assert PHONE in page and volunteer.user.email in page
    # a metropolis agent may manage the mission but the contacts are the organiser's
    client.force_login(personas["metropolis_agent"])
    page = client.get(url).content.decode()
    assert volunteer.user.public_name in page and PHONE not in page
    client.force_login(personas["crisis_agent"])
    assert PHONE in client.get(url).content.decode()
    client.force_login(organiser)
    # attendance only once started
    signup = Signup.objects.get()
    response = client.post(url, {"present": [signup.pk]})
    assert (
        response.status_code == 400 and "une fois la mission commencée" in response.content.decode()
    )
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert client.post(url, {"present": [signup.pk]}).status_code == 302
    signup.refresh_from_db()
    assert signup.attended is True
    assert client.post(url, {"present": ["x"]}).status_code == 400
    assert client.post(url, {"present": ["999999"]}).status_code == 400
    # the volunteer sees it in their past missions
    client.force_login(personas["resident"])
    assert "Présent·e" in client.get(reverse("reserve:my_reserve")).content.decode()
    # another resident, and an agent of another commune, may not see the sign-ups
    assert client.get(url).status_code == 403


def test_cancellation_needs_a_reason_and_notifies_signed_up_volunteers(
    client, personas, marseille, volunteer
):
    mission = make_mission(personas["crisis_agent"], commune=marseille)
    services.mission_signup(volunteer=volunteer, mission=mission)
    mail.outbox.clear()
    client.force_login(personas["crisis_agent"])
    url = reverse("reserve:mission_cancel", args=[mission.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Alerte météo rouge"}).status_code == 302
    mission.refresh_from_db()
    assert mission.status == MissionStatus.CANCELLED
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [volunteer.user.email]
    assert "annulée" in mail.outbox[0].subject and "Alerte météo rouge" in mail.outbox[0].body
    assert client.post(url, {"reason": "encore"}).status_code == 400


def test_publish_close_and_edit(client, personas, marseille, volunteer):
    agent = personas["metropolis_agent"]
    mission = make_mission(agent, commune=marseille, status=MissionStatus.DRAFT, capacity=2)
    client.force_login(agent)
    action = reverse("reserve:mission_action", args=[mission.pk])
    assert client.post(action, {"action": "publish"}).status_code == 302
    mission.refresh_from_db()
    assert mission.status == MissionStatus.OPEN
    assert client.post(action, {"action": "explode"}).status_code == 400
    services.mission_signup(volunteer=volunteer, mission=mission)
    edit = reverse("reserve:mission_edit", args=[mission.pk])
    data = _mission_data(marseille, capacity="1")
    data.pop("publish")
    assert client.get(edit).status_code == 200
    assert client.post(edit, data).status_code == 302
    mission.refresh_from_db()
    assert mission.capacity == 1 and mission.status == MissionStatus.FULL
    data["capacity"] = "1"
    Signup.objects.create(
        mission=mission,
        volunteer=make_volunteer(personas["outsider"], communes=[marseille]),
    )
    response = client.post(edit, data)
    assert response.status_code == 400 and "déjà inscrits" in response.content.decode()
    assert client.post(action, {"action": "close"}).status_code == 302
    mission.refresh_from_db()
    assert mission.status == MissionStatus.CLOSED
    client.force_login(personas["resident"])
    assert client.post(action, {"action": "close"}).status_code == 403
    assert client.get(reverse("reserve:mission_manage")).status_code == 403


def test_mission_manage_lists_commune_agent_scope(client, personas, marseille, aix):
    make_mission(personas["metropolis_agent"], commune=marseille, title="À Marseille")
    make_mission(personas["metropolis_agent"], commune=aix, title="À Aix")
    client.force_login(personas["commune_agent"])
    body = client.get(reverse("reserve:mission_manage")).content.decode()
    assert "À Marseille" in body and "À Aix" not in body
    assert client.get(reverse("reserve:mission_manage"), {"status": "x"}).status_code == 400


# ------------------------------------------------------------------ vigie


def _signal_data(commune, **overrides):
    observed = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "category": "flood",
        "commune": str(commune.pk),
        "place": "Pont de la rue de Lyon",
        "description": "Le ruisseau déborde sur la chaussée.",
        "observed_at": observed.strftime("%Y-%m-%dT%H:%M"),
        "urgency": "high",
    }
    data.update(overrides)
    return data


def test_signal_report_page_warns_about_emergencies_and_records(client, personas, marseille):
    resident = personas["resident"]
    client.force_login(resident)
    url = reverse("reserve:signal_create")
    page = client.get(url).content.decode()
    assert "112" in page and "18" in page and "15" in page
    # The urgency radios offer the three levels, no blank « --------- » one.
    assert 'name="urgency" value=""' not in page
    assert page.count('name="urgency"') == len(SignalUrgency.choices)
    response = client.post(url, _signal_data(marseille))
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.reporter == resident and signal.status == SignalStatus.NEW
    assert AuditLog.objects.filter(action="reserve.signal_reported").exists()
    detail = client.get(signal.get_absolute_url())
    assert detail.status_code == 200 and "Pont de la rue de Lyon" in detail.content.decode()
    client.force_login(personas["association_member"])
    assert client.get(signal.get_absolute_url()).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "zombies"}, "Choisissez un type de risque dans la liste."),
        ({"place": ""}, "Indiquez où vous avez fait cette observation."),
        ({"observed_at": "2099-01-01T10:00"}, "ne peut pas être dans le futur"),
        ({"observed_at": "hier"}, "Indiquez une date et une heure valides."),
        ({"urgency": ""}, "Indiquez l&#x27;urgence que vous estimez."),
    ],
)
def test_signal_errors_answer_400(client, personas, marseille, overrides, message):
    client.force_login(personas["resident"])
    response = client.post(reverse("reserve:signal_create"), _signal_data(marseille, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signal.objects.exists()


def test_signal_reports_are_rate_limited(client, personas, marseille):
    client.force_login(personas["resident"])
    url = reverse("reserve:signal_create")
    codes = [client.post(url, _signal_data(marseille)).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert Signal.objects.count() == 5


def test_anonymous_cannot_report(client):
    assert client.get(reverse("reserve:signal_create")).status_code == 302


def test_crisis_cell_triages_with_audit_and_emails(client, personas, marseille):
    resident = personas["resident"]
    signal = make_signal(resident, commune=marseille, urgency="high")
    crisis = personas["crisis_agent"]
    client.force_login(crisis)
    queue = client.get(reverse("reserve:signal_queue"))
    assert queue.status_code == 200 and signal in queue.context["page"].object_list
    url = reverse("reserve:signal_triage", args=[signal.pk])
    assert client.post(url, {"status": "acknowledged"}).status_code == 302
    assert mail.outbox[-1].to == [resident.email]
    assert "Pris en compte" in mail.outbox[-1].subject
    assert client.post(url, {"status": "in_progress", "note": ""}).status_code == 302
    response = client.post(url, {"status": "closed", "note": ""})
    assert response.status_code == 400 and "Indiquez la suite donnée" in response.content.decode()
    response = client.post(url, {"status": "closed", "note": "Les pompiers ont dégagé le pont."})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED and signal.handled_by == crisis
    steps = list(
        AuditLog.objects.filter(action="reserve.signal_triaged")
        .order_by("pk")
        .values_list("data", flat=True)
    )
    assert [s["to"] for s in steps] == ["acknowledged", "in_progress", "closed"]
    assert len(mail.outbox) == 3 and "dégagé le pont" in mail.outbox[-1].body
    # closed is final
    assert client.post(url, {"status": "dismissed", "note": "x"}).status_code == 400
    # the reporter sees the resolution
    client.force_login(resident)
    assert "dégagé le pont" in client.get(signal.get_absolute_url()).content.decode()


def test_duplicates_and_dismissal(client, personas, marseille):
    original = make_signal(personas["resident"], commune=marseille)
    copy = make_signal(personas["association_member"], commune=marseille)
    client.force_login(personas["crisis_agent"])
    url = reverse("reserve:signal_triage", args=[copy.pk])
    assert client.post(url, {"status": "duplicate"}).status_code == 400
    response = client.post(url, {"status": "duplicate", "duplicate_of": "999999"})
    assert "Aucun signalement ne porte ce numéro." in response.content.decode()
    assert client.post(url, {"status": "duplicate", "duplicate_of": copy.pk}).status_code == 400
    assert client.post(url, {"status": "duplicate", "duplicate_of": original.pk}).status_code == 302
    copy.refresh_from_db()
    assert copy.status == SignalStatus.DUPLICATE and copy.duplicate_of == original
    dismiss = reverse("reserve:signal_triage", args=[original.pk])
    assert client.post(dismiss, {"status": "dismissed"}).status_code == 400
    assert client.post(dismiss, {"status": "dismissed", "note": "Rien constaté"}).status_code == 302


def test_only_the_crisis_cell_triages_metropolis_agents_view(client, personas, marseille):
    signal = make_signal(personas["resident"], commune=marseille)
    url = reverse("reserve:signal_triage", args=[signal.pk])
    for name in ("resident", "commune_agent", "moderator", "metropolis_agent"):
        client.force_login(personas[name])
        assert client.post(url, {"status": "acknowledged"}).status_code == 403
    client.force_login(personas["metropolis_agent"])
    assert client.get(reverse("reserve:signal_queue")).status_code == 200
    page = client.get(signal.get_absolute_url()).content.decode()
    assert "Enregistrer et prévenir" not in page
    client.force_login(personas["commune_agent"])
    assert client.get(reverse("reserve:signal_queue")).status_code == 403


def test_signal_queue_is_registered_in_the_moderators_hub(client, personas, marseille):
    from renouveau.core.moderation import queues_for

    make_signal(personas["resident"], commune=marseille)
    make_signal(personas["resident"], commune=marseille, status="closed")
    queues = {q.key: count for q, count in queues_for(personas["crisis_agent"])}
    assert queues["reserve_signals"] == 1
    assert "reserve_signals" not in {q.key for q, _ in queues_for(personas["resident"])}
    client.force_login(personas["crisis_agent"])
    assert reverse("reserve:signal_queue") in client.get("/moderation/").content.decode()


def test_queue_orders_by_urgency_and_filters(client, personas, marseille, aix):
    low = make_signal(personas["resident"], commune=marseille, urgency="low")
    high = make_signal(personas["resident"], commune=aix, urgency="high", category="fire")
    assert list(selectors.signal_queue()) == [high, low]
    client.force_login(personas["crisis_agent"])
    url = reverse("reserve:signal_queue")
    page = client.get(url, {"category": "fire"}).context["page"]
    assert list(page.object_list) == [high]
    page = client.get(url, {"territory": marseille.territory_id}).context["page"]
    assert list(page.object_list) == [low]
    assert client.get(url, {"category": "x"}).status_code == 400


def test_vigie_page_shows_aggregates_only(client, personas, marseille, aix):
    make_signal(personas["resident"], commune=marseille, place="12 rue Secrète", category="flood")
    make_signal(personas["resident"], commune=aix, category="flood")
    make_signal(personas["resident"], commune=aix, category="fire")
    old = make_signal(personas["resident"], commune=aix, category="fire")
    Signal.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    dup = make_signal(personas["resident"], commune=aix, category="fire", status="duplicate")
    assert dup
    response = client.get(reverse("reserve:vigie"))
    body = response.content.decode()
    figures = response.context["figures"]
    assert figures["total"] == 3
    counts = {row["code"]: row["count"] for row in figures["categories"]}
    assert counts["flood"] == 2 and counts["fire"] == 1 and counts["heatwave"] == 0
    by_territory = {row["pk"]: row["count"] for row in figures["territories"]}
    assert by_territory[marseille.territory_id] == 1 + (
        2 if aix.territory_id == marseille.territory_id else 0
    )
    assert "12 rue Secrète" not in body and personas["resident"].public_name not in body
    assert "112" in body
    data = json.loads(client.get(reverse("reserve:vigie_export"), {"format": "json"}).content)
    assert data["total"] == 3 and data["per_category"]["flood"] == 2
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("reserve:vigie_export")).content.decode()))
    )
    assert ["categorie", "flood", "Inondation", "2"] in rows
    assert client.get(reverse("reserve:vigie_export"), {"format": "xml"}).status_code == 400


# ------------------------------------------------------------------ recognition


def test_distinction_is_public_only_with_consent(client, personas, volunteer):
    url = reverse("reserve:volunteer_distinguish", args=[volunteer.pk])
    client.force_login(personas["resident"])
    assert client.post(url, {"citation": "Bravo"}).status_code == 403
    client.force_login(personas["commune_agent"])
    assert client.post(url, {"citation": ""}).status_code == 400
    assert client.post(url, {"citation": "Tournées d'eau pendant la canicule"}).status_code == 302
    assert "citoyen exemplaire" in mail.outbox[-1].subject
    public = reverse("reserve:exemplary")
    assert "Tournées d&#x27;eau" not in client.get(public).content.decode()
    client.force_login(personas["resident"])
    assert client.post(reverse("reserve:consent"), {"recognition_public": "on"}).status_code == 302
    client.logout()
    assert "Tournées d&#x27;eau" in client.get(public).content.decode()
    client.force_login(personas["resident"])
    client.post(reverse("reserve:consent"), {})
    client.logout()
    assert "Tournées d&#x27;eau" not in client.get(public).content.decode()


# ------------------------------------------------------------------ API


def test_api_lists_open_missions_without_personal_data(client, personas, marseille, volunteer):
    agent = personas["metropolis_agent"]
    open_mission = make_mission(agent, commune=marseille, title="Ouverte", skill_codes=["cuisine"])
    make_mission(agent, commune=marseille, title="Brouillon", status=MissionStatus.DRAFT)
    services.mission_signup(volunteer=volunteer, mission=open_mission)
    response = client.get("/api/v1/missions/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["title"] == "Ouverte" and row["places_taken"] == 1
    assert row["commune"]["insee"] == "13055" and row["skills"][0]["code"] == "cuisine"
    assert "organiser" not in row and PHONE not in response.content.decode()
    assert client.get("/api/v1/missions/", {"commune": "13001"}).json()["count"] == 0
    assert client.get("/api/v1/missions/", {"skill": "cuisine"}).json()["count"] == 1
    assert client.get("/api/v1/missions/", {"commune": "00000"}).status_code == 400
    assert client.get(f"/api/v1/missions/{open_mission.pk}/").status_code == 200
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/missions/" in schema


# ------------------------------------------------------------------ RGPD and demo


def test_rgpd_export_and_erasure(personas, marseille, volunteer):
    from renouveau.accounts.services import user_erase, user_export_data

    resident = personas["resident"]
    mission = make_mission(personas["metropolis_agent"], commune=marseille)
    services.mission_signup(volunteer=volunteer, mission=mission)
    signal = make_signal(resident, commune=marseille)
    exported = json.dumps(user_export_data(user=resident), default=str, ensure_ascii=False)
    assert PHONE in exported and mission.title in exported and "Sous le pont" in exported
    user_erase(user=resident)
    volunteer.refresh_from_db()
    signal.refresh_from_db()
    assert volunteer.phone == "" and volunteer.status == VolunteerStatus.LEFT
    assert not volunteer.communes.exists() and not Signup.objects.exists()
    assert signal.reporter is None


def test_demo_data_is_idempotent_and_labelled(client, territories):
    from renouveau.reserve import demo

    first = demo.load()
    assert demo.load() == first
    assert Mission.objects.filter(is_demo=True).count() == 4
    assert not Mission.objects.filter(is_demo=False).exists()
    assert Signal.objects.filter(is_demo=True).count() == 6
    assert Volunteer.objects.filter(is_demo=True, status=VolunteerStatus.ACTIVE).count() == 4
    body = client.get(reverse("reserve:mission_list")).content.decode()
    assert "Démonstration" in body
    assert "Nadia" in client.get(reverse("reserve:exemplary")).content.decode()


def test_public_pages_render(client, territories):
    for name in ("index", "charter", "exemplary", "mission_list", "vigie"):
        response = client.get(reverse(f"reserve:{name}"))
        assert response.status_code == 200, name
        assert response.content.decode().count("<h1") == 1, name


def test_urgent_signals_are_emailed_to_the_crisis_cell(client, personas, marseille):
    client.force_login(personas["resident"])
    url = reverse("reserve:signal_create")
    client.post(url, _signal_data(marseille, urgency="low"))
    assert mail.outbox == []
    client.post(url, _signal_data(marseille, urgency="high"))
    assert [m.to for m in mail.outbox] == [[personas["crisis_agent"].email]]
    assert "signalement urgent" in mail.outbox[0].subject
    assert personas["resident"].email not in mail.outbox[0].body


def test_queue_marks_signals_of_active_volunteers(client, personas, marseille, volunteer):
    make_signal(personas["resident"], commune=marseille)
    make_signal(personas["association_member"], commune=marseille)
    flags = sorted(s.by_volunteer for s in selectors.signal_queue())
    assert flags == [False, True]


def test_lists_answer_htmx_with_the_results_partial(client, personas, marseille):
    make_mission(personas["metropolis_agent"], commune=marseille, title="Partielle")
    response = client.get(reverse("reserve:mission_list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "Partielle" in body
    assert "<h1" not in body and 'id="results"' in body


def test_signal_queue_query_count_does_not_grow(
    client, personas, marseille, django_assert_max_num_queries
):
    for index in range(30):
        make_signal(personas["resident"], commune=marseille, urgency=["low", "high"][index % 2])
    client.force_login(personas["crisis_agent"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reserve:signal_queue"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 20


def test_past_missions_are_closed_daily(personas, marseille):
    from renouveau.reserve.tasks import close_past_missions

    agent = personas["metropolis_agent"]
    past = make_mission(agent, commune=marseille, in_days=-2)
    coming = make_mission(agent, commune=marseille)
    draft = make_mission(agent, commune=marseille, in_days=-2, status=MissionStatus.DRAFT)
    close_past_missions.enqueue()
    for mission in (past, coming, draft):
        mission.refresh_from_db()
    assert (past.status, coming.status, draft.status) == ("closed", "open", "draft")
    assert AuditLog.objects.get(action="reserve.mission_closed").data == {"auto": True}
    assert services.missions_close_past() == 0


def test_reminders_go_once_to_volunteers_of_missions_starting_soon(personas, marseille, volunteer):
    agent = personas["metropolis_agent"]
    tomorrow = make_mission(agent, commune=marseille, in_days=1, title="Demain")
    later = make_mission(agent, commune=marseille, in_days=5, title="Plus tard")
    services.mission_signup(volunteer=volunteer, mission=tomorrow)
    services.mission_signup(volunteer=volunteer, mission=later)
    mail.outbox.clear()
    assert services.mission_reminders_send() == 1
    assert mail.outbox[0].to == [volunteer.user.email]
    assert "Rappel" in mail.outbox[0].subject and "Demain" in mail.outbox[0].subject
    assert services.mission_reminders_send() == 0
    assert len(mail.outbox) == 1


def test_mission_icalendar(client, personas, marseille):
    from renouveau.reserve.ical import fold

    mission = make_mission(
        personas["metropolis_agent"], commune=marseille, title="Eau, ombre; repos"
    )
    response = client.get(reverse("reserve:mission_ical", args=[mission.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:mission-{mission.pk}@reserve.renouveau" in body
    assert "SUMMARY:Eau\\, ombre\\; repos" in body and "STATUS:CONFIRMED" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert fold("é" * 60).split("\r\n")[0] == "é" * 37
    services.mission_cancel(actor=personas["metropolis_agent"], mission=mission, reason="Orage")
    body = client.get(reverse("reserve:mission_ical", args=[mission.pk])).content.decode()
    assert "STATUS:CANCELLED" in body and "ANNULÉE : Orage" in body
    draft = make_mission(personas["metropolis_agent"], commune=marseille, status="draft")
    assert client.get(reverse("reserve:mission_ical", args=[draft.pk])).status_code == 404


# ------------------------------------------------------------------ review: regressions


def test_attendance_with_non_ascii_or_huge_numbers_is_a_400_not_a_500(
    client, personas, marseille, volunteer
):
    organiser = personas["commune_agent"]
    mission = make_mission(organiser, commune=marseille)
    services.mission_signup(volunteer=volunteer, mission=mission)
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(organiser)
    url = reverse("reserve:mission_signups", args=[mission.pk])
    for value in ("²", "٣", "9" * 5000):  # "²".isdigit() is true but int("²") fails
        response = client.post(url, {"present": [value]})
        assert response.status_code == 400, value
        assert "Sélection invalide." in response.content.decode()
    assert Signup.objects.get().attended is None


def test_api_filters_with_a_nul_byte_answer_400(client, territories):
    for params in ({"commune": "13055\x00"}, {"skill": "cuisine\x00"}, {"commune": "x" * 3000}):
        response = client.get("/api/v1/missions/", params)
        assert response.status_code == 400, params
        body = response.json()
        assert "Commune inconnue" in str(body) or "Compétence inconnue" in str(body)


def test_a_signal_cannot_become_a_duplicate_of_itself_through_a_chain(client, personas, marseille):
    first = make_signal(personas["resident"], commune=marseille)
    second = make_signal(personas["association_member"], commune=marseille)
    client.force_login(personas["crisis_agent"])
    url = reverse("reserve:signal_triage", args=[first.pk])
    assert client.post(url, {"status": "duplicate", "duplicate_of": second.pk}).status_code == 302
    # second marked as a duplicate of first, which already points to second: a loop
    url = reverse("reserve:signal_triage", args=[second.pk])
    response = client.post(url, {"status": "duplicate", "duplicate_of": first.pk})
    assert response.status_code == 400
    assert "son propre doublon" in response.content.decode()
    second.refresh_from_db()
    assert second.status == SignalStatus.NEW and second.duplicate_of is None
    # a chain still resolves to its original
    third = make_signal(personas["resident"], commune=marseille)
    url = reverse("reserve:signal_triage", args=[third.pk])
    assert client.post(url, {"status": "duplicate", "duplicate_of": first.pk}).status_code == 302
    third.refresh_from_db()
    assert third.duplicate_of == second


@pytest.mark.parametrize("ending", ["cancel", "close"])
def test_no_withdrawal_from_a_cancelled_or_closed_mission(
    client, personas, marseille, volunteer, ending
):
    organiser = personas["commune_agent"]
    mission = make_mission(organiser, commune=marseille)
    services.mission_signup(volunteer=volunteer, mission=mission)
    if ending == "cancel":
        services.mission_cancel(actor=organiser, mission=mission, reason="Alerte rouge")
    else:
        services.mission_close(actor=organiser, mission=mission)
    mail.outbox.clear()
    client.force_login(volunteer.user)
    page = client.get(mission.get_absolute_url()).content.decode()
    assert "Me désinscrire" not in page
    response = client.post(reverse("reserve:mission_withdraw", args=[mission.pk]))
    assert response.status_code == 400
    assert "annulée ou terminée" in response.content.decode()
    assert Signup.objects.filter(mission=mission, volunteer=volunteer).exists()
    assert mail.outbox == []  # the organiser gets no "désistement" e-mail


def test_csv_export_dates_are_in_paris_time(client, personas, volunteer):
    # 23:30 UTC on 31 December is already 1 January in Paris
    Volunteer.objects.filter(pk=volunteer.pk).update(
        created_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    )
    client.force_login(personas["metropolis_agent"])
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("reserve:volunteer_export")).content.decode()))
    )
    assert rows[1][rows[0].index("inscrit_le")] == "2026-01-01"


def test_changes_shown_on_the_public_exemplary_page_refresh_the_page_cache(
    personas, marseille, aix, volunteer
):
    from django.core.cache import cache

    from renouveau.core.middleware import AnonymousPageCacheMiddleware

    def generation():
        return cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) or 0

    services.volunteer_distinguish(
        actor=personas["metropolis_agent"], volunteer=volunteer, citation="Toujours là."
    )
    services.volunteer_recognition_consent(volunteer=volunteer, public=True)
    before = generation()
    services.volunteer_update(volunteer=volunteer, data={"communes": [aix], "phone": PHONE})
    assert generation() > before  # the page lists the communes
    before = generation()
    services.volunteer_distinguish(
        actor=personas["metropolis_agent"], volunteer=volunteer, citation="Nouvelle citation."
    )
    assert generation() > before  # and the citation


def test_rgpd_export_has_the_suspension_reason_and_distinction(personas, volunteer):
    services.volunteer_distinguish(
        actor=personas["metropolis_agent"], volunteer=volunteer, citation="Toujours là."
    )
    services.volunteer_set_status(
        actor=personas["metropolis_agent"],
        volunteer=volunteer,
        status=VolunteerStatus.SUSPENDED,
        reason="Absences répétées",
    )
    data = services.personal_data(user=volunteer.user)["volunteer"]
    assert data["status_reason"] == "Absences répétées"
    assert data["distinguished_at"] and data["citation"] == "Toujours là."


def test_a_new_or_removed_distinction_needs_a_new_consent(client, personas, volunteer):
    agent = personas["metropolis_agent"]
    services.volunteer_distinguish(actor=agent, volunteer=volunteer, citation="Toujours là.")
    services.volunteer_recognition_consent(volunteer=volunteer, public=True)
    public = reverse("reserve:exemplary")
    assert "Toujours là." in client.get(public).content.decode()
    # an agent rewrites the citation: it is not published under the person's name unasked
    services.volunteer_distinguish(actor=agent, volunteer=volunteer, citation="Texte imposé.")
    assert "Texte imposé." not in client.get(public).content.decode()
    services.volunteer_recognition_consent(volunteer=volunteer, public=True)
    # removed then given again: the earlier consent does not carry over
    services.volunteer_undistinguish(actor=agent, volunteer=volunteer)
    services.volunteer_distinguish(actor=agent, volunteer=volunteer, citation="Plus tard.")
    volunteer.refresh_from_db()
    assert volunteer.recognition_public is False
    assert "Plus tard." not in client.get(public).content.decode()


def test_erasure_removes_the_name_from_the_volunteer_audit_lines(personas, volunteer):
    from renouveau.accounts.services import user_erase

    name = volunteer.user.public_name
    services.volunteer_set_status(
        actor=personas["metropolis_agent"],
        volunteer=volunteer,
        status=VolunteerStatus.SUSPENDED,
        reason="Absences",
    )
    assert AuditLog.objects.filter(object_repr=name).exists()
    user_erase(user=volunteer.user)
    lines = AuditLog.objects.filter(action__startswith="reserve.volunteer_")
    assert {line.action for line in lines} >= {
        "reserve.volunteer_status_changed",
        "reserve.volunteer_erased",
    }
    assert all(
        line.object_repr == f"Réserviste n° {volunteer.pk} (compte supprimé)" for line in lines
    )


def test_triage_errors_are_tied_to_their_fields(client, personas, marseille):
    signal = make_signal(personas["resident"], commune=marseille)
    client.force_login(personas["crisis_agent"])
    url = reverse("reserve:signal_triage", args=[signal.pk])
    page = client.post(url, {"status": "bogus"}).content.decode()
    assert 'aria-describedby="id_status_error"' in page and 'id="id_status_error"' in page
    assert "Cette étape n&#x27;existe pas." in page
    page = client.post(url, {"status": "closed"}).content.decode()
    assert 'aria-describedby="id_note_error"' in page and 'id="id_note_error"' in page


def test_an_organiser_who_is_no_longer_an_agent_loses_the_mission(
    client, personas, marseille, volunteer
):
    from renouveau.accounts.roles import Role

    organiser = personas["commune_agent"]
    mission = make_mission(organiser, commune=marseille)
    services.mission_signup(volunteer=volunteer, mission=mission)
    organiser.groups.remove(*organiser.groups.filter(name=Role.COMMUNE_AGENT.value))
    organiser.agent_communes.clear()
    organiser = type(organiser).objects.get(pk=organiser.pk)  # fresh role cache
    client.force_login(organiser)
    response = client.get(reverse("reserve:mission_signups", args=[mission.pk]))
    assert response.status_code == 403 and PHONE not in response.content.decode()
    assert not organiser.has_perm("reserve.change_mission", mission)


def test_a_forged_huge_commune_id_is_a_400_on_every_database(client, resident):
    """A 30-digit id in a multiple choice: PostgreSQL finds nothing, SQLite overflows; both 400."""
    client.force_login(resident)
    response = client.post(
        reverse("reserve:enrol"), {"communes": ["1" + "0" * 29], "charter": "on"}
    )
    assert response.status_code == 400


def test_reporter_email_only_for_the_crisis_cell(client, personas, marseille):
    """Metropolis agents may read signals, but the reporter's e-mail is for the crisis cell."""
    resident = personas["resident"]
    client.force_login(resident)
    client.post(reverse("reserve:signal_create"), _signal_data(marseille))
    signal = Signal.objects.get()
    client.force_login(personas["metropolis_agent"])
    page = client.get(signal.get_absolute_url()).content.decode()
    assert resident.public_name in page and resident.email not in page
    client.force_login(personas["crisis_agent"])
    assert resident.email in client.get(signal.get_absolute_url()).content.decode()
