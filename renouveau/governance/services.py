"""Writes of the governance app. Each service is one transaction that writes the audit log;
e-mails leave in ``transaction.on_commit``."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from renouveau.core.emails import email_enqueue
from renouveau.core.services import log_action

from . import sortition
from .models import (
    Body,
    Candidate,
    ComparisonIndicator,
    ComparisonValue,
    Draw,
    Meeting,
    MeetingDocument,
    Membership,
    Partner,
    Recommendation,
    Registration,
    WaitlistEntry,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "reference.json"


def _mail_on_commit(*, to: list[str], template: str, context: dict) -> None:
    if not to:
        return
    site = settings.SITE_URL
    context = {**context, "site": site}

    def send() -> None:
        for address in to:
            email_enqueue(to=address, template=template, context=context)

    transaction.on_commit(send)


# Reference data ------------------------------------------------------------------------------


@transaction.atomic
def reference_load(*, path: Path | None = None) -> str:
    """Bodies and partners from the versioned file; idempotent (keyed on codes)."""
    from renouveau.plan.models import Agreement

    data = json.loads((path or DATA_FILE).read_text(encoding="utf-8"))
    for position, item in enumerate(data["bodies"]):
        Body.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "mission": item["mission"],
                "composition": item.get("composition") or "",
                "selection": item.get("selection") or "",
                "source_quote": item.get("source_quote") or "",
                "planned_for": item.get("planned_for") or "",
                "position": position,
            },
        )
    for item in data["partners"]:
        partner, _created = Partner.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "role": item["role"],
                "source_quote": item.get("source_quote") or "",
            },
        )
        codes = item.get("agreements") or []
        if codes:
            partner.agreements.add(*Agreement.objects.filter(code__in=codes))
    return f"{len(data['bodies'])} instances, {len(data['partners'])} partenaires"


# Memberships ---------------------------------------------------------------------------------


def _membership_check(data: dict[str, Any]) -> None:
    ended, started = data.get("ended_on"), data.get("started_on")
    if ended and started and ended < started:
        raise ValidationError({"ended_on": _("La fin du mandat doit suivre son début.")})


@transaction.atomic
def membership_create(*, actor, body: Body, data: dict[str, Any]) -> Membership:
    _membership_check(data)
    membership = Membership.objects.create(body=body, **data)
    log_action(actor=actor, action="governance.membership_created", obj=membership)
    return membership


@transaction.atomic
def membership_update(*, actor, membership: Membership, data: dict[str, Any]) -> Membership:
    _membership_check(data)
    changes = {}
    for name, value in data.items():
        if getattr(membership, name) != value:
            changes[name] = [str(getattr(membership, name)), str(value)]
            setattr(membership, name, value)
    if changes:
        membership.save()
        log_action(
            actor=actor, action="governance.membership_updated", obj=membership, data=changes
        )
    return membership


# Meetings ------------------------------------------------------------------------------------


# A meeting's dates stay within these years: a year 1 typed in a form was stored by PostgreSQL
# as a date before Christ (the local offset moves it before 0001-01-01 UTC) that no page could
# read back (every list showing it answered 500).
MEETING_YEARS = (2000, 2100)


def meeting_year_check(value) -> None:
    """Raise when a meeting's date is outside ``MEETING_YEARS`` (forms call it on the field,
    before any query: SQLite cannot even compare such a date, it overflows)."""
    if value and not MEETING_YEARS[0] <= value.year <= MEETING_YEARS[1]:
        raise ValidationError(
            _("Indiquez une date entre %(first)d et %(last)d.")
            % {"first": MEETING_YEARS[0], "last": MEETING_YEARS[1]}
        )


def meeting_check(data: dict[str, Any]) -> None:
    for name in ("starts_at", "ends_at"):
        try:
            meeting_year_check(data.get(name))
        except ValidationError as exc:
            raise ValidationError({name: exc.messages}) from exc
    if data.get("ends_at") and data.get("starts_at") and data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": _("La fin doit être après le début.")})
    if data.get("capacity") is not None and not data.get("is_public"):
        raise ValidationError(
            {"capacity": _("Une réunion à huis clos ne prend pas d'inscriptions du public.")}
        )
    if not data.get("place") and not data.get("location"):
        raise ValidationError({"location": _("Indiquez un lieu du plan ou une adresse.")})


# Fields whose change moves the meeting: registrants and waiting people are told.
MOVING_FIELDS = frozenset({"starts_at", "ends_at", "place", "location"})


def meeting_update_check(*, meeting: Meeting, data: dict[str, Any]) -> None:
    """What an edit of ``meeting`` (by the agents' form or the back office) must respect;
    raises ``ValidationError`` with French messages tied to the fields."""
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est annulée : elle ne peut plus être modifiée."))
    meeting_check(data)
    registered = meeting.registrations.count()
    waiting = meeting.waitlist.count()
    if "capacity" in data and data["capacity"] is None and (registered or waiting):
        # Closing registrations (or the sitting to the public) would leave registrants with a
        # seat nobody counts and no notice: cancel the meeting instead, which tells them.
        raise ValidationError(
            {
                "capacity": _(
                    "Il y a déjà %(count)d inscrit·es ou personnes en liste d'attente : la "
                    "réunion garde ses inscriptions. Pour les annuler, annulez la réunion (les "
                    "inscrit·es sont prévenu·es)."
                )
                % {"count": registered + waiting}
            }
        )
    if data.get("capacity") is not None and data["capacity"] < registered:
        raise ValidationError(
            {
                "capacity": _(
                    "Il y a déjà %(count)d inscrit·es : la jauge ne peut pas être plus petite."
                )
                % {"count": registered}
            }
        )


def _meeting_context(meeting: Meeting) -> dict[str, Any]:
    """What every e-mail about a meeting says of it (date, place, access, links)."""
    place = meeting.place
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "where": meeting.where,
        "accessibility": place.accessibility if place else "",
        "meeting_id": meeting.pk,
    }


def _registrant_emails(meeting: Meeting) -> list[str]:
    return [e for e in meeting.registrations.values_list("user__email", flat=True) if e]


def _waiting_emails(meeting: Meeting) -> list[str]:
    return [e for e in meeting.waitlist.values_list("user__email", flat=True) if e]


def meeting_moved_notify(*, meeting: Meeting) -> None:
    """The one place that tells registrants and waiting people that a meeting changes date,
    time or place (from the agents' form and the back office alike), after the commit."""
    context = _meeting_context(meeting)
    _mail_on_commit(
        to=_registrant_emails(meeting),
        template="governance/emails/meeting_changed",
        context={**context, "waiting": False},
    )
    _mail_on_commit(
        to=_waiting_emails(meeting),
        template="governance/emails/meeting_changed",
        context={**context, "waiting": True},
    )


@transaction.atomic
def meeting_create(*, actor, data: dict[str, Any]) -> Meeting:
    meeting_check(data)
    meeting = Meeting.objects.create(created_by=actor, **data)
    log_action(actor=actor, action="governance.meeting_created", obj=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: dict[str, Any], via: str = "form") -> Meeting:
    """Edit a meeting (agents' form, or the back office with ``via="admin"``): one audit line,
    the iCalendar SEQUENCE bumped, people told of a new date or place, and the seats a raised
    capacity opens given to the waiting list."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting_update_check(meeting=meeting, data=data)
    changes = {}
    for name, value in data.items():
        if getattr(meeting, name) != value:
            changes[name] = str(value)
            setattr(meeting, name, value)
    if changes:
        meeting.sequence += 1
        meeting.save()
        log_action(
            actor=actor,
            action="governance.meeting_updated",
            obj=meeting,
            data={**changes, "via": via} if via != "form" else changes,
        )
    if changes.keys() & MOVING_FIELDS:
        # Their calendar updates too, by SEQUENCE.
        meeting_moved_notify(meeting=meeting)
    if "capacity" in changes:
        _waitlist_promote(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est déjà annulée."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    waiting = _waiting_emails(meeting)
    log_action(
        actor=actor,
        action="governance.meeting_cancelled",
        obj=meeting,
        data={"waiting": len(waiting)} if waiting else None,
    )
    context = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "reason": meeting.cancellation_reason,
        "meeting_id": meeting.pk,
    }
    _mail_on_commit(
        to=_registrant_emails(meeting),
        template="governance/emails/meeting_cancelled",
        context={**context, "waiting": False},
    )
    _mail_on_commit(
        to=waiting,
        template="governance/emails/meeting_cancelled",
        context={**context, "waiting": True},
    )
    # Nobody waits for a cancelled meeting any more (the registrations stay: its record).
    meeting.waitlist.all().delete()
    return meeting


@transaction.atomic
def meeting_minutes_publish(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    if not minutes.strip():
        raise ValidationError({"minutes": _("Le compte rendu est vide.")})
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est annulée : elle n'a pas de compte rendu."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Le compte rendu se publie après la réunion."))
    meeting.minutes = minutes.strip()
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
    log_action(actor=actor, action="governance.minutes_published", obj=meeting)
    return meeting


def document_filename(title: str) -> str:
    """The name a downloaded document gets: the title in ASCII letters, digits and dashes
    (no path, no quote, no control character), ending in ``.pdf``."""
    stem = slugify(title)[:80].strip("-") or "document"
    return f"{stem}.pdf"


@transaction.atomic
def meeting_document_add(*, actor, meeting: Meeting, title: str, url: str = "", file=None):
    """A link, or an uploaded PDF (checked by the form: size and signature), stored under a
    random name; the audit line keeps the file's SHA-256."""
    if bool(url) == bool(file):
        raise ValidationError(_("Indiquez un lien ou un fichier, pas les deux."))
    if file is None:
        document = meeting.documents.create(title=title, url=url)
        log_action(actor=actor, action="governance.document_added", obj=meeting, data={"url": url})
        return document
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    document = MeetingDocument(
        meeting=meeting, title=title, filename=document_filename(title), size=file.size
    )
    document.file.save("document.pdf", file, save=False)  # random name (document_path)
    try:
        document.save()
    except Exception:  # the row could not be written: no orphan file either
        document.file.delete(save=False)
        raise
    log_action(
        actor=actor,
        action="governance.document_added",
        obj=meeting,
        data={"file": document.filename, "size": document.size, "sha256": digest.hexdigest()},
    )
    return document


def _register(*, user, meeting: Meeting, from_waitlist: bool = False) -> Registration:
    """Insert the registration (the meeting row is locked by the caller)."""
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                meeting=meeting, user=user, from_waitlist=from_waitlist
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Vous êtes déjà inscrit·e à cette réunion."), code="already"
        ) from exc
    return registration


@transaction.atomic
def registration_create(*, user, meeting: Meeting) -> Registration:
    """Register ``user`` once; the meeting row is locked so that the capacity holds when many
    residents register at the same time (a second registration of the same user is refused by
    the unique constraint and answered as "already registered")."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.takes_registrations:
        raise ValidationError(_("Cette réunion ne prend pas d'inscriptions."))
    if Registration.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError(_("Vous êtes déjà inscrit·e à cette réunion."), code="already")
    # A free seat goes to the first person waiting before anyone else: while someone waits,
    # the meeting counts as full (seats are handed over under this same lock).
    if meeting.registrations.count() >= meeting.capacity or meeting.waitlist.exists():
        raise ValidationError(_("La réunion est complète."), code="full")
    registration = _register(user=user, meeting=meeting)
    log_action(actor=user, action="governance.registered", obj=meeting)
    _mail_on_commit(
        to=[user.email],
        template="governance/emails/registered",
        context=_meeting_context(meeting),
    )
    return registration


@transaction.atomic
def meeting_document_remove(*, actor, document: MeetingDocument) -> None:
    """Withdraw a document from a meeting; an uploaded file is deleted after the commit."""
    meeting = document.meeting
    stored = document.file.name if document.file else ""
    log_action(
        actor=actor,
        action="governance.document_removed",
        obj=meeting,
        data={"title": document.title, "file": document.filename, "url": document.url},
    )
    document.delete()
    if stored:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def registrants_exported(*, actor, meeting: Meeting) -> None:
    """Personal data leaves the platform: the export is logged."""
    log_action(
        actor=actor,
        action="governance.registrants_exported",
        obj=meeting,
        data={
            "count": meeting.registrations.count(),
            "waiting": meeting.waitlist.count(),
        },
        public_change=False,
    )


@transaction.atomic
def registration_cancel(*, user, meeting: Meeting) -> None:
    """Cancel ``user``'s registration; the seat goes at once to the first person waiting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at <= timezone.now() and not meeting.is_cancelled:
        # The list of who registered is the meeting's record once it has begun.
        raise ValidationError(_("La réunion a commencé : l'inscription ne peut plus être annulée."))
    deleted, _rows = Registration.objects.filter(meeting=meeting, user=user).delete()
    if not deleted:
        raise ValidationError(_("Vous n'êtes pas inscrit·e à cette réunion."))
    log_action(actor=user, action="governance.unregistered", obj=meeting)
    _waitlist_promote(meeting)


# Waiting list --------------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(*, user, meeting: Meeting) -> WaitlistEntry:
    """Put ``user`` on the waiting list of a full meeting (once: unique constraint). The meeting
    row is locked as for a registration, so that a seat freed meanwhile is not missed."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.takes_registrations:
        raise ValidationError(_("Cette réunion ne prend pas d'inscriptions."))
    if Registration.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError(_("Vous êtes déjà inscrit·e à cette réunion."), code="already")
    if WaitlistEntry.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError(
            _("Vous êtes déjà sur la liste d'attente de cette réunion."), code="already_waiting"
        )
    if meeting.registrations.count() < meeting.capacity and not meeting.waitlist.exists():
        raise ValidationError(
            _("Il reste des places : inscrivez-vous directement."), code="seats_left"
        )
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(meeting=meeting, user=user)
    except IntegrityError as exc:
        raise ValidationError(
            _("Vous êtes déjà sur la liste d'attente de cette réunion."), code="already_waiting"
        ) from exc
    log_action(actor=user, action="governance.waitlist_joined", obj=meeting)
    position = WaitlistEntry.objects.filter(meeting=meeting, id__lte=entry.id).count()
    _mail_on_commit(
        to=[user.email],
        template="governance/emails/waitlist_joined",
        context={**_meeting_context(meeting), "position": position},
    )
    return entry


@transaction.atomic
def waitlist_leave(*, user, meeting: Meeting) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    deleted, _rows = WaitlistEntry.objects.filter(meeting=meeting, user=user).delete()
    if not deleted:
        raise ValidationError(_("Vous n'êtes pas sur la liste d'attente de cette réunion."))
    log_action(actor=user, action="governance.waitlist_left", obj=meeting)


def waitlist_position(*, user, meeting: Meeting) -> tuple[int, int] | None:
    """(position, length) of ``user`` on the meeting's waiting list, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    entry = WaitlistEntry.objects.filter(meeting=meeting, user=user).only("id").first()
    if entry is None:
        return None
    position = WaitlistEntry.objects.filter(meeting=meeting, id__lte=entry.id).count()
    return position, meeting.waitlist.count()


def _waitlist_promote(meeting: Meeting) -> list[Registration]:
    """Give every free seat of ``meeting`` (whose row the caller has locked in this
    transaction) to the first people waiting, in order; each is e-mailed after the commit. The
    lock serialises concurrent cancellations, so each seat is handed over exactly once."""
    if not meeting.takes_registrations:
        return []
    free = meeting.capacity - meeting.registrations.count()
    promoted = []
    for entry in meeting.waitlist.select_related("user").order_by("id")[: max(free, 0)]:
        entry.delete()
        try:
            registration = _register(user=entry.user, meeting=meeting, from_waitlist=True)
        except ValidationError:  # already registered (cannot happen under the lock): skip
            continue
        promoted.append(registration)
        log_action(
            actor=None,
            action="governance.waitlist_promoted",
            obj=meeting,
            data={"user": entry.user_id},
        )
        _mail_on_commit(
            to=[entry.user.email],
            template="governance/emails/waitlist_promoted",
            context=_meeting_context(meeting),
        )
    return promoted


# Reminders -----------------------------------------------------------------------------------


def meeting_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Daily: e-mail a reminder to everyone registered to a meeting that starts tomorrow (or
    later today, when a run was missed), once per registration: ``Registration.reminded_at`` is
    set under a row lock in the same transaction as the audit line, so a second run, or two
    workers at once, find nothing left to send. Returns the number of reminders."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    # The end of tomorrow, local time: meetings of today (still to come) and of tomorrow.
    until = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.max))
    due = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=until,
            registrations__reminded_at__isnull=True,
        )
        .distinct()
        .order_by("starts_at", "id")
        .values_list("pk", flat=True)
    )
    sent = 0
    for meeting_id in list(due):
        with transaction.atomic():
            meeting = Meeting.objects.select_related("place__commune").get(pk=meeting_id)
            registrations = list(
                Registration.objects.select_for_update(of=("self",))
                .filter(meeting=meeting, reminded_at__isnull=True)
                .select_related("user")
                .order_by("id")
            )
            if not registrations:  # another run sent them meanwhile
                continue
            Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
                reminded_at=now
            )
            log_action(
                actor=None,
                action="governance.reminders_sent",
                obj=meeting,
                data={"count": len(registrations)},
                public_change=False,
            )
            _mail_on_commit(
                to=[r.user.email for r in registrations if r.user.email],
                template="governance/emails/reminder",
                context=_meeting_context(meeting),
            )
            sent += len(registrations)
    return sent


# Draws ---------------------------------------------------------------------------------------


def quota_error_message(exc: sortition.QuotaError) -> str:
    """The reason a draw cannot be made, in the user's language, with display names."""
    from renouveau.territories.models import Territory

    from .models import AGE_BANDS

    dimensions = {
        "territory": _("Territoire"),
        "gender": _("genre"),
        "age_band": _("tranche d'âge"),
    }
    values = {
        "territory": dict(Territory.objects.values_list("code", "name")),
        "gender": dict(Candidate.Gender.choices),
        "age_band": dict(AGE_BANDS),
    }
    p = dict(exc.params)
    dimension = p.get("dimension", "")
    p["dimension"] = dimensions.get(dimension, dimension)
    if "value" in p:
        p["value"] = str(values.get(dimension, {}).get(p["value"], p["value"]))
    messages = {
        "total": _(
            "Quotas par %(dimension)s : le total (%(total)d) doit être égal au nombre de "
            "sièges (%(seats)d)."
        ),
        "negative": _("Un quota par %(dimension)s est négatif."),
        "dimension": _("Dimension de quota inconnue : %(dimension)s."),
        "seats": _("Le nombre de sièges doit être au moins 1."),
        "too_few": _(
            "Il y a %(count)d candidature(s) pour %(seats)d sièges : pas assez pour tirer au sort."
        ),
        "value_short": _(
            "Quota impossible : %(quota)d siège(s) pour « %(value)s » (%(dimension)s) mais "
            "seulement %(count)d candidature(s)."
        ),
        "joint": _(
            "Quotas impossibles à satisfaire ensemble : aucune combinaison des candidatures ne "
            "respecte à la fois les quotas par Territoire, par genre et par tranche d'âge."
        ),
    }
    template = messages.get(exc.code)
    return template % p if template else str(exc)


def _quota_check(seats: int, quotas: dict) -> None:
    try:
        sortition.check_quotas(seats, quotas)
    except sortition.QuotaError as exc:
        raise ValidationError(quota_error_message(exc)) from exc


@transaction.atomic
def draw_create(*, actor, data: dict[str, Any]) -> Draw:
    _quota_check(data["seats"], data["quotas"])
    draw = Draw.objects.create(**data)
    log_action(actor=actor, action="governance.draw_created", obj=draw, data=data["quotas"])
    return draw


@transaction.atomic
def candidate_register(*, user, draw: Draw, data: dict[str, Any]) -> Candidate:
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if not draw.accepts_candidates:
        raise ValidationError(_("Les candidatures à ce tirage sont closes."))
    if not data.get("consent"):
        raise ValidationError({"consent": _("Votre accord est nécessaire pour candidater.")})
    if Candidate.objects.filter(draw=draw, user=user).exists():
        raise ValidationError(_("Vous êtes déjà candidat·e à ce tirage."))
    commune = data["commune"]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    draw=draw,
                    user=user,
                    public_name=data["public_name"],
                    commune=commune,
                    territory_id=commune.territory_id,
                    age_band=data["age_band"],
                    gender=data["gender"],
                    consented_at=timezone.now(),
                )
            break
        except IntegrityError:  # code collision (1 in 4 billion): draw a new code
            if Candidate.objects.filter(draw=draw, user=user).exists():
                raise ValidationError(_("Vous êtes déjà candidat·e à ce tirage.")) from None
    else:  # pragma: no cover
        raise ValidationError(_("Réessayez dans un instant."))
    log_action(actor=user, action="governance.candidate_registered", obj=draw)
    return candidate


@transaction.atomic
def candidate_withdraw(*, user, draw: Draw) -> None:
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status == Draw.Status.DRAWN:
        raise ValidationError(_("Le tirage a eu lieu : la candidature ne peut plus être retirée."))
    deleted, _rows = Candidate.objects.filter(draw=draw, user=user).delete()
    if not deleted:
        raise ValidationError(_("Vous n'êtes pas candidat·e à ce tirage."))
    log_action(actor=user, action="governance.candidate_withdrawn", obj=draw)


def draw_people(draw: Draw) -> list[sortition.Person]:
    return [
        sortition.Person(code, territory, gender, age_band)
        for code, territory, gender, age_band in draw.candidates.values_list(
            "code", "territory__code", "gender", "age_band"
        )
    ]


@transaction.atomic
def draw_run(*, actor, draw: Draw, early: bool = False) -> Draw:
    """Close the candidacies, draw the panel with the published quotas and the secret seed
    generated when the draw was prepared (its SHA-256 fingerprint published since), publish
    the result with the seed and tell every candidate the outcome. Nobody chooses the seed, and
    a draw cannot be re-run to pick another outcome."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status == Draw.Status.DRAWN:
        raise ValidationError(_("Ce tirage a déjà eu lieu."))
    if draw.accepts_candidates and not early:
        raise ValidationError(
            {
                "early": _(
                    "Les candidatures sont ouvertes jusqu'au %(date)s : confirmez que vous "
                    "les closez en avance."
                )
                % {"date": formats.date_format(draw.closes_on)}
            }
        )
    if not draw.seed:  # pragma: no cover - every draw gets one when prepared (and migration)
        raise ValidationError(_("Ce tirage n'a pas de graine : il ne peut pas être effectué."))
    seed = draw.seed
    try:
        order, panel = sortition.draw(
            seed=seed, seats=draw.seats, quotas=draw.quotas, people=draw_people(draw)
        )
    except sortition.QuotaError as exc:
        raise ValidationError(quota_error_message(exc)) from exc
    ranks = {person.code: index for index, person in enumerate(order, start=1)}
    chosen = {person.code for person in panel}
    candidates = list(draw.candidates.select_related("user"))
    for candidate in candidates:
        candidate.rank = ranks[candidate.code]
        candidate.selected = candidate.code in chosen
    Candidate.objects.bulk_update(candidates, ["rank", "selected"])
    draw.status = Draw.Status.DRAWN
    draw.drawn_at = timezone.now()
    draw.drawn_by = actor if getattr(actor, "is_authenticated", False) else None
    draw.save()
    log_action(
        actor=actor,
        action="governance.draw_run",
        obj=draw,
        data={
            "seed": seed,
            "candidates": len(candidates),
            "panel": sorted(chosen),
            "closed_early": draw.closes_on >= timezone.localdate(),
        },
    )
    for selected in (True, False):
        _mail_on_commit(
            to=[c.user.email for c in candidates if c.user_id and c.selected is selected],
            template="governance/emails/draw_selected"
            if selected
            else "governance/emails/draw_not_selected",
            context={"title": draw.title, "draw_id": draw.pk},
        )
    return draw


# Recommendations -----------------------------------------------------------------------------


@transaction.atomic
def recommendation_create(*, actor, data: dict[str, Any]) -> Recommendation:
    taken = ValidationError({"number": _("Ce numéro existe déjà pour cette instance.")})
    if Recommendation.objects.filter(body=data["body"], number=data["number"]).exists():
        raise taken
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(**data)
    except IntegrityError as exc:  # two agents published the same number at once
        raise taken from exc
    log_action(actor=actor, action="governance.recommendation_created", obj=recommendation)
    return recommendation


@transaction.atomic
def recommendation_respond(
    *, actor, recommendation: Recommendation, response: str, text: str
) -> Recommendation:
    if response not in Recommendation.Response.values:
        raise ValidationError({"response": _("Réponse inconnue.")})
    if response == Recommendation.Response.PENDING:
        raise ValidationError({"response": _("Choisissez la suite donnée.")})
    if not text.strip():
        raise ValidationError(
            {"response_text": _("La réponse doit être justifiée : expliquez la suite donnée.")}
        )
    previous = recommendation.response
    recommendation.response = response
    recommendation.response_text = text.strip()
    recommendation.responded_on = timezone.localdate()
    recommendation.responded_by = actor
    recommendation.save()
    log_action(
        actor=actor,
        action="governance.recommendation_answered",
        obj=recommendation,
        data={"response": [previous, response]},
    )
    return recommendation


# Comparisons ---------------------------------------------------------------------------------


@transaction.atomic
def comparison_value_set(
    *, actor, indicator: ComparisonIndicator, data: dict[str, Any]
) -> ComparisonValue:
    """An agent enters a real value: the row is no longer demonstration data."""
    value, created = ComparisonValue.objects.update_or_create(
        indicator=indicator,
        metropolis=data["metropolis"].strip(),
        defaults={
            "value": data["value"],
            "is_home": data.get("is_home", False),
            "source_note": data.get("source_note", ""),
            "is_demo": False,
        },
    )
    log_action(
        actor=actor,
        action="governance.comparison_value_set",
        obj=indicator,
        data={"metropolis": value.metropolis, "value": str(value.value), "created": created},
    )
    return value


# RGPD ----------------------------------------------------------------------------------------


def personal_data(*, user) -> dict[str, Any]:
    return {
        "meeting_registrations": [
            {"meeting": r.meeting.title, "starts_at": r.meeting.starts_at.isoformat()}
            for r in Registration.objects.filter(user=user).select_related("meeting")
        ],
        "meeting_waitlist": [
            {
                "meeting": w.meeting.title,
                "starts_at": w.meeting.starts_at.isoformat(),
                "since": w.created_at.isoformat(),
            }
            for w in WaitlistEntry.objects.filter(user=user).select_related("meeting")
        ],
        "draw_candidacies": [
            {
                "draw": c.draw.title,
                "code": c.code,
                "public_name": c.public_name,
                "commune": c.commune.name,
                "age_band": c.age_band,
                "gender": c.gender,
                "consented_at": c.consented_at.isoformat(),
                "rank": c.rank,
                "selected": c.selected,
            }
            for c in Candidate.objects.filter(user=user).select_related("draw", "commune")
        ],
        "memberships": [
            {"body": m.body.name, "public_name": m.public_name, "college": m.college}
            for m in Membership.objects.filter(user=user).select_related("body")
        ],
    }


@transaction.atomic
def personal_data_erase(*, user) -> None:
    """Registrations to meetings and places on waiting lists go; a seat freed at a meeting
    still to come goes to the first person waiting. A candidacy to a draw not yet run goes;
    after the draw the row stays (the published result must remain verifiable) but loses its
    link to the account and its public name becomes "Compte supprimé". Memberships of public
    bodies are public records: they stay, unlinked from the account."""
    WaitlistEntry.objects.filter(user=user).delete()
    meeting_ids = sorted(
        set(Registration.objects.filter(user=user).values_list("meeting_id", flat=True))
    )
    for meeting in Meeting.objects.select_for_update().filter(pk__in=meeting_ids).order_by("pk"):
        Registration.objects.filter(meeting=meeting, user=user).delete()
        _waitlist_promote(meeting)
    Registration.objects.filter(user=user).delete()
    Candidate.objects.filter(user=user).exclude(draw__status=Draw.Status.DRAWN).delete()
    # Stored, not rendered: in the site's language, whatever the language of the request.
    with translation.override(settings.LANGUAGE_CODE):
        erased = _("Compte supprimé")
    Candidate.objects.filter(user=user).update(user=None, public_name=erased)
    Membership.objects.filter(user=user).update(user=None)
