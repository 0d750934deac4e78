"""Writes of the citizen reserve. Each service is one transaction that writes its audit line;
e-mails are enqueued on commit."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.accounts.roles import Role
from renouveau.core.emails import choice_label, email_enqueue
from renouveau.core.models import AuditLog
from renouveau.core.services import log_action

from .models import (
    CHARTER_VERSION,
    SIGNAL_TRANSITIONS,
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

SKILLS_FILE = Path(__file__).resolve().parent / "data" / "skills.json"


def _mission_context(mission: Mission) -> dict[str, Any]:
    """What every e-mail about a mission says of it."""
    return {
        "title": mission.title,
        "starts_at": mission.starts_at,
        "ends_at": mission.ends_at,
        "place": mission.place,
        "commune": mission.commune.name,
        "mission_id": mission.pk,
    }


def _notify(*, to: str, template: str, context: dict[str, Any]) -> None:
    if not to:
        return
    site = settings.SITE_URL
    transaction.on_commit(
        lambda: email_enqueue(
            to=to, template=f"reserve/emails/{template}", context={**context, "site": site}
        )
    )


# ------------------------------------------------------------------ reference data


@transaction.atomic
def skills_load(*, path: Path = SKILLS_FILE) -> tuple[int, int]:
    """Create or update the skills of the versioned file (idempotent); returns (created, updated)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = updated = 0
    for order, row in enumerate(data["skills"]):
        _skill, was_created = Skill.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "order": order,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated


# ------------------------------------------------------------------ volunteers

PROFILE_FIELDS = (
    "available_weekdays",
    "available_evenings",
    "available_weekends",
    "availability_note",
    "phone",
)


@transaction.atomic
def volunteer_enrol(*, user, data: dict[str, Any]) -> Volunteer:
    """Enrol ``user`` in the reserve (pending until an agent validates). A person who left may
    enrol again; anyone else already enrolled is refused."""
    if not data.get("communes"):
        raise ValidationError({"communes": _("Choisissez au moins une commune.")})
    if not data.get("accept_charter"):
        raise ValidationError({"accept_charter": _("Vous devez accepter la charte de la réserve.")})
    now = timezone.now()
    existing = Volunteer.objects.select_for_update().filter(user=user).first()
    if existing is not None and existing.status != VolunteerStatus.LEFT:
        raise ValidationError(_("Vous êtes déjà inscrit·e dans la réserve citoyenne."))
    volunteer = existing or Volunteer(user=user)
    for name in PROFILE_FIELDS:
        setattr(
            volunteer,
            name,
            data.get(name) or ("" if name in ("availability_note", "phone") else False),
        )
    volunteer.charter_version = CHARTER_VERSION
    volunteer.charter_accepted_at = now
    volunteer.status = VolunteerStatus.PENDING
    volunteer.status_reason = ""
    volunteer.status_changed_at = now
    volunteer.validated_by = None
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:  # a double submission raced us
        raise ValidationError(_("Vous êtes déjà inscrit·e dans la réserve citoyenne.")) from exc
    volunteer.communes.set(data["communes"])
    volunteer.skills.set(data.get("skills") or [])
    log_action(
        actor=user,
        action="reserve.volunteer_enrolled",
        obj=volunteer,
        data={"communes": [c.pk for c in data["communes"]], "charter": CHARTER_VERSION},
        public_change=False,
    )
    _notify(to=user.email, template="enrolled", context={"name": user.public_name})
    return volunteer


def _is_shown_publicly(volunteer: Volunteer) -> bool:
    """On the public « citoyens exemplaires » page (anonymous page cache to refresh)."""
    return bool(
        volunteer.distinguished_at
        and volunteer.recognition_public
        and volunteer.status == VolunteerStatus.ACTIVE
    )


@transaction.atomic
def volunteer_update(*, volunteer: Volunteer, data: dict[str, Any]) -> Volunteer:
    if not data.get("communes"):
        raise ValidationError({"communes": _("Choisissez au moins une commune.")})
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(volunteer, name, data[name])
    volunteer.save()
    volunteer.communes.set(data["communes"])
    volunteer.skills.set(data.get("skills") or [])
    log_action(
        actor=volunteer.user,
        action="reserve.volunteer_updated",
        obj=volunteer,
        data={"communes": [c.pk for c in data["communes"]]},
        # The public « citoyens exemplaires » page shows the communes: refresh its cache.
        public_change=_is_shown_publicly(volunteer),
    )
    return volunteer


# Which status an agent may set from which status.
VOLUNTEER_TRANSITIONS = {
    VolunteerStatus.PENDING: (VolunteerStatus.ACTIVE, VolunteerStatus.SUSPENDED),
    VolunteerStatus.ACTIVE: (VolunteerStatus.SUSPENDED,),
    VolunteerStatus.SUSPENDED: (VolunteerStatus.ACTIVE,),
    VolunteerStatus.LEFT: (),
}


def _withdraw_future_signups(volunteer: Volunteer, *, actor=None, cause: str) -> list[Mission]:
    """Remove the volunteer's sign-ups to missions not started yet and reopen full missions.
    Each withdrawal is audited on its mission (``reserve.mission_withdrawn`` with the cause:
    ``suspended``, ``left`` or ``erased``) and its organiser is told a place is free (without
    the person's name once their account is erased)."""
    signups = list(
        Signup.objects.filter(
            volunteer=volunteer,
            mission__starts_at__gt=timezone.now(),
            mission__status__in=[MissionStatus.OPEN, MissionStatus.FULL],
        ).select_related("mission")
    )
    withdrawn = []
    for signup in signups:
        mission = (
            Mission.objects.select_for_update(of=("self",))
            .select_related("organiser", "commune")
            .get(pk=signup.mission_id)
        )
        signup.delete()
        if mission.status == MissionStatus.FULL:
            mission.status = MissionStatus.OPEN
            mission.save(update_fields=["status", "updated_at"])
        log_action(
            actor=actor,
            action="reserve.mission_withdrawn",
            obj=mission,
            data={"volunteer": volunteer.pk, "cause": cause},
        )
        organiser = mission.organiser
        if organiser.is_active and not organiser.erased_at:
            _notify(
                to=organiser.email,
                template="withdrawn_by_reserve",
                context={
                    "title": mission.title,
                    "mission_id": mission.pk,
                    "starts_at": mission.starts_at,
                    "name": "" if cause == "erased" else volunteer.user.public_name,
                    "cause": cause,
                },
            )
        withdrawn.append(mission)
    return withdrawn


@transaction.atomic
def volunteer_set_status(
    *, actor, volunteer: Volunteer, status: str, reason: str = ""
) -> Volunteer:
    if not actor.has_perm("reserve.validate_volunteer", volunteer):
        raise PermissionDenied
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    if status not in VOLUNTEER_TRANSITIONS.get(volunteer.status, ()):
        raise ValidationError(
            _("Ce changement de statut n'est pas possible depuis « %(status)s ».")
            % {"status": volunteer.get_status_display()}
        )
    if status == VolunteerStatus.SUSPENDED and not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la suspension.")})
    previous = volunteer.status
    volunteer.status = status
    volunteer.status_reason = reason.strip()
    volunteer.status_changed_at = timezone.now()
    if status == VolunteerStatus.ACTIVE:
        volunteer.validated_by = actor
    volunteer.save()
    withdrawn = (
        _withdraw_future_signups(volunteer, actor=actor, cause="suspended")
        if status == VolunteerStatus.SUSPENDED
        else []
    )
    log_action(
        actor=actor,
        action="reserve.volunteer_status_changed",
        obj=volunteer,
        data={
            "from": previous,
            "to": status,
            "reason": volunteer.status_reason,
            "withdrawn": [m.pk for m in withdrawn],
        },
    )
    _notify(
        to=volunteer.user.email,
        template="activated" if status == VolunteerStatus.ACTIVE else "suspended",
        context={
            "name": volunteer.user.public_name,
            "reason": volunteer.status_reason,
            "missions": [
                {"title": m.title, "starts_at": m.starts_at, "commune": m.commune.name}
                for m in withdrawn
            ],
        },
    )
    return volunteer


def _volunteer_scrub(volunteer: Volunteer) -> None:
    volunteer.phone = ""
    volunteer.availability_note = ""
    volunteer.available_weekdays = volunteer.available_evenings = False
    volunteer.available_weekends = False
    volunteer.citation = ""
    volunteer.distinguished_at = None
    volunteer.distinguished_by = None
    volunteer.recognition_public = False
    volunteer.status = VolunteerStatus.LEFT
    volunteer.status_reason = ""
    volunteer.status_changed_at = timezone.now()
    volunteer.save()
    volunteer.communes.clear()
    volunteer.skills.clear()


@transaction.atomic
def volunteer_leave(*, volunteer: Volunteer) -> Volunteer:
    """The volunteer leaves the reserve: their profile data (phone, availability, communes,
    skills, distinction) is deleted and their sign-ups to coming missions withdrawn. The record
    of past missions stays (attendance, without contact details)."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError(_("Vous avez déjà quitté la réserve."))
    withdrawn = _withdraw_future_signups(volunteer, actor=volunteer.user, cause="left")
    _volunteer_scrub(volunteer)
    log_action(
        actor=volunteer.user,
        action="reserve.volunteer_left",
        obj=volunteer,
        data={"withdrawn": [m.pk for m in withdrawn]},
    )
    return volunteer


@transaction.atomic
def volunteer_distinguish(*, actor, volunteer: Volunteer, citation: str) -> Volunteer:
    """Distinguish a volunteer as « citoyen exemplaire ». Shown publicly only once the volunteer
    consents (``volunteer_recognition_consent``)."""
    if not actor.has_perm("reserve.distinguish_volunteer", volunteer):
        raise PermissionDenied
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError(_("Seul un réserviste actif peut être distingué."))
    if not citation.strip():
        raise ValidationError({"citation": _("Rédigez une courte citation.")})
    was_public = _is_shown_publicly(volunteer)
    if citation.strip() != volunteer.citation:
        # The person consented to the publication of a given citation, not of any text an agent
        # writes later under their name: a new citation waits for a new consent.
        volunteer.recognition_public = False
    volunteer.citation = citation.strip()
    volunteer.distinguished_at = timezone.now()
    volunteer.distinguished_by = actor
    volunteer.save()
    log_action(
        actor=actor,
        action="reserve.volunteer_distinguished",
        obj=volunteer,
        data={"citation": volunteer.citation},
        public_change=was_public or _is_shown_publicly(volunteer),
    )
    _notify(
        to=volunteer.user.email,
        template="distinguished",
        context={"name": volunteer.user.public_name, "citation": volunteer.citation},
    )
    return volunteer


@transaction.atomic
def volunteer_undistinguish(*, actor, volunteer: Volunteer) -> Volunteer:
    if not actor.has_perm("reserve.distinguish_volunteer", volunteer):
        raise PermissionDenied
    volunteer.citation = ""
    volunteer.distinguished_at = None
    volunteer.distinguished_by = None
    volunteer.recognition_public = False  # a later distinction needs a new consent
    volunteer.save()
    log_action(actor=actor, action="reserve.volunteer_undistinguished", obj=volunteer)
    return volunteer


@transaction.atomic
def volunteer_recognition_consent(*, volunteer: Volunteer, public: bool) -> Volunteer:
    volunteer.recognition_public = public
    volunteer.save(update_fields=["recognition_public", "updated_at"])
    log_action(
        actor=volunteer.user,
        action="reserve.recognition_consent",
        obj=volunteer,
        data={"public": public},
    )
    return volunteer


# ------------------------------------------------------------------ missions

MISSION_FIELDS = ("title", "description", "commune", "place", "starts_at", "ends_at", "capacity")


def _check_mission_commune(actor, commune) -> None:
    from .rules import is_reserve_manager

    if is_reserve_manager.test(actor):
        return
    if commune.pk not in actor.agent_commune_ids():
        raise ValidationError(
            {"commune": _("Vous ne pouvez organiser de mission que dans vos communes.")}
        )


def _check_dates(data: dict[str, Any]) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": _("La fin doit être après le début.")})


@transaction.atomic
def mission_create(*, organiser, data: dict[str, Any]) -> Mission:
    if not organiser.has_perm("reserve.add_mission"):
        raise PermissionDenied
    _check_mission_commune(organiser, data["commune"])
    _check_dates(data)
    if data["starts_at"] <= timezone.now():
        raise ValidationError(
            {"starts_at": _("Une nouvelle mission doit commencer dans le futur.")}
        )
    mission = Mission(organiser=organiser, status=MissionStatus.DRAFT)
    for name in MISSION_FIELDS:
        setattr(mission, name, data[name])
    if data.get("publish"):
        mission.status = MissionStatus.OPEN
    mission.save()
    mission.skills.set(data.get("skills") or [])
    log_action(
        actor=organiser,
        action="reserve.mission_created",
        obj=mission,
        data={"status": mission.status, "commune": mission.commune_id},
    )
    return mission


def mission_update_check(*, actor, mission: Mission, data: dict[str, Any]) -> int:
    """The rules of an edit (also run by the back office's form, so that a refusal is a form
    error there); returns the number of sign-ups."""
    if mission.status in (MissionStatus.CLOSED, MissionStatus.CANCELLED):
        raise ValidationError(_("Une mission terminée ou annulée ne peut plus être modifiée."))
    _check_mission_commune(actor, data["commune"])
    _check_dates(data)
    if _changed(mission.starts_at, data["starts_at"]) and data["starts_at"] <= timezone.now():
        # Like a new mission (an edit that keeps a past start is allowed): the people signed
        # up would be told of a date already gone.
        raise ValidationError(
            {"starts_at": _("Une mission ne peut pas être déplacée dans le passé.")}
        )
    taken = mission.signups.count()
    if data["capacity"] < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)d réservistes sont déjà inscrits : la capacité ne peut pas être plus petite."
                )
                % {"count": taken}
            }
        )
    return taken


@transaction.atomic
def mission_update(*, actor, mission: Mission, data: dict[str, Any]) -> Mission:
    """Edit a mission (audited with the changed fields). A new date or place is e-mailed to
    everyone signed up; every agent path (the pages, the back office) goes through here."""
    if not actor.has_perm("reserve.change_mission", mission):
        raise PermissionDenied
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    taken = mission_update_check(actor=actor, mission=mission, data=data)
    before = {name: getattr(mission, name) for name in MISSION_FIELDS}
    for name in MISSION_FIELDS:
        setattr(mission, name, data[name])
    if mission.status in (MissionStatus.OPEN, MissionStatus.FULL):
        mission.status = MissionStatus.FULL if taken >= mission.capacity else MissionStatus.OPEN
    mission.save()
    mission.skills.set(data.get("skills") or [])
    changes = {
        name: [str(before[name]), str(getattr(mission, name))]
        for name in MISSION_FIELDS
        if _changed(before[name], getattr(mission, name))
    }
    moved = bool(changes.keys() & MOVE_FIELDS)
    notified = 0
    if moved and mission.status in (MissionStatus.OPEN, MissionStatus.FULL) and not mission.is_over:
        notified = _tell_signed_up_of_move(mission, before)
    log_action(
        actor=actor,
        action="reserve.mission_updated",
        obj=mission,
        data={**changes, "notified": notified} if notified else changes,
    )
    return mission


# A new date or place: the people signed up must know (the same for every agent path: the
# organiser's form, the crisis cell's, the back office).
MOVE_FIELDS = {"starts_at", "ends_at", "place", "commune"}


def _changed(old, new) -> bool:
    if isinstance(old, datetime.datetime) and isinstance(new, datetime.datetime):
        # The form holds minutes: a mission created with seconds is not moved by an edit.
        minute = {"second": 0, "microsecond": 0}
        return old.replace(**minute) != new.replace(**minute)
    return old != new


def _tell_signed_up_of_move(mission: Mission, before: dict[str, Any]) -> int:
    """E-mail each volunteer signed up the new date and place; a new start also re-arms the
    reminder of the day before. Returns the number of people told."""
    signups = list(mission.signups.select_related("volunteer__user"))
    if _changed(before["starts_at"], mission.starts_at):
        Signup.objects.filter(mission=mission).update(reminded_at=None)
    previous = {
        "starts_at": before["starts_at"],
        "place": before["place"],
        "commune": before["commune"].name,
    }
    told = 0
    for signup in signups:
        user = signup.volunteer.user
        if not user.is_active or user.erased_at or not user.email:
            continue
        _notify(
            to=user.email,
            template="mission_changed",
            context={
                **_mission_context(mission),
                "previous": previous,
            },
        )
        told += 1
    return told


@transaction.atomic
def mission_publish(*, actor, mission: Mission) -> Mission:
    if not actor.has_perm("reserve.change_mission", mission):
        raise PermissionDenied
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status != MissionStatus.DRAFT:
        raise ValidationError(_("Seul un brouillon peut être publié."))
    if mission.is_over:
        raise ValidationError(_("Cette mission est déjà passée."))
    mission.status = MissionStatus.OPEN
    mission.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="reserve.mission_published", obj=mission)
    return mission


@transaction.atomic
def mission_close(*, actor, mission: Mission) -> Mission:
    """Mark a published mission as done (no more sign-ups)."""
    if not actor.has_perm("reserve.change_mission", mission):
        raise PermissionDenied
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status not in (MissionStatus.OPEN, MissionStatus.FULL):
        raise ValidationError(_("Seule une mission publiée peut être clôturée."))
    mission.status = MissionStatus.CLOSED
    mission.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="reserve.mission_closed", obj=mission)
    return mission


@transaction.atomic
def mission_cancel(*, actor, mission: Mission, reason: str) -> Mission:
    if not actor.has_perm("reserve.change_mission", mission):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status in (MissionStatus.CLOSED, MissionStatus.CANCELLED):
        raise ValidationError(_("Cette mission est déjà terminée ou annulée."))
    mission.status = MissionStatus.CANCELLED
    mission.cancel_reason = reason.strip()
    mission.save(update_fields=["status", "cancel_reason", "updated_at"])
    emails = list(mission.signups.values_list("volunteer__user__email", flat=True))
    log_action(
        actor=actor,
        action="reserve.mission_cancelled",
        obj=mission,
        data={"reason": mission.cancel_reason, "notified": len(emails)},
    )
    for email in emails:
        _notify(
            to=email,
            template="mission_cancelled",
            context={
                "title": mission.title,
                "starts_at": mission.starts_at,
                "reason": mission.cancel_reason,
            },
        )
    return mission


@transaction.atomic
def mission_signup(*, volunteer: Volunteer, mission: Mission) -> Signup:
    """Sign ``volunteer`` up to ``mission``, exactly once and within capacity: the mission row is
    locked (``SELECT ... FOR UPDATE``) so concurrent sign-ups are counted one after the other;
    the unique (mission, volunteer) constraint backs the one-per-volunteer rule."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if not Volunteer.objects.filter(pk=volunteer.pk, status=VolunteerStatus.ACTIVE).exists():
        raise ValidationError(
            _("Seuls les réservistes dont l'inscription est validée peuvent rejoindre une mission.")
        )
    if Signup.objects.filter(mission=mission, volunteer=volunteer).exists():
        raise ValidationError(_("Vous êtes déjà inscrit·e à cette mission."))
    if mission.status == MissionStatus.FULL:
        raise ValidationError(_("Cette mission est complète."))
    if mission.status != MissionStatus.OPEN or mission.has_started:
        raise ValidationError(_("Les inscriptions à cette mission sont fermées."))
    taken = mission.signups.count()
    if taken >= mission.capacity:
        raise ValidationError(_("Cette mission est complète."))
    try:
        with transaction.atomic():
            signup = Signup.objects.create(mission=mission, volunteer=volunteer)
    except IntegrityError as exc:
        raise ValidationError(_("Vous êtes déjà inscrit·e à cette mission.")) from exc
    if taken + 1 >= mission.capacity:
        mission.status = MissionStatus.FULL
        mission.save(update_fields=["status", "updated_at"])
    log_action(
        actor=volunteer.user,
        action="reserve.mission_signup",
        obj=mission,
        data={"volunteer": volunteer.pk},
    )
    _notify(
        to=volunteer.user.email,
        template="signup",
        context={
            **_mission_context(mission),
        },
    )
    return signup


@transaction.atomic
def mission_withdraw(*, volunteer: Volunteer, mission: Mission) -> None:
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    signup = Signup.objects.filter(mission=mission, volunteer=volunteer).first()
    if signup is None:
        raise ValidationError(_("Vous n'êtes pas inscrit·e à cette mission."))
    if mission.status in (MissionStatus.CANCELLED, MissionStatus.CLOSED):
        raise ValidationError(_("Cette mission est annulée ou terminée : rien à désinscrire."))
    if mission.has_started:
        raise ValidationError(_("La mission a commencé : prévenez directement son organisateur."))
    signup.delete()
    if mission.status == MissionStatus.FULL:
        mission.status = MissionStatus.OPEN
        mission.save(update_fields=["status", "updated_at"])
    log_action(
        actor=volunteer.user,
        action="reserve.mission_withdrawn",
        obj=mission,
        data={"volunteer": volunteer.pk},
    )
    organiser_email = mission.organiser.email
    _notify(
        to=organiser_email,
        template="withdrawn",
        context={
            "title": mission.title,
            "mission_id": mission.pk,
            "name": volunteer.user.public_name,
        },
    )


@transaction.atomic
def attendance_record(*, actor, mission: Mission, present_ids: set[int]) -> int:
    """Record who came (after the mission has started); returns the number present."""
    if not actor.has_perm("reserve.change_mission", mission):
        raise PermissionDenied
    if not mission.has_started:
        raise ValidationError(_("La présence se saisit une fois la mission commencée."))
    if mission.status == MissionStatus.CANCELLED:
        raise ValidationError(_("Cette mission a été annulée."))
    signups = list(Signup.objects.select_for_update().filter(mission=mission))
    unknown = set(present_ids) - {s.pk for s in signups}
    if unknown:
        raise ValidationError(_("Une des personnes cochées n'est pas inscrite à cette mission."))
    for signup in signups:
        signup.attended = signup.pk in present_ids
        signup.save(update_fields=["attended"])
    present = sum(1 for s in signups if s.attended)
    log_action(
        actor=actor,
        action="reserve.attendance_recorded",
        obj=mission,
        data={"present": present, "signed_up": len(signups)},
        public_change=False,
    )
    return present


@transaction.atomic
def missions_close_past(*, now: datetime.datetime | None = None) -> int:
    """Daily: published missions whose end has passed become "terminée" (audited, no actor)."""
    now = now or timezone.now()
    missions = list(
        Mission.objects.select_for_update().filter(
            status__in=[MissionStatus.OPEN, MissionStatus.FULL], ends_at__lt=now
        )
    )
    for mission in missions:
        mission.status = MissionStatus.CLOSED
        mission.save(update_fields=["status", "updated_at"])
        log_action(actor=None, action="reserve.mission_closed", obj=mission, data={"auto": True})
    return len(missions)


def mission_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Daily: remind each volunteer signed up to a mission starting within the next 36 hours,
    once (``Signup.reminded_at``); returns the number of reminders."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        signups = list(
            Signup.objects.select_for_update(of=("self",))
            .filter(
                reminded_at__isnull=True,
                mission__status__in=[MissionStatus.OPEN, MissionStatus.FULL],
                mission__starts_at__gt=now,
                mission__starts_at__lte=now + datetime.timedelta(hours=36),
            )
            .select_related("mission__commune", "volunteer__user")
        )
        for signup in signups:
            signup.reminded_at = now
            signup.save(update_fields=["reminded_at"])
            mission = signup.mission
            _notify(
                to=signup.volunteer.user.email,
                template="reminder",
                context={
                    **_mission_context(mission),
                },
            )
            sent += 1
    return sent


# ------------------------------------------------------------------ signals (vigie)

SIGNAL_FIELDS = ("category", "commune", "place", "description", "observed_at", "urgency")


@transaction.atomic
def signal_report(*, reporter, data: dict[str, Any]) -> Signal:
    if data["observed_at"] > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(
            {"observed_at": _("La date d'observation ne peut pas être dans le futur.")}
        )
    signal = Signal(reporter=reporter, **{name: data[name] for name in SIGNAL_FIELDS})
    signal.status_changed_at = timezone.now()
    signal.save()
    log_action(
        actor=reporter,
        action="reserve.signal_reported",
        obj=signal,
        data={"category": signal.category, "commune": signal.commune_id, "urgency": signal.urgency},
    )
    if signal.urgency == SignalUrgency.HIGH:
        _alert_crisis_cell(signal)
    return signal


def _alert_crisis_cell(signal: Signal) -> None:
    """An urgent signal is e-mailed at once to every member of the crisis cell (without the
    reporter's identity: they open the signal on the platform)."""
    from renouveau.accounts.models import User

    emails = User.objects.filter(
        groups__name=Role.CRISIS_CELL.value, is_active=True, erased_at__isnull=True
    ).values_list("email", flat=True)
    for email in sorted(set(emails)):
        _notify(
            to=email,
            template="signal_urgent",
            context={
                "signal_id": signal.pk,
                "category": choice_label(signal, "category"),
                "commune": signal.commune.name,
            },
        )


@transaction.atomic
def signal_triage(
    *, actor, signal: Signal, status: str, note: str = "", duplicate_of: Signal | None = None
) -> Signal:
    """Move a signal along new → acknowledged → in progress → closed / dismissed / duplicate.
    Closing needs a resolution note and dismissing a reason (both shown to the reporter);
    a duplicate points to another signal. The reporter gets an e-mail at each step."""
    if not actor.has_perm("reserve.triage_signal", signal):
        raise PermissionDenied
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if status not in SIGNAL_TRANSITIONS.get(signal.status, ()):
        raise ValidationError(
            _("Ce signalement ne peut pas passer de « %(from)s » à ce statut.")
            % {"from": signal.get_status_display()}
        )
    note = note.strip()
    if status == SignalStatus.CLOSED and not note:
        raise ValidationError(
            {"note": _("Indiquez la suite donnée : elle sera montrée à l'auteur.")}
        )
    if status == SignalStatus.DISMISSED and not note:
        raise ValidationError({"note": _("Indiquez le motif du classement sans suite.")})
    if status == SignalStatus.DUPLICATE:
        if duplicate_of is None:
            raise ValidationError(
                {"duplicate_of": _("Indiquez le numéro du signalement d'origine.")}
            )
        # Point to the original: follow the chain of duplicates (read afresh, cycle-safe).
        duplicate_of = Signal.objects.get(pk=duplicate_of.pk)
        seen = {duplicate_of.pk}
        while duplicate_of.status == SignalStatus.DUPLICATE and duplicate_of.duplicate_of_id:
            if duplicate_of.duplicate_of_id in seen:
                break
            seen.add(duplicate_of.duplicate_of_id)
            duplicate_of = Signal.objects.get(pk=duplicate_of.duplicate_of_id)
        if duplicate_of.pk == signal.pk:
            raise ValidationError(
                {"duplicate_of": _("Un signalement ne peut pas être son propre doublon.")}
            )
        signal.duplicate_of = duplicate_of
    previous = signal.status
    signal.status = status
    if note:
        signal.resolution = note
    signal.handled_by = actor
    signal.status_changed_at = timezone.now()
    signal.save()
    log_action(
        actor=actor,
        action="reserve.signal_triaged",
        obj=signal,
        data={
            "from": previous,
            "to": status,
            "note": note,
            "duplicate_of": signal.duplicate_of_id,
        },
    )
    if signal.reporter_id and signal.reporter.email and not signal.reporter.erased_at:
        _notify(
            to=signal.reporter.email,
            template="signal_status",
            context={
                "signal_id": signal.pk,
                "status": choice_label(signal, "status"),
                "note": note,
                "category": choice_label(signal, "category"),
            },
        )
    return signal


# ------------------------------------------------------------------ RGPD


def personal_data(*, user) -> dict[str, Any]:
    data: dict[str, Any] = {"volunteer": None, "missions": [], "signals": []}
    volunteer = Volunteer.objects.filter(user=user).prefetch_related("communes", "skills").first()
    if volunteer is not None:
        data["volunteer"] = {
            "status": volunteer.status,
            "communes": [c.name for c in volunteer.communes.all()],
            "skills": [s.name for s in volunteer.skills.all()],
            "available_weekdays": volunteer.available_weekdays,
            "available_evenings": volunteer.available_evenings,
            "available_weekends": volunteer.available_weekends,
            "availability_note": volunteer.availability_note,
            "phone": volunteer.phone,
            "charter_version": volunteer.charter_version,
            "charter_accepted_at": volunteer.charter_accepted_at.isoformat(),
            "enrolled_at": volunteer.created_at.isoformat(),
            "status_reason": volunteer.status_reason,
            "status_changed_at": (
                volunteer.status_changed_at.isoformat() if volunteer.status_changed_at else None
            ),
            "citation": volunteer.citation,
            "distinguished_at": (
                volunteer.distinguished_at.isoformat() if volunteer.distinguished_at else None
            ),
            "recognition_public": volunteer.recognition_public,
        }
        data["missions"] = [
            {
                "mission": s.mission.title,
                "starts_at": s.mission.starts_at.isoformat(),
                "signed_up_at": s.created_at.isoformat(),
                "attended": s.attended,
            }
            for s in volunteer.signups.select_related("mission")
        ]
    data["signals"] = [
        {
            "id": s.pk,
            "category": s.category,
            "commune": s.commune.name,
            "place": s.place,
            "description": s.description,
            "observed_at": s.observed_at.isoformat(),
            "urgency": s.urgency,
            "status": s.status,
            "resolution": s.resolution,
            "created_at": s.created_at.isoformat(),
        }
        for s in Signal.objects.filter(reporter=user).select_related("commune")
    ]
    return data


@transaction.atomic
def personal_data_erase(*, user) -> None:
    """The volunteer's profile is scrubbed as when leaving and their coming sign-ups withdrawn;
    past attendance stays (counted in the mission, shown as "Compte supprimé"). Signals stay for
    the crisis cell's record and the public figures, detached from their author."""
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is not None:
        _withdraw_future_signups(volunteer, cause="erased")
        _volunteer_scrub(volunteer)
        # The audit lines about this volunteer keep their history but no longer name the
        # person (``object_repr`` was their public name).
        anonymous = _("Réserviste n° %(number)d (compte supprimé)") % {"number": volunteer.pk}
        entry = log_action(actor=None, action="reserve.volunteer_erased", obj=volunteer)
        about = AuditLog.objects.filter(
            content_type=entry.content_type, object_id=str(volunteer.pk)
        )
        about.update(object_repr=anonymous)
        # What agents wrote about the person (a distinction's citation, the reason of a status)
        # is their data too: the lines keep what happened, not those texts.
        from django.db.models import Q

        for line in about.filter(Q(data__has_key="citation") | Q(data__has_key="reason")):
            kept = {k: v for k, v in line.data.items() if k not in ("citation", "reason")}
            AuditLog.objects.filter(pk=line.pk).update(data=kept)
    Signal.objects.filter(reporter=user).update(reporter=None)
