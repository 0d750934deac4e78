"""Writes of the alerts app: each service is one transaction with its audit line."""

from __future__ import annotations

import re
import uuid
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core import unsubscribe
from renouveau.core.services import log_action

from .models import (
    Alert,
    AlertSignal,
    CrisisMode,
    Exercise,
    Notification,
    Registration,
    Risk,
    Subscription,
)
from .selectors import crisis_banner_clear, subscribers_for, subscribers_of_communes

UNSUBSCRIBE_SALT = "alerts.unsubscribe"
ALERT_FIELDS = (
    "status",
    "risk",
    "category",
    "event",
    "response_type",
    "urgency",
    "severity",
    "certainty",
    "headline",
    "description",
    "instruction",
    "effective",
    "onset",
    "expires",
    "contact",
    "area_desc",
    "exercise",
    "note",
    # The optional English version (a second CAP <info>); an Update starts from it too.
    "event_en",
    "headline_en",
    "description_en",
    "instruction_en",
)


def _metropolis():
    from renouveau.territories.models import Metropolis

    return Metropolis.objects.order_by("pk").first()


def cap_sender() -> tuple[str, str]:
    """(sender, senderName) of the platform's CAP messages."""
    sender = getattr(settings, "ALERTS_CAP_SENDER", "") or (
        f"cellule-crise@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"
    )
    metropolis = _metropolis()
    name = f"{metropolis.name} - Cellule de crise" if metropolis else "Cellule de crise"
    return sender, name


def _new_identifier() -> str:
    metropolis = _metropolis()
    slug = metropolis.slug if metropolis else "renouveau"
    return f"{slug}-alerte-{timezone.localdate():%Y%m%d}-{uuid.uuid4().hex[:12]}"


def _communes_of(data: dict):
    """The communes chosen, plus every commune of the Territoires chosen."""
    from renouveau.territories.models import Commune

    ids = {c.pk for c in data.get("communes") or []}
    territories = list(data.get("territories") or [])
    if territories:
        ids |= set(Commune.objects.filter(territory__in=territories).values_list("pk", flat=True))
    if not ids:
        raise ValidationError(
            {"communes": _("Choisissez au moins une commune ou un Territoire concerné.")}
        )
    return sorted(ids)


def _area_desc(data: dict, commune_ids) -> str:
    if data.get("area_desc"):
        return data["area_desc"]
    from renouveau.territories.models import Commune

    names = [t.name for t in data.get("territories") or []]
    territory_ids = {t.pk for t in data.get("territories") or []}
    names += list(
        Commune.objects.filter(pk__in=commune_ids)
        .exclude(territory_id__in=territory_ids)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return ", ".join(names)[:300]


def _check_update_status(data: dict, references: Alert | None) -> None:
    """An update keeps the nature (real, exercise, test) of the message it replaces: a real
    alert replaced by an exercise message would end silently for most of its subscribers."""
    if references is None:
        return
    status = Alert.Status.EXERCISE if data.get("exercise") else data.get("status")
    if status and status != references.status:
        raise ValidationError(
            {
                "status": _(
                    "Une mise à jour garde la nature du message qu'elle remplace (%(status)s)."
                )
                % {"status": references.get_status_display()}
            }
        )


def _check_english(data: dict) -> None:
    """An English text needs the English headline (enforced here, not only by the form)."""
    from .forms import english_texts_error

    error = english_texts_error(data)
    if error:
        raise ValidationError({"headline_en": error})


def _check_dates(data: dict) -> None:
    effective, expires, onset = data.get("effective"), data.get("expires"), data.get("onset")
    errors = {}
    if expires and effective and expires <= effective:
        errors["expires"] = _("La fin de validité doit suivre la date d'entrée en vigueur.")
    if expires and onset and expires <= onset:
        errors["expires"] = _("La fin de validité doit suivre le début de l'événement.")
    if errors:
        raise ValidationError(errors)


# ----------------------------------------------------------------------------- from a signal

# A warning signal's category (citizen reserve) → the alert's risk, CAP category and event.
SIGNAL_PREFILL = {
    "flood": (Risk.FLOOD, Alert.Category.MET, "Inondation"),
    "fire": (Risk.FIRE, Alert.Category.FIRE, "Incendie"),
    "heatwave": (Risk.HEATWAVE, Alert.Category.MET, "Canicule"),
    "earthquake": (Risk.EARTHQUAKE, Alert.Category.GEO, "Séisme"),
    "industrial": (Risk.INDUSTRIAL, Alert.Category.SAFETY, "Accident industriel"),
    "pollution": (Risk.OTHER, Alert.Category.ENV, "Pollution"),
    "health": (Risk.PANDEMIC, Alert.Category.HEALTH, "Risque sanitaire"),
    "water": (Risk.DROUGHT, Alert.Category.ENV, "Sécheresse, pénurie d'eau"),
    "landslide": (Risk.EROSION, Alert.Category.GEO, "Glissement de terrain"),
    "other": (Risk.OTHER, Alert.Category.OTHER, ""),
}


def signal_check_access(*, actor, signal) -> None:
    """Only who may both draft alerts and triage warning signals drafts from a signal."""
    if not (actor.has_perm("alerts.add_alert") and actor.has_perm("reserve.triage_signal", signal)):
        raise PermissionDenied


def alert_initial_from_signal(signal) -> dict:
    """The draft form's starting values from a warning signal: risk, CAP category and event
    from its category, its commune as the area, its description as a text to rewrite. Never
    the reporter's identity nor the exact place they gave."""
    risk, category, event = SIGNAL_PREFILL.get(signal.category, SIGNAL_PREFILL["other"])
    return {
        "status": Alert.Status.ACTUAL,
        "risk": risk,
        "category": category,
        "event": event,
        "communes": [signal.commune],
        "description": signal.description,
    }


def _normalised(text: str) -> str:
    return " ".join((text or "").casefold().split())


# The published texts that may not repeat a resident's signal (the English ones included).
REWRITTEN_TEXTS = (
    "headline",
    "description",
    "instruction",
    "headline_en",
    "description_en",
    "instruction_en",
)

# Below this length a resident's text is a few common words an alert may well share.
VERBATIM_MIN_LENGTH = 30


def _check_rewritten(data: dict, signals) -> None:
    """A resident's words are never published as they wrote them: the texts of an alert drafted
    from a signal may not be its description, nor contain it (when it is not just a few words)."""
    errors = {}
    for signal in signals:
        original = _normalised(signal.description)
        if not original:
            continue
        for name in (*REWRITTEN_TEXTS, "area_desc"):
            value = _normalised(data.get(name) or "")
            if value and (
                value == original or (len(original) >= VERBATIM_MIN_LENGTH and original in value)
            ):
                errors[name] = _(
                    "Reformulez ce texte : il reprend mot pour mot le signalement d'un habitant, "
                    "qui n'est jamais publié tel quel."
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def alert_create(*, actor, data: dict, references: Alert | None = None, signals=()) -> Alert:
    """A draft alert (or a draft update of ``references``), possibly drafted from warning
    signals of the vigie (linked to it; the drafter must be allowed to triage them)."""
    signals = list(signals)
    for signal in signals:
        signal_check_access(actor=actor, signal=signal)
    _check_dates(data)
    _check_english(data)
    _check_update_status(data, references)
    _check_rewritten(data, signals)
    commune_ids = _communes_of(data)
    sender, sender_name = cap_sender()
    alert = Alert(
        identifier=_new_identifier(),
        sender=sender,
        sender_name=sender_name,
        created_by=actor,
        msg_type=Alert.MsgType.UPDATE if references else Alert.MsgType.ALERT,
        references=references,
        **{name: data[name] for name in ALERT_FIELDS if name in data and name != "area_desc"},
    )
    alert.area_desc = _area_desc(data, commune_ids)
    if alert.exercise_id:
        alert.status = Alert.Status.EXERCISE
    alert.save()
    alert.communes.set(commune_ids)
    AlertSignal.objects.bulk_create([AlertSignal(alert=alert, signal=s) for s in signals])
    log_action(
        actor=actor,
        action="alerts.alert_drafted",
        obj=alert,
        data={
            "msg_type": alert.msg_type,
            "references": references.pk if references else None,
            **({"signals": [s.pk for s in signals]} if signals else {}),
        },
        public_change=False,
    )
    return alert


@transaction.atomic
def alert_edit(*, actor, alert: Alert, data: dict) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.DRAFT:
        raise ValidationError(_("Seul un brouillon peut être modifié : publiez une mise à jour."))
    _check_dates(data)
    _check_english(data)
    _check_update_status(data, alert.references)
    _check_rewritten(data, alert.signals.all())
    commune_ids = _communes_of(data)
    for name in ALERT_FIELDS:
        if name in data and name != "area_desc":
            setattr(alert, name, data[name])
    alert.area_desc = _area_desc(data, commune_ids)
    if alert.exercise_id:
        alert.status = Alert.Status.EXERCISE
    alert.save()
    alert.communes.set(commune_ids)
    log_action(actor=actor, action="alerts.alert_edited", obj=alert, public_change=False)
    return alert


def update_draft_start(*, actor, alert: Alert) -> Alert:
    """A draft Update of a published message, prefilled with its content (or the pending one)."""
    pending = alert.successors.filter(state=Alert.State.DRAFT).first()
    if pending is not None:
        return pending
    if alert.state != Alert.State.PUBLISHED or alert.msg_type == Alert.MsgType.CANCEL:
        raise ValidationError(
            _("Cette alerte n'est plus en vigueur : elle ne peut être mise à jour.")
        )
    data = {name: getattr(alert, name) for name in ALERT_FIELDS}
    data["communes"] = list(alert.communes.all())
    data["area_desc"] = alert.area_desc
    with transaction.atomic():
        draft = alert_create(actor=actor, data=data, references=alert)
        # The update comes from the same signals; their reporters were told once already.
        AlertSignal.objects.bulk_create(
            [
                AlertSignal(
                    alert=draft,
                    signal_id=link.signal_id,
                    reporter_notified_at=link.reporter_notified_at,
                )
                for link in alert.signal_links.all()
            ]
        )
    return draft


def _after_publication(alert: Alert) -> None:
    from .tasks import alert_fan_out

    transaction.on_commit(crisis_banner_clear)
    transaction.on_commit(partial(alert_fan_out.enqueue, alert_id=alert.pk))


@transaction.atomic
def alert_publish(*, actor, alert: Alert) -> Alert:
    """Publish a draft (audited); an update supersedes the message it references. Subscribers
    are notified by a task after the commit."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.DRAFT:
        raise ValidationError(_("Cette alerte est déjà publiée."))
    now = timezone.now()
    if alert.expires and alert.expires <= now:
        raise ValidationError(
            {"expires": _("La fin de validité est déjà passée : corrigez-la avant de publier.")}
        )
    if alert.references_id:
        previous = Alert.objects.select_for_update().get(pk=alert.references_id)
        if previous.state != Alert.State.PUBLISHED or previous.msg_type == Alert.MsgType.CANCEL:
            raise ValidationError(
                _("Le message mis à jour a déjà été remplacé ou annulé : repartez du dernier.")
            )
        previous.state = Alert.State.SUPERSEDED
        previous.ended_at = now
        previous.save(update_fields=["state", "ended_at", "updated_at"])
    _check_rewritten(
        {name: getattr(alert, name) for name in REWRITTEN_TEXTS} | {"area_desc": alert.area_desc},
        alert.signals.all(),
    )
    alert.state = Alert.State.PUBLISHED
    alert.sent = now
    alert.published_by = actor
    alert.save(update_fields=["state", "sent", "published_by", "updated_at"])
    told = _tell_signal_reporters(alert, now=now)
    log_action(
        actor=actor,
        action="alerts.alert_published",
        obj=alert,
        data={
            "identifier": alert.identifier,
            "status": alert.status,
            "msg_type": alert.msg_type,
            "severity": alert.severity,
            "references": alert.references_id,
            **({"signal_reporters_told": told} if told else {}),
        },
    )
    _after_publication(alert)
    return alert


def _tell_signal_reporters(alert: Alert, *, now) -> int:
    """The people whose warning signals led to a real alert learn it was issued, with its
    public link: once per signal (``reporter_notified_at``, set under a row lock in the
    publication's transaction) and one e-mail per person. Erased reporters (``reporter`` is
    NULL) and closed accounts are skipped. Returns the number of people told."""
    if alert.status != Alert.Status.ACTUAL:
        return 0
    links = list(
        AlertSignal.objects.select_for_update(of=("self",))
        .filter(alert=alert, reporter_notified_at__isnull=True)
        .select_related("signal__reporter")
        .order_by("signal_id")
    )
    if not links:
        return 0
    AlertSignal.objects.filter(pk__in=[link.pk for link in links]).update(reporter_notified_at=now)
    by_reporter: dict[int, tuple] = {}
    for link in links:
        reporter = link.signal.reporter
        if reporter is None or not reporter.is_active or reporter.erased_at or not reporter.email:
            continue
        by_reporter.setdefault(reporter.pk, (reporter, []))[1].append(link.signal_id)
    from .cap import absolute

    url = absolute(alert.get_absolute_url())
    for reporter, signal_ids in by_reporter.values():
        transaction.on_commit(
            partial(
                _signal_reporter_email,
                to=reporter.email,
                context={
                    # Their e-mail goes out in their account's language: so does the headline.
                    "headline": alert.texts(reporter.language or "fr").headline,
                    "area_desc": alert.area_desc,
                    "url": url,
                    "signal_ids": signal_ids,
                    "name": reporter.display_name or "",
                },
            )
        )
    return len(by_reporter)


def _signal_reporter_email(*, to: str, context: dict) -> None:
    from renouveau.core.emails import email_enqueue

    email_enqueue(to=to, template="alerts/emails/signal_alert_issued", context=context)


@transaction.atomic
def alert_cancel(*, actor, alert: Alert, note: str, note_en: str = "") -> Alert:
    """Publish a Cancel message referencing ``alert``; the alert stops at once. It keeps the
    alert's English headline; ``note_en`` is the reason in English (its English description)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    now = timezone.now()
    if (
        alert.state != Alert.State.PUBLISHED
        or alert.msg_type == Alert.MsgType.CANCEL
        or (alert.expires is not None and alert.expires <= now)
    ):
        raise ValidationError(_("Cette alerte n'est plus en vigueur : rien à annuler."))
    if note_en.strip() and not alert.has_english:
        raise ValidationError(
            {
                "note_en": _(
                    "Cette alerte n'a pas de version anglaise : laissez le motif en anglais vide."
                )
            }
        )
    cancel = Alert.objects.create(
        identifier=_new_identifier(),
        sender=alert.sender,
        sender_name=alert.sender_name,
        sent=now,
        state=Alert.State.PUBLISHED,
        status=alert.status,
        msg_type=Alert.MsgType.CANCEL,
        references=alert,
        note=note,
        risk=alert.risk,
        category=alert.category,
        event=alert.event,
        response_type=Alert.ResponseType.ALL_CLEAR,
        urgency=Alert.Urgency.PAST,
        severity=alert.severity,
        certainty=alert.certainty,
        headline=alert.headline,
        description=note,
        event_en=alert.event_en,
        headline_en=alert.headline_en,
        description_en=note_en.strip(),
        area_desc=alert.area_desc,
        exercise=alert.exercise,
        contact=alert.contact,
        created_by=actor,
        published_by=actor,
        ended_at=now,
    )
    cancel.communes.set(alert.communes.all())
    alert.state = Alert.State.CANCELLED
    alert.ended_at = now
    alert.save(update_fields=["state", "ended_at", "updated_at"])
    log_action(
        actor=actor,
        action="alerts.alert_cancelled",
        obj=alert,
        data={"cancel_message": cancel.pk, "note": note},
    )
    _after_publication(cancel)
    return cancel


def alerts_expire(*, now=None) -> int:
    """Periodic (every 5 minutes): record the end of alerts past their expiry (audited, which
    refreshes the anonymous page cache) and refresh the crisis banner."""
    now = now or timezone.now()
    ids = list(
        Alert.objects.filter(
            state=Alert.State.PUBLISHED, expires__lte=now, ended_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=pk)
            if alert.ended_at is not None:
                continue
            alert.ended_at = alert.expires
            alert.save(update_fields=["ended_at", "updated_at"])
            log_action(actor=None, action="alerts.alert_expired", obj=alert)
    if ids:
        crisis_banner_clear()
    return len(ids)


# ----------------------------------------------------------------------------- crisis mode


@transaction.atomic
def crisis_mode_start(*, actor, headline: str, message: str) -> CrisisMode:
    try:
        with transaction.atomic():  # the partial unique constraint settles a race
            mode = CrisisMode.objects.create(headline=headline, message=message, started_by=actor)
    except IntegrityError:
        raise ValidationError(_("Le mode crise est déjà activé.")) from None
    log_action(actor=actor, action="alerts.crisis_mode_on", obj=mode, data={"headline": headline})
    transaction.on_commit(crisis_banner_clear)
    return mode


@transaction.atomic
def crisis_mode_end(*, actor) -> CrisisMode:
    mode = CrisisMode.objects.select_for_update().filter(is_active=True).first()
    if mode is None:
        raise ValidationError(_("Le mode crise n'est pas activé."))
    mode.is_active = False
    mode.ended_by = actor
    mode.ended_at = timezone.now()
    mode.save()
    log_action(actor=actor, action="alerts.crisis_mode_off", obj=mode)
    transaction.on_commit(crisis_banner_clear)
    return mode


# ----------------------------------------------------------------------------- subscriptions


@transaction.atomic
def subscription_add(*, user, commune, include_exercises: bool = False) -> Subscription:
    subscription, created = Subscription.objects.get_or_create(
        user=user, commune=commune, defaults={"include_exercises": include_exercises}
    )
    if not created and subscription.include_exercises != include_exercises:
        subscription.include_exercises = include_exercises
        subscription.save(update_fields=["include_exercises"])
    log_action(
        actor=user,
        action="alerts.subscribed",
        obj=subscription,
        data={"commune": commune.insee, "include_exercises": include_exercises},
        public_change=False,
    )
    return subscription


@transaction.atomic
def subscription_remove(*, user, subscription: Subscription) -> None:
    if subscription.user_id != user.pk:
        raise ValidationError(_("Cet abonnement n'est pas le vôtre."))
    log_action(
        actor=user,
        action="alerts.unsubscribed",
        data={"commune": subscription.commune.insee},
        public_change=False,
    )
    subscription.delete()


@transaction.atomic
def subscriptions_remove_all(*, user) -> int:
    count, _deleted = Subscription.objects.filter(user=user).delete()
    log_action(
        actor=user, action="alerts.unsubscribed_all", data={"count": count}, public_change=False
    )
    return count


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(token: str):
    """The user an unsubscribe link was made for, or None if the link is not genuine."""
    from django.contrib.auth import get_user_model

    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=payload.get("u")).first()


# ----------------------------------------------------------------------------- fan-out


def _email_context(alert: Alert, user) -> dict:
    from renouveau.core.emails import choice_label

    from .cap import absolute

    return {
        "alert": alert,
        "is_exercise": alert.is_exercise,
        "severity": choice_label(alert, "severity"),
        "url": absolute(alert.get_absolute_url()),
        "unsubscribe_url": absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(user)])),
        "subscriptions_url": absolute(reverse("alerts:subscriptions")),
        "name": user.display_name or "",
    }


def dropped_communes(alert: Alert):
    """The communes of the message an Update replaces that the Update no longer covers."""
    from renouveau.territories.models import Commune

    if alert.msg_type != Alert.MsgType.UPDATE or alert.references_id is None:
        return Commune.objects.none()
    return (
        Commune.objects.filter(alerts=alert.references_id)
        .exclude(alerts=alert.pk)
        .order_by("sort_name")
    )


#: Subscribers handled per transaction by the fan-out (one INSERT of their ``Notification`` rows,
#: one read of their addresses, one INSERT of their e-mails in the task queue).
FAN_OUT_CHUNK = 500


def alert_notify(*, alert_id: int, chunk_size: int = FAN_OUT_CHUNK) -> int:
    """Send the message to every subscriber concerned, once, by chunks of ``chunk_size``
    people: in one transaction per chunk, the ``Notification`` rows are inserted with
    ``ON CONFLICT DO NOTHING RETURNING user_id`` (only the people this run is the first to
    claim get an e-mail), and their e-mails are queued (with the database task queue, in the
    same transaction: no row without its e-mail; see ``email_enqueue_many``). A re-run, or two
    workers at once, sends nothing twice. An Update that no longer covers some communes of the
    message it replaces tells the subscribers of those communes (and of none it still covers)
    that the alert is over for their commune, under the same guard. Returns the number of
    e-mails enqueued by this run."""
    alert = (
        Alert.objects.select_related("references")
        .filter(pk=alert_id)
        .exclude(state="draft")
        .first()
    )
    if alert is None:
        return 0
    mailer = _FanOutMailer(alert)
    concerned = subscribers_for(alert)
    user_ids = list(concerned.values_list("pk", flat=True))
    sent = 0
    for start in range(0, len(user_ids), chunk_size):
        sent += _notify_chunk(
            alert, user_ids[start : start + chunk_size], mailer, "alerts/emails/alert"
        )
    dropped = list(dropped_communes(alert))
    if dropped:
        released = subscribers_of_communes(alert, dropped).exclude(pk__in=concerned.values("pk"))
        released_ids = list(released.values_list("pk", flat=True))
        names = {commune.pk: commune.name for commune in dropped}
        their_communes: dict[int, list[str]] = {}
        for user_id, commune_id in Subscription.objects.filter(commune_id__in=names).values_list(
            "user_id", "commune_id"
        ):
            their_communes.setdefault(user_id, []).append(names[commune_id])
        for start in range(0, len(released_ids), chunk_size):
            sent += _notify_chunk(
                alert,
                released_ids[start : start + chunk_size],
                mailer,
                "alerts/emails/alert_area_ended",
                communes=their_communes,
            )
    return sent


def _claim_notifications(alert: Alert, user_ids: list[int]) -> list[int]:
    """Insert the ``Notification`` rows (alert, user, e-mail) of ``user_ids`` that do not exist
    yet; the ids of the people whose row this statement inserted. ``ON CONFLICT DO NOTHING``
    waits for a concurrent transaction inserting the same row and skips it if that one
    commits: exactly one run claims each person. People whose account was deactivated or
    emptied since the list was read are left out. Rows are inserted in ascending user order, so
    two runs never wait on each other in a cycle."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    if not user_ids:
        return []
    users = get_user_model()._meta.db_table
    table = Notification._meta.db_table
    qn = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(user_ids))
    # Only quoted names of the models' own tables and columns are formatted in; every value is
    # a parameter.
    sql = (
        f"INSERT INTO {qn(table)} ({qn('alert_id')}, {qn('user_id')}, {qn('channel')}, "  # noqa: S608
        f"{qn('created_at')}) "
        f"SELECT %s, u.{qn('id')}, %s, %s FROM {qn(users)} u "
        f"WHERE u.{qn('id')} IN ({placeholders}) AND u.{qn('is_active')} "
        f"AND u.{qn('email')} <> '' ORDER BY u.{qn('id')} "
        f"ON CONFLICT ({qn('alert_id')}, {qn('user_id')}, {qn('channel')}) DO NOTHING "
        f"RETURNING {qn('user_id')}"
    )
    params = [alert.pk, Notification.Channel.EMAIL, timezone.now(), *user_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _notify_chunk(
    alert: Alert,
    user_ids: list[int],
    mailer: _FanOutMailer,
    template: str,
    communes: dict[int, list[str]] | None = None,
) -> int:
    """One transaction: claim the chunk's people, queue the e-mail of each one claimed."""
    from django.contrib.auth import get_user_model

    from renouveau.core.emails import email_enqueue_many

    with transaction.atomic():
        claimed = _claim_notifications(alert, user_ids)
        if not claimed:
            return 0
        people = (
            get_user_model()
            .objects.filter(pk__in=claimed)
            .order_by("pk")
            .values_list("pk", "email", "language", "display_name")
        )
        messages = [
            mailer.message(
                template,
                user_id=pk,
                email=email,
                language=language,
                name=display_name,
                communes=sorted(communes.get(pk, [])) if communes is not None else None,
            )
            for pk, email, language, display_name in people
        ]
        email_enqueue_many(messages)
    return len(messages)


class _FanOutMailer:
    """The e-mails of one message, rendered once per template, language and greeting (with a
    name or without), with markers where each person's parts go (their name, their one-click
    unsubscribe address, the communes where the alert ended for them), then filled for each
    person in one pass of a regular expression: the same text as rendering the template with
    that person's context (tested), at a fraction of the cost."""

    def __init__(self, alert: Alert):
        import secrets

        self.alert = alert
        mark = secrets.token_hex(8)  # unguessable: no alert text or name can contain it
        self.marks = {
            "name": f"\x00NAME{mark}\x00",
            "unsubscribe_url": f"\x00UNSUB{mark}\x00",
            "communes": f"\x00COMMUNES{mark}\x00",
        }
        self.pattern = re.compile("|".join(re.escape(value) for value in self.marks.values()))
        token_mark = f"TOKEN{mark}"
        from .cap import absolute

        # The unsubscribe address with a marker for the person's token (URL-safe characters
        # only, never quoted by reverse()); the same address as reverse() with the token.
        self.unsubscribe_prefix, self.unsubscribe_suffix = absolute(
            reverse("alerts:unsubscribe", args=[token_mark])
        ).split(token_mark)
        self.rendered: dict[tuple[str, str, bool], tuple[str, str]] = {}
        self.default_language = settings.LANGUAGE_CODE
        self.languages = dict(settings.LANGUAGES)

    def _render(self, template: str, language: str, named: bool) -> tuple[str, str]:
        key = (template, language, named)
        if key not in self.rendered:
            from django.template.loader import render_to_string
            from django.utils import translation

            from renouveau.core.emails import choice_label

            from .cap import absolute

            context = {
                "alert": self.alert,
                "is_exercise": self.alert.is_exercise,
                "severity": choice_label(self.alert, "severity"),
                "url": absolute(self.alert.get_absolute_url()),
                "unsubscribe_url": self.marks["unsubscribe_url"],
                "subscriptions_url": absolute(reverse("alerts:subscriptions")),
                "name": self.marks["name"] if named else "",
                "communes": [self.marks["communes"]],
            }
            with translation.override(language):
                subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
                body = render_to_string(f"{template}_message.txt", context)
            self.rendered[key] = (subject, body)
        return self.rendered[key]

    def message(
        self,
        template: str,
        *,
        user_id: int,
        email: str,
        language: str,
        name: str,
        communes: list[str] | None,
    ) -> dict:
        """The ``send_email`` arguments of one person's e-mail, in their account's language
        (the site's language when it is not one of the platform's)."""
        language = language if language in self.languages else self.default_language
        subject, body = self._render(template, language, bool(name))
        unsubscribe_url = (
            f"{self.unsubscribe_prefix}"
            f"{signing.dumps({'u': user_id}, salt=UNSUBSCRIBE_SALT)}{self.unsubscribe_suffix}"
        )
        values = {
            self.marks["name"]: name,
            self.marks["unsubscribe_url"]: unsubscribe_url,
            self.marks["communes"]: ", ".join(communes or []),
        }

        def fill(text: str) -> str:
            return self.pattern.sub(lambda match: values[match.group(0)], text)

        return {
            "subject": fill(subject),
            "body": fill(body),
            "to": [email],
            "headers": unsubscribe.headers(unsubscribe_url),
        }


# ----------------------------------------------------------------------------- exercises

EXERCISE_FIELDS = (
    "title",
    "scenario",
    "risk",
    "starts_at",
    "ends_at",
    "place",
    "organiser",
    "capacity",
)


def _exercise_check(data: dict, *, exercise: Exercise | None = None) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": _("La fin doit suivre le début de l'exercice.")})
    # The form holds minutes: an edit that keeps the start (even a past one) is not a move.
    moved = exercise is None or data["starts_at"] != exercise.starts_at.replace(
        second=0, microsecond=0
    )
    if moved and data["starts_at"] <= timezone.now():
        raise ValidationError(
            {"starts_at": _("Un exercice s'organise à l'avance : choisissez un début à venir.")}
        )


@transaction.atomic
def exercise_create(*, actor, data: dict) -> Exercise:
    _exercise_check(data)
    commune_ids = _communes_of(data)
    exercise = Exercise.objects.create(
        created_by=actor, **{name: data[name] for name in EXERCISE_FIELDS}
    )
    exercise.communes.set(commune_ids)
    log_action(actor=actor, action="alerts.exercise_created", obj=exercise)
    return exercise


@transaction.atomic
def exercise_edit(*, actor, exercise: Exercise, data: dict) -> Exercise:
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.is_cancelled:
        raise ValidationError(_("Cet exercice est annulé : il ne peut plus être modifié."))
    _exercise_check(data, exercise=exercise)
    commune_ids = _communes_of(data)
    registered = exercise.registrations.count()
    if data["capacity"] < registered:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)d personnes sont déjà inscrites : gardez au moins autant de places."
                )
                % {"count": registered}
            }
        )
    minute = {"second": 0, "microsecond": 0}  # the form holds minutes
    moved = (
        data["starts_at"] != exercise.starts_at.replace(**minute)
        or data["ends_at"] != exercise.ends_at.replace(**minute)
        or data["place"] != exercise.place
    )
    for name in EXERCISE_FIELDS:
        setattr(exercise, name, data[name])
    exercise.save()
    exercise.communes.set(commune_ids)
    log_action(actor=actor, action="alerts.exercise_edited", obj=exercise)
    if moved and registered and not exercise.is_past():
        # The people registered would otherwise come at the old time or place.
        emails = list(exercise.registrations.values_list("user__email", flat=True))
        transaction.on_commit(
            partial(
                _exercise_emails,
                exercise_id=exercise.pk,
                emails=emails,
                template="alerts/emails/exercise_changed",
            )
        )
    return exercise


@transaction.atomic
def exercise_register(*, user, exercise: Exercise) -> Registration:
    """Register ``user`` once; the exercise row is locked so the capacity is never exceeded."""
    locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
    existing = Registration.objects.filter(exercise=locked, user=user).first()
    if existing is not None:
        return existing
    if locked.is_cancelled:
        raise ValidationError(_("Cet exercice est annulé : les inscriptions sont closes."))
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("L'exercice a commencé : les inscriptions sont closes."))
    if locked.registrations.count() >= locked.capacity:
        raise ValidationError(_("Cet exercice est complet."))
    registration = Registration.objects.create(exercise=locked, user=user)
    log_action(actor=user, action="alerts.exercise_registered", obj=locked)
    transaction.on_commit(
        partial(
            _registration_email,
            registration_id=registration.pk,
        )
    )
    return registration


def _registration_email(*, registration_id: int) -> None:
    from renouveau.core.emails import email_enqueue

    from .cap import absolute

    registration = (
        Registration.objects.select_related("exercise", "user").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    email_enqueue(
        to=registration.user.email,
        template="alerts/emails/registration",
        context={
            "exercise": registration.exercise,
            "url": absolute(registration.exercise.get_absolute_url()),
        },
    )


@transaction.atomic
def exercise_unregister(*, user, exercise: Exercise) -> bool:
    """Cancel ``user``'s registration, until the exercise starts: from then on the list of
    registered people is the exercise's record (who was expected)."""
    locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
    registration = Registration.objects.filter(exercise=locked, user=user).first()
    if registration is None:
        return False
    if locked.starts_at <= timezone.now() and not locked.is_cancelled:
        raise ValidationError(
            _("L'exercice a commencé : votre inscription ne peut plus être annulée.")
        )
    deleted, _rows = registration.delete()
    if deleted:
        log_action(actor=user, action="alerts.exercise_unregistered", obj=exercise)
    return bool(deleted)


@transaction.atomic
def exercise_cancel(*, actor, exercise: Exercise) -> Exercise:
    """Cancel an upcoming exercise; each registered person is told by e-mail."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.is_cancelled:
        raise ValidationError(_("Cet exercice est déjà annulé."))
    if exercise.is_past():
        raise ValidationError(_("Un exercice terminé ne peut plus être annulé."))
    exercise.is_cancelled = True
    exercise.save(update_fields=["is_cancelled"])
    log_action(actor=actor, action="alerts.exercise_cancelled", obj=exercise)
    emails = list(exercise.registrations.values_list("user__email", flat=True))
    transaction.on_commit(
        partial(
            _exercise_emails,
            exercise_id=exercise.pk,
            emails=emails,
            template="alerts/emails/exercise_cancelled",
        )
    )
    return exercise


def _exercise_emails(*, exercise_id: int, emails: list[str], template: str) -> None:
    """One e-mail to each person registered (cancellation, or a new time or place)."""
    from renouveau.core.emails import email_enqueue

    from .cap import absolute

    exercise = Exercise.objects.get(pk=exercise_id)
    for email in emails:
        if email:
            email_enqueue(
                to=email,
                template=template,
                context={"exercise": exercise, "url": absolute(exercise.get_absolute_url())},
            )


@transaction.atomic
def exercise_debrief_publish(*, actor, exercise: Exercise, went_well: str, to_improve: str):
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.is_cancelled:
        raise ValidationError(_("Cet exercice a été annulé : il n'a pas de retour d'expérience."))
    if not exercise.is_past():
        raise ValidationError(_("Le retour d'expérience se publie une fois l'exercice terminé."))
    exercise.debrief_went_well = went_well
    exercise.debrief_to_improve = to_improve
    first = exercise.debrief_published_at is None
    exercise.debrief_published_at = exercise.debrief_published_at or timezone.now()
    exercise.save()
    log_action(
        actor=actor,
        action="alerts.debrief_published" if first else "alerts.debrief_edited",
        obj=exercise,
    )
    return exercise


# ----------------------------------------------------------------------------- RGPD


def personal_data(*, user) -> dict:
    return {
        "subscriptions": [
            {
                "commune": s.commune.name,
                "insee": s.commune.insee,
                "by_email": s.by_email,
                "include_exercises": s.include_exercises,
                "created_at": s.created_at.isoformat(),
            }
            for s in Subscription.objects.filter(user=user).select_related("commune")
        ],
        "exercise_registrations": [
            {
                "exercise": r.exercise.title,
                "starts_at": r.exercise.starts_at.isoformat(),
                "registered_at": r.created_at.isoformat(),
            }
            for r in Registration.objects.filter(user=user).select_related("exercise")
        ],
        "notifications": [
            {
                "alert": n.alert.identifier,
                "headline": n.alert.headline,
                "channel": n.channel,
                "sent_at": n.created_at.isoformat(),
            }
            for n in Notification.objects.filter(user=user).select_related("alert")
        ],
    }


@transaction.atomic
def personal_data_erase(*, user) -> None:
    """Subscriptions, registrations and the record of e-mails received are private: deleted.
    Alerts written by an agent are public acts of the crisis cell: kept."""
    Subscription.objects.filter(user=user).delete()
    Registration.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
