"""Meetings: waiting list, reminders the day before, and the notice of a moved meeting whatever
the agent's path (public form or back office)."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from renouveau.core.models import AuditLog
from renouveau.governance import services
from renouveau.governance.models import Body, Meeting, Place, Registration, WaitlistEntry

from .test_governance import CONVENTION, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(plan):
    services.reference_load()
    return Body.objects.get(code=CONVENTION)


@pytest.fixture
def house(marseille):
    return Place.objects.create(
        name="Maison du Projet",
        kind="project_house",
        commune=marseille,
        address="1 rue A",
        accessibility="Entrée de plain-pied, boucle magnétique à l'accueil.",
    )


def _text(response) -> str:
    """The page's text with HTML entities decoded (apostrophes are escaped in variables)."""
    return html.unescape(response.content.decode())


def _page(client, meeting) -> str:
    return _text(client.get(reverse("governance:meeting", args=[meeting.pk])))


def _join(client, meeting):
    return client.post(reverse("governance:meeting_waitlist_join", args=[meeting.pk]))


def _edit_form(meeting, **changes) -> dict:
    form = {
        "body": meeting.body_id or "",
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place_id or "",
        "location": meeting.location,
        "agenda": meeting.agenda,
        "is_public": "on" if meeting.is_public else "",
        "capacity": "" if meeting.capacity is None else str(meeting.capacity),
    }
    return {**form, **changes}


# Waiting list --------------------------------------------------------------------------------


def test_a_full_meeting_offers_its_waiting_list_with_the_position(client, personas, convention):
    meeting = make_meeting(convention, capacity=1)
    anonymous_page = _page(client, meeting)
    assert "M'inscrire sur la liste d" not in anonymous_page
    services.registration_create(user=personas["elected"], meeting=meeting)
    assert "Connectez-vous pour rejoindre la liste d'attente" in _page(client, meeting)

    client.force_login(personas["resident"])
    page = _page(client, meeting)
    assert "La réunion est complète." in page and "M'inscrire sur la liste d'attente" in page
    assert _join(client, meeting).status_code == 302
    page = _page(client, meeting)
    assert "position 1 sur 1" in page and "Quitter la liste d'attente" in page
    assert "1 personne en liste d'attente" in page
    assert _join(client, meeting).status_code == 302  # a second click: still once
    assert WaitlistEntry.objects.filter(meeting=meeting).count() == 1

    client.force_login(personas["outsider"])
    _join(client, meeting)
    assert "position 2 sur 2" in _page(client, meeting)
    # Registering directly is refused while people wait (400 with the reason, not a 500).
    client.force_login(personas["association_member"])
    response = client.post(reverse("governance:meeting_register", args=[meeting.pk]))
    assert response.status_code == 400 and "La réunion est complète." in response.content.decode()

    client.force_login(personas["resident"])
    client.post(reverse("governance:meeting_waitlist_leave", args=[meeting.pk]))
    assert not WaitlistEntry.objects.filter(user=personas["resident"]).exists()
    client.force_login(personas["outsider"])
    assert "position 1 sur 1" in _page(client, meeting)
    assert list(
        AuditLog.objects.filter(action__startswith="governance.waitlist")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["governance.waitlist_joined"] * 2 + ["governance.waitlist_left"]
    mine = _text(client.get(reverse("governance:my_space")))
    assert "position 1 sur la liste d'attente" in mine


def test_the_waiting_list_is_only_for_a_full_meeting_that_takes_registrations(
    client, personas, convention
):
    client.force_login(personas["resident"])
    open_seats = make_meeting(convention, capacity=3)
    response = _join(client, open_seats)
    assert response.status_code == 400
    assert "Il reste des places : inscrivez-vous directement." in _text(response)
    for meeting in (make_meeting(convention, public=False), make_meeting(convention, days=-2)):
        response = _join(client, meeting)
        assert response.status_code == 400
        assert "ne prend pas d'inscriptions" in _text(response)
    registered = make_meeting(convention, capacity=1)
    services.registration_create(user=personas["resident"], meeting=registered)
    with pytest.raises(ValidationError) as exc:
        services.waitlist_join(user=personas["resident"], meeting=registered)
    assert exc.value.code == "already"
    assert not WaitlistEntry.objects.exists()
    assert client.get(reverse("governance:meeting_waitlist_join", args=[1])).status_code == 405
    client.logout()
    response = _join(client, registered)
    assert response.status_code == 302 and "/compte/" in response["Location"]
    assert client.post(reverse("governance:meeting_waitlist_join", args=[999999])).status_code in (
        302,
        404,
    )


def test_a_freed_seat_goes_to_the_first_person_waiting_who_is_emailed(
    client, personas, convention, django_capture_on_commit_callbacks
):
    meeting = make_meeting(convention, capacity=1)
    services.registration_create(user=personas["elected"], meeting=meeting)
    services.waitlist_join(user=personas["resident"], meeting=meeting)
    services.waitlist_join(user=personas["outsider"], meeting=meeting)
    mail.outbox.clear()
    client.force_login(personas["elected"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("governance:meeting_unregister", args=[meeting.pk]))
    registration = Registration.objects.get(meeting=meeting)
    assert registration.user == personas["resident"] and registration.from_waitlist
    assert [m.to for m in mail.outbox] == [[personas["resident"].email]]
    assert "Une place s'est libérée" in mail.outbox[0].subject
    assert reverse("governance:meeting_ics", args=[meeting.pk]) in mail.outbox[0].body
    assert list(meeting.waitlist.values_list("user", flat=True)) == [personas["outsider"].pk]
    promoted = AuditLog.objects.get(action="governance.waitlist_promoted")
    assert promoted.data == {"user": personas["resident"].pk}

    # The organiser raises the capacity: the next person waiting gets the new seat, and the
    # seat after that is open to anyone.
    mail.outbox.clear()
    client.force_login(personas["metropolis_agent"])
    url = reverse("governance:meeting_edit", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, _edit_form(meeting, capacity="3")).status_code == 302
    assert [m.to for m in mail.outbox] == [[personas["outsider"].email]]
    assert set(meeting.registrations.values_list("user", flat=True)) == {
        personas["resident"].pk,
        personas["outsider"].pk,
    }
    assert not meeting.waitlist.exists()
    services.registration_create(user=personas["association_member"], meeting=meeting)
    # Closing registrations while people are registered stays refused.
    response = client.post(url, _edit_form(meeting, capacity=""))
    assert response.status_code == 400


def test_organisers_see_the_waiting_list_on_the_page_and_in_the_csv(
    client, personas, convention, house
):
    meeting = make_meeting(convention, capacity=1, place=house)
    services.registration_create(user=personas["elected"], meeting=meeting)
    services.waitlist_join(user=personas["resident"], meeting=meeting)
    url = reverse("governance:meeting_registrants", args=[meeting.pk])
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "csv"}).status_code == 403
    client.force_login(personas["commune_agent"])
    page = _text(client.get(url))
    assert "Liste d'attente" in page and "Awa" in page
    assert "1 personne en liste d'attente" in page
    csv_text = client.get(url, {"format": "csv"}).content.decode()
    lines = csv_text.splitlines()
    assert lines[0] == "\ufeffNom;E-mail;Commune;Inscrit·e le;Statut"
    assert lines[1].endswith(";inscrit·e")
    assert lines[2].startswith("Awa;habitante@example.org;Marseille;")
    assert lines[2].endswith(";liste d'attente, rang 1")
    log = AuditLog.objects.get(action="governance.registrants_exported")
    assert log.data == {"count": 1, "waiting": 1}


def test_cancelling_the_meeting_tells_the_waiting_people_too(
    client, personas, convention, django_capture_on_commit_callbacks
):
    meeting = make_meeting(convention, capacity=1)
    services.registration_create(user=personas["elected"], meeting=meeting)
    services.waitlist_join(user=personas["resident"], meeting=meeting)
    mail.outbox.clear()
    client.force_login(personas["metropolis_agent"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("governance:meeting_cancel", args=[meeting.pk]), {"reason": "Salle inondée"}
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {personas["elected"].email, personas["resident"].email}
    assert all("Salle inondée" in m.body for m in mail.outbox)
    assert "sur la liste d'attente" in by_address[personas["resident"].email].body
    assert "à laquelle vous étiez inscrit·e" in by_address[personas["elected"].email].body
    assert not meeting.waitlist.exists()  # nobody waits for a cancelled meeting
    assert Registration.objects.filter(meeting=meeting).count() == 1  # its record stays


def test_erasure_removes_the_person_from_waiting_lists_and_frees_their_seat(
    personas, convention, django_capture_on_commit_callbacks
):
    from renouveau.accounts.services import user_erase
    from renouveau.accounts.signals import personal_data_requested

    full = make_meeting(convention, capacity=1)
    other = make_meeting(convention, capacity=1, title="Autre séance")
    resident = personas["resident"]
    services.registration_create(user=resident, meeting=full)
    services.waitlist_join(user=personas["outsider"], meeting=full)
    services.registration_create(user=personas["elected"], meeting=other)
    services.waitlist_join(user=resident, meeting=other)
    sections = dict(r for _f, r in personal_data_requested.send(sender=None, user=resident) if r)
    assert sections["governance"]["meeting_waitlist"][0]["meeting"] == "Autre séance"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=resident)
    assert not WaitlistEntry.objects.filter(user=resident).exists()
    assert not Registration.objects.filter(user=resident).exists()
    assert list(full.registrations.values_list("user", flat=True)) == [personas["outsider"].pk]
    assert [m.to for m in mail.outbox] == [[personas["outsider"].email]]


# Reminders -----------------------------------------------------------------------------------


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2030, 3, day, hour, minute))


def test_registrants_are_reminded_the_day_before_once(
    personas, convention, house, django_capture_on_commit_callbacks
):
    def meeting(start, **extra):
        return Meeting.objects.create(
            body=convention,
            title=extra.pop("title", "Séance"),
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            place=house,
            agenda="Ordre du jour",
            is_public=True,
            capacity=10,
            **extra,
        )

    tomorrow = meeting(_at(11, 18), title="Demain soir")
    later = meeting(_at(13, 18), title="Dans trois jours")
    cancelled = meeting(_at(11, 9), title="Annulée")
    for user in (personas["resident"], personas["elected"]):
        services.registration_create(user=user, meeting=tomorrow)
    services.registration_create(user=personas["outsider"], meeting=later)
    services.registration_create(user=personas["outsider"], meeting=cancelled)
    services.meeting_cancel(actor=None, meeting=cancelled, reason="Annulée")
    mail.outbox.clear()

    now = _at(10, 8)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_reminders_send(now=now) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas["resident"].email, personas["elected"].email]
    )
    message = mail.outbox[0]
    assert message.subject.startswith("Rappel : Demain soir")
    assert "lundi 11 mars 2030 à 18:00" in message.body
    assert "Maison du Projet, 1 rue A, Marseille" in message.body
    assert "Accès : Entrée de plain-pied, boucle magnétique" in message.body
    assert reverse("governance:meeting_ics", args=[tomorrow.pk]) in message.body
    assert set(tomorrow.registrations.values_list("reminded_at", flat=True)) == {now}
    log = AuditLog.objects.get(action="governance.reminders_sent")
    assert log.object_id == str(tomorrow.pk) and log.data == {"count": 2}

    # The job runs again (same day, or a second worker): nothing more is sent.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_reminders_send(now=now + datetime.timedelta(hours=1)) == 0
    assert mail.outbox == []
    # Someone registered after the run is reminded by the next one, alone.
    services.registration_create(user=personas["association_member"], meeting=tomorrow)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_reminders_send(now=_at(11, 8)) == 1
    assert [m.to for m in mail.outbox] == [[personas["association_member"].email]]
    # Two days ahead the next meeting is reminded.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_reminders_send(now=_at(12, 8)) == 1
    assert [m.to for m in mail.outbox] == [[personas["outsider"].email]]


def test_the_reminder_task_runs_the_service(personas, convention):
    from renouveau.governance.tasks import send_meeting_reminders

    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    meeting = make_meeting(convention, capacity=5)
    meeting.starts_at = start + datetime.timedelta(days=1)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=1)
    meeting.save()
    Registration.objects.create(meeting=meeting, user=personas["resident"])
    result = send_meeting_reminders.enqueue()
    assert result.return_value == 1
    assert Registration.objects.get().reminded_at is not None


# A moved meeting, whatever the path ---------------------------------------------------------


def test_a_meeting_moved_in_the_back_office_tells_registrants_and_waiting_people(
    client, personas, convention, house, django_capture_on_commit_callbacks
):
    admin = personas["administrator"]
    admin.is_superuser = True
    admin.save()
    meeting = make_meeting(convention, capacity=1, place=house)
    services.registration_create(user=personas["elected"], meeting=meeting)
    services.waitlist_join(user=personas["resident"], meeting=meeting)
    mail.outbox.clear()
    client.force_login(admin)
    url = f"/back-office/governance/meeting/{meeting.pk}/change/"
    assert client.get(url).status_code == 200
    later = timezone.localtime(meeting.starts_at + datetime.timedelta(days=2))

    def form(**changes):
        data = {
            "body": meeting.body_id,
            "title": meeting.title,
            "starts_at_0": later.strftime("%Y-%m-%d"),
            "starts_at_1": later.strftime("%H:%M:%S"),
            # The end's own date: two hours after a start past 22:00 is the next day.
            "ends_at_0": (later + datetime.timedelta(hours=2)).strftime("%Y-%m-%d"),
            "ends_at_1": (later + datetime.timedelta(hours=2)).strftime("%H:%M:%S"),
            "place": house.pk,
            "location": "",
            "agenda": meeting.agenda,
            "is_public": "on",
            "capacity": "1",
            "minutes": "",
        }
        return {**data, **changes}

    # Bad edits get the form's errors (200 with the admin's error list), not a 500.
    response = client.post(url, form(capacity=""))
    assert response.status_code == 200 and "annulez la réunion" in response.content.decode()
    response = client.post(url, form(capacity="0"))
    assert (
        response.status_code == 200 and "ne peut pas être plus petite" in response.content.decode()
    )
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {personas["elected"].email, personas["resident"].email}
    assert all("Réunion modifiée" in m.subject for m in mail.outbox)
    assert (
        "pour laquelle vous êtes sur la liste d'attente"
        in by_address[personas["resident"].email].body
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == later and meeting.sequence == 1
    log = AuditLog.objects.get(action="governance.meeting_updated")
    assert log.actor == admin and log.data["via"] == "admin" and "starts_at" in log.data

    # An agenda edit tells nobody; deleting a meeting with registrants is refused (cancel it).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form(agenda="Ordre du jour complété"))
    assert mail.outbox == []
    assert client.get(f"/back-office/governance/meeting/{meeting.pk}/delete/").status_code == 403
    # Adding a meeting in the back office goes through the service too (audited, author set).
    response = client.post(
        "/back-office/governance/meeting/add/", {**form(title="Nouvelle séance"), "capacity": "5"}
    )
    assert response.status_code == 302
    created = Meeting.objects.get(title="Nouvelle séance")
    assert created.created_by == admin
    assert AuditLog.objects.filter(
        action="governance.meeting_created", object_id=str(created.pk)
    ).exists()


def test_the_public_form_tells_waiting_people_of_a_new_place(
    client, personas, convention, house, django_capture_on_commit_callbacks
):
    meeting = make_meeting(convention, capacity=1, place=house)
    services.registration_create(user=personas["elected"], meeting=meeting)
    services.waitlist_join(user=personas["resident"], meeting=meeting)
    mail.outbox.clear()
    client.force_login(personas["metropolis_agent"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("governance:meeting_edit", args=[meeting.pk]),
            _edit_form(meeting, place="", location="Gymnase Vallier, Marseille"),
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas["elected"].email, personas["resident"].email]
    )
    assert all("Gymnase Vallier" in m.body for m in mail.outbox)


# Concurrency (PostgreSQL) --------------------------------------------------------------------


def _threads(jobs, run, workers=16):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    barrier = Barrier(min(workers, len(jobs)))

    def call(job):
        try:
            barrier.wait(timeout=5)
        except Exception:  # noqa: S110 - the barrier only lines threads up
            pass
        try:
            return run(job)
        except ValidationError as exc:
            return exc.code or "refused"
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(call, jobs))


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waiting_person_exactly_once(
    plan, personas, marseille
):
    """10 registrants cancel at once (each twice) while the organiser raises the capacity from
    10 to 12, 5 people join the waiting list and 5 try to register: the first 12 waiting get
    the 12 seats, each once, e-mailed once; the others keep their order."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; this test runs on PostgreSQL (DATABASE_URL).")
    services.reference_load()
    meeting = make_meeting(Body.objects.get(code=CONVENTION), capacity=10)
    registrants = [make_user(f"inscrit{n}@example.org", commune=marseille) for n in range(10)]
    waiting = [make_user(f"attente{n}@example.org", commune=marseille) for n in range(15)]
    joiners = [make_user(f"nouveau{n}@example.org", commune=marseille) for n in range(5)]
    direct = [make_user(f"direct{n}@example.org", commune=marseille) for n in range(5)]
    for user in registrants:
        services.registration_create(user=user, meeting=meeting)
    for user in waiting:
        services.waitlist_join(user=user, meeting=meeting)
    mail.outbox.clear()
    edit = {
        name: getattr(meeting, name)
        for name in ("body", "title", "starts_at", "ends_at", "place", "location", "agenda")
    }
    edit.update(is_public=True, capacity=12)

    def run(job):
        kind, user = job
        if kind == "cancel":
            services.registration_cancel(user=user, meeting=meeting)
        elif kind == "join":
            services.waitlist_join(user=user, meeting=meeting)
        elif kind == "register":
            services.registration_create(user=user, meeting=meeting)
        else:
            services.meeting_update(actor=personas["metropolis_agent"], meeting=meeting, data=edit)
        return f"{kind}:ok"

    jobs = [("cancel", u) for u in registrants for _twice in range(2)]
    jobs += [("join", u) for u in joiners] + [("register", u) for u in direct]
    jobs.insert(7, ("edit", None))
    outcomes = _threads(jobs, run)
    assert outcomes.count("cancel:ok") == 10, outcomes
    assert outcomes.count("edit:ok") == 1 and outcomes.count("join:ok") == 5, outcomes
    assert outcomes.count("full") == 5, outcomes  # people wait: no direct registration
    assert set(outcomes) <= {"cancel:ok", "edit:ok", "join:ok", "full", "refused"}, outcomes

    seated = set(Registration.objects.filter(meeting=meeting).values_list("user", flat=True))
    assert seated == {u.pk for u in waiting[:12]}
    assert Registration.objects.filter(meeting=meeting, from_waitlist=True).count() == 12
    still = list(WaitlistEntry.objects.filter(meeting=meeting).order_by("id"))
    assert [e.user_id for e in still[:3]] == [u.pk for u in waiting[12:]]
    assert {e.user_id for e in still[3:]} == {u.pk for u in joiners}
    assert AuditLog.objects.filter(action="governance.waitlist_promoted").count() == 12
    promoted_mail = [m.to[0] for m in mail.outbox if "Une place s'est libérée" in m.subject]
    assert sorted(promoted_mail) == sorted(u.email for u in waiting[:12])


@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_send_each_reminder_once(plan, personas, marseille):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; this test runs on PostgreSQL (DATABASE_URL).")
    services.reference_load()
    body = Body.objects.get(code=CONVENTION)
    meetings = []
    for n in range(3):
        start = _at(11, 10 + n)
        meetings.append(
            Meeting.objects.create(
                body=body,
                title=f"Séance {n}",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
                location="Salle du conseil",
                agenda="x",
                capacity=20,
            )
        )
    users = [make_user(f"r{n}@example.org", commune=marseille) for n in range(30)]
    for index, user in enumerate(users):
        Registration.objects.create(meeting=meetings[index % 3], user=user)
    mail.outbox.clear()
    outcomes = _threads(list(range(8)), lambda _n: services.meeting_reminders_send(now=_at(10, 8)))
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 30, outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert not Registration.objects.filter(reminded_at__isnull=True).exists()
    assert AuditLog.objects.filter(action="governance.reminders_sent").count() == 3


def test_joining_the_waiting_list_is_confirmed_by_email_with_the_position(
    personas, convention, django_capture_on_commit_callbacks
):
    meeting = make_meeting(convention, capacity=1)
    services.registration_create(user=personas["elected"], meeting=meeting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.waitlist_join(user=personas["resident"], meeting=meeting)
        services.waitlist_join(user=personas["outsider"], meeting=meeting)
    first, second = mail.outbox
    assert first.to == [personas["resident"].email] and second.to == [personas["outsider"].email]
    assert first.subject == f"Liste d'attente : {meeting.title}"
    assert "vous êtes n° 1 sur sa liste d'attente" in first.body
    assert "vous êtes n° 2 sur sa liste d'attente" in second.body
    assert reverse("governance:meeting", args=[meeting.pk]) in second.body
    # Refused (already waiting): no second e-mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.waitlist_join(user=personas["resident"], meeting=meeting)
    assert mail.outbox == []
