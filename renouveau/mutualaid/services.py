"""Writes of the mutual aid app. Each service is one transaction that writes the audit log."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core.emails import email_enqueue
from renouveau.core.services import log_action

from .models import (
    Block,
    HelpOffer,
    HelpPost,
    HelpRequest,
    Initiative,
    Match,
    Message,
    PostStatus,
    Report,
    Testimony,
)

MIN_AGE = 16
MAX_VALIDITY_DAYS = 180
MODERATED_MODELS = (HelpOffer, HelpRequest, Initiative, Message, Testimony)


# Age ---------------------------------------------------------------------------------------


def age_is_sufficient(user) -> bool:
    """16 or more this year (the birth year only is asked, as the privacy policy says)."""
    year = getattr(user, "birth_year", None)
    return bool(year) and timezone.localdate().year - year >= MIN_AGE


def age_check(user) -> None:
    if not age_is_sufficient(user):
        raise ValidationError(
            _("L'entraide est ouverte à partir de %(age)d ans.") % {"age": MIN_AGE},
            code="too_young",
        )


@transaction.atomic
def user_birth_year_set(*, user, birth_year: int) -> None:
    from renouveau.accounts.services import user_profile_update

    user_profile_update(user=user, data={"birth_year": birth_year})
    log_action(actor=user, action="mutualaid.birth_year_given", obj=user)


# Blocks ------------------------------------------------------------------------------------


def is_blocked_between(user_a, user_b) -> bool:
    if user_a is None or user_b is None:
        return False
    return Block.objects.filter(
        Q(blocker_id=user_a.pk, blocked_id=user_b.pk)
        | Q(blocker_id=user_b.pk, blocked_id=user_a.pk)
    ).exists()


@transaction.atomic
def block_create(*, blocker, blocked) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("Vous ne pouvez pas vous bloquer vous-même."))
    block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    if created:
        # Pending proposals between the two stop here.
        Match.objects.filter(status=Match.Status.PROPOSED).filter(
            Q(offer__author=blocker, request__author=blocked)
            | Q(offer__author=blocked, request__author=blocker)
        ).update(status=Match.Status.CANCELLED, updated_at=timezone.now())
        log_action(actor=blocker, action="mutualaid.user_blocked", obj=block)
    return block


@transaction.atomic
def block_delete(*, blocker, block: Block) -> None:
    if block.blocker_id != blocker.pk:
        raise PermissionDenied
    log_action(actor=blocker, action="mutualaid.user_unblocked", obj=block)
    block.delete()


# Offers and requests ----------------------------------------------------------------------


POST_FIELDS = (
    "category",
    "title",
    "description",
    "commune",
    "neighbourhood",
    "frequency",
    "date",
    "slots",
    "expires_on",
    "address",
    "phone",
    "organisation",
)


def _post_validate(data: dict[str, Any]) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if data.get("date") and data["date"] < today:
        errors["date"] = _("La date est déjà passée : choisissez aujourd'hui ou plus tard.")
    expires_on = data.get("expires_on")
    if expires_on is None:
        errors["expires_on"] = _("Indiquez jusqu'à quand votre annonce est valable.")
    elif expires_on < today:
        errors["expires_on"] = _("La date est déjà passée : choisissez aujourd'hui ou plus tard.")
    elif expires_on > today + datetime.timedelta(days=MAX_VALIDITY_DAYS):
        errors["expires_on"] = _("Une annonce reste valable au plus six mois.")
    if data.get("date") and expires_on and data["date"] > expires_on:
        errors["date"] = _("La date de l'aide doit précéder la fin de validité de l'annonce.")
    if errors:
        raise ValidationError(errors)


# A second identical submission within this delay (a double tap on a slow phone, a form sent
# again from the browser's history) gives back the first one instead of a duplicate.
DOUBLE_SUBMIT_SECONDS = 120


def _lock_user(user) -> None:
    """Serialise one person's writes (two requests of a double tap run one after the other)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def _recent(queryset):
    since = timezone.now() - datetime.timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
    return queryset.filter(created_at__gte=since).order_by("-created_at").first()


def _post_create(model, *, author, data: dict[str, Any], action: str, extra: tuple[str, ...]):
    age_check(author)
    _post_validate(data)
    organisation = data.get("organisation")
    if organisation is not None and not organisation.membership_set.filter(user=author).exists():
        raise PermissionDenied
    fields = {name: data[name] for name in (*POST_FIELDS, *extra) if name in data}
    _lock_user(author)
    twin = _recent(
        model.objects.filter(
            author=author,
            category=fields.get("category"),
            title=fields.get("title"),
            description=fields.get("description"),
            commune=fields.get("commune"),
        )
    )
    if twin is not None:
        return twin
    post = model.objects.create(author=author, **fields)
    log_action(actor=author, action=action, obj=post, data={"category": post.category})
    return post


@transaction.atomic
def offer_create(*, author, data: dict[str, Any]) -> HelpOffer:
    return _post_create(
        HelpOffer, author=author, data=data, action="mutualaid.offer_created", extra=("capacity",)
    )


@transaction.atomic
def request_create(*, author, data: dict[str, Any]) -> HelpRequest:
    if not data.get("on_behalf"):
        data = {**data, "beneficiary_name": ""}
    return _post_create(
        HelpRequest,
        author=author,
        data=data,
        action="mutualaid.request_created",
        extra=("urgency", "helpers_needed", "on_behalf", "beneficiary_name"),
    )


@transaction.atomic
def post_close(*, actor, post: HelpPost) -> HelpPost:
    if post.author_id != actor.pk:
        raise PermissionDenied
    if post.status in (PostStatus.OPEN, PostStatus.MATCHED):
        post.status = PostStatus.CLOSED
        post.save(update_fields=["status", "updated_at"])
        post.matches.filter(status=Match.Status.PROPOSED).update(
            status=Match.Status.CANCELLED, updated_at=timezone.now()
        )
        log_action(actor=actor, action=f"mutualaid.{post.kind}_closed", obj=post)
    return post


@transaction.atomic
def help_posts_expire(*, today: datetime.date | None = None) -> int:
    """Mark as expired the open offers and requests whose validity date has passed, and the
    one-off ones whose date has passed. Returns how many were expired."""
    today = today or timezone.localdate()
    count = 0
    for model in (HelpRequest, HelpOffer):
        stale = model.objects.filter(status=PostStatus.OPEN).filter(
            Q(expires_on__lt=today) | Q(date__lt=today)
        )
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            continue
        model.objects.filter(pk__in=ids).update(
            status=PostStatus.EXPIRED, updated_at=timezone.now()
        )
        Match.objects.filter(**{f"{model.kind}__in": ids}, status=Match.Status.PROPOSED).update(
            status=Match.Status.CANCELLED, updated_at=timezone.now()
        )
        count += len(ids)
    log_action(actor=None, action="mutualaid.posts_expired", data={"count": count, "date": today})
    return count


# Matches -----------------------------------------------------------------------------------


def _notify(*, to, template: str, context: dict) -> None:
    if not to.email or getattr(to, "erased_at", None):
        return
    site = settings.SITE_URL
    transaction.on_commit(
        lambda: email_enqueue(to=to.email, template=template, context={**context, "site": site})
    )


@transaction.atomic
def match_propose(*, actor, offer: HelpOffer, request: HelpRequest, note: str = "") -> Match:
    """The helper proposes their offer to a request, or the requester asks an offer."""
    if actor.pk not in (offer.author_id, request.author_id):
        raise PermissionDenied
    age_check(actor)
    if offer.author_id == request.author_id:
        raise ValidationError(_("Vous ne pouvez pas vous proposer votre propre aide."))
    if offer.category != request.category:
        raise ValidationError(_("L'offre et la demande ne portent pas sur le même type d'aide."))
    today = timezone.localdate()
    for post in (offer, request):
        if post.is_hidden or post.status != PostStatus.OPEN or post.expires_on < today:
            raise ValidationError(_("Cette annonce n'est plus ouverte."))
    if is_blocked_between(offer.author, request.author):
        raise ValidationError(_("La mise en relation n'est pas possible avec cette personne."))
    try:
        with transaction.atomic():
            match = Match.objects.create(offer=offer, request=request, proposed_by=actor, note=note)
    except IntegrityError as exc:
        raise ValidationError(_("Une proposition existe déjà entre ces deux annonces.")) from exc
    log_action(actor=actor, action="mutualaid.match_proposed", obj=match)
    other = request.author if actor.pk == offer.author_id else offer.author
    _notify(to=other, template="mutualaid/emails/proposal", context={"match_id": match.pk})
    return match


@transaction.atomic
def match_answer(*, actor, match: Match, accept: bool) -> Match:
    # Lock the row: two clicks (or both people) answering at once give one answer.
    match.status = (
        Match.objects.select_for_update().values_list("status", flat=True).get(pk=match.pk)
    )
    if actor.pk != match.answerer_id():
        raise PermissionDenied
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(_("Cette proposition a déjà reçu une réponse."))
    match.answered_at = timezone.now()
    if not accept:
        match.status = Match.Status.DECLINED
        match.save(update_fields=["status", "answered_at", "updated_at"])
        log_action(actor=actor, action="mutualaid.match_declined", obj=match)
        _notify(
            to=match.proposed_by,
            template="mutualaid/emails/declined",
            context={"match_id": match.pk},
        )
        return match
    # Accepting shares both people's contact details: not if a post was withdrawn, expired or
    # hidden by the moderation since the proposal, nor if one person has blocked the other.
    today = timezone.localdate()
    for post in (match.offer, match.request):
        if post.status != PostStatus.OPEN or post.is_hidden or post.expires_on < today:
            raise ValidationError(_("Cette annonce n'est plus ouverte."))
    if is_blocked_between(match.offer.author, match.request.author):
        raise ValidationError(_("La mise en relation n'est pas possible avec cette personne."))
    match.status = Match.Status.ACCEPTED
    match.save(update_fields=["status", "answered_at", "updated_at"])
    accepted = Q(status__in=[Match.Status.ACCEPTED, Match.Status.DONE])
    if match.offer.matches.filter(accepted).count() >= match.offer.capacity:
        HelpOffer.objects.filter(pk=match.offer_id).update(status=PostStatus.MATCHED)
    if match.request.matches.filter(accepted).count() >= match.request.helpers_needed:
        HelpRequest.objects.filter(pk=match.request_id).update(status=PostStatus.MATCHED)
    log_action(actor=actor, action="mutualaid.match_accepted", obj=match)
    _notify(
        to=match.proposed_by, template="mutualaid/emails/accepted", context={"match_id": match.pk}
    )
    return match


@transaction.atomic
def match_done(*, actor, match: Match) -> Match:
    if actor.pk not in match.participants():
        raise PermissionDenied
    if match.status != Match.Status.ACCEPTED:
        raise ValidationError(_("Seule une mise en relation acceptée peut être marquée réalisée."))
    match.status = Match.Status.DONE
    match.done_at = timezone.now()
    match.save(update_fields=["status", "done_at", "updated_at"])
    request = match.request
    # Done when every helper it asked for came: a request for two helpers with one found
    # stays open for the second.
    done = request.matches.filter(status=Match.Status.DONE).count()
    if (
        done >= request.helpers_needed
        and not request.matches.filter(status=Match.Status.ACCEPTED).exists()
    ):
        HelpRequest.objects.filter(pk=request.pk).update(status=PostStatus.DONE)
    log_action(actor=actor, action="mutualaid.match_done", obj=match)
    return match


@transaction.atomic
def message_send(*, sender, match: Match, body: str) -> Message:
    if sender.pk not in match.participants():
        raise PermissionDenied
    if not match.is_open:
        raise ValidationError(_("Les messages s'ouvrent quand les deux personnes ont accepté."))
    other = match.other_party(sender)
    if is_blocked_between(sender, other):
        raise ValidationError(_("Vous ne pouvez plus écrire à cette personne."))
    body = body.strip()
    if not body:
        raise ValidationError(_("Le message est vide."))
    _lock_user(sender)
    twin = _recent(Message.objects.filter(match=match, sender=sender, body=body))
    if twin is not None:
        return twin  # sent twice: one message, one e-mail
    message = Message.objects.create(match=match, sender=sender, body=body)
    log_action(actor=sender, action="mutualaid.message_sent", obj=message)
    _notify(to=other, template="mutualaid/emails/message", context={"match_id": match.pk})
    return message


@transaction.atomic
def testimony_add(*, author, match: Match, text: str) -> Testimony:
    if author.pk not in match.participants():
        raise PermissionDenied
    if match.status != Match.Status.DONE:
        raise ValidationError(_("Vous pourrez témoigner une fois l'aide réalisée."))
    if Testimony.objects.filter(match=match, author=author).exists():
        raise ValidationError(_("Vous avez déjà témoigné pour cette entraide."))
    testimony = Testimony.objects.create(match=match, author=author, text=text.strip())
    log_action(actor=author, action="mutualaid.testimony_added", obj=testimony)
    return testimony


# Initiatives -------------------------------------------------------------------------------


INITIATIVE_FIELDS = (
    "kind",
    "title",
    "description",
    "commune",
    "place",
    "latitude",
    "longitude",
    "starts_on",
    "ends_on",
    "schedule",
    "how_to_join",
)


@transaction.atomic
def initiative_create(*, actor, organisation, data: dict[str, Any]) -> Initiative:
    if not organisation.membership_set.filter(user=actor).exists():
        raise PermissionDenied
    today = timezone.localdate()
    errors = {}
    if data["starts_on"] < today and not data.get("ends_on"):
        errors["starts_on"] = _("La date est déjà passée : choisissez aujourd'hui ou plus tard.")
    if data.get("ends_on"):
        if data["ends_on"] < today:
            errors["ends_on"] = _("La date de fin est déjà passée.")
        elif data["ends_on"] < data["starts_on"]:
            errors["ends_on"] = _("La fin doit suivre le début.")
    if errors:
        raise ValidationError(errors)
    initiative = Initiative.objects.create(
        organisation=organisation,
        created_by=actor,
        **{name: data.get(name) for name in INITIATIVE_FIELDS if name in data},
    )
    log_action(actor=actor, action="mutualaid.initiative_created", obj=initiative)
    return initiative


# Safety: reports and moderation -----------------------------------------------------------


@transaction.atomic
def report_create(*, reporter, target, reason: str, details: str = "") -> Report:
    content_type = ContentType.objects.get_for_model(target)
    existing = Report.objects.filter(
        reporter=reporter,
        content_type=content_type,
        object_id=target.pk,
        status=Report.Status.OPEN,
    ).first()
    if existing:
        return existing
    report = Report.objects.create(
        reporter=reporter,
        content_type=content_type,
        object_id=target.pk,
        reason=reason,
        details=details.strip(),
    )
    log_action(
        actor=reporter,
        action="mutualaid.report_created",
        obj=report,
        data={"target": f"{content_type.model}:{target.pk}", "reason": reason},
    )
    return report


def _set_hidden(target, *, hidden: bool, reason: str) -> None:
    from renouveau.accounts.models import User

    if isinstance(target, User):
        # Behaviour reported: hide every open post of the person.
        for model in (HelpOffer, HelpRequest):
            model.objects.filter(
                author=target, status__in=[PostStatus.OPEN, PostStatus.MATCHED]
            ).update(is_hidden=hidden, hidden_reason=reason if hidden else "")
        return
    target.is_hidden = hidden
    target.hidden_reason = reason if hidden else ""
    target.save(update_fields=["is_hidden", "hidden_reason"])


@transaction.atomic
def report_decide(*, moderator, report: Report, hide: bool, reason: str) -> Report:
    """Hide the reported content (with a reason) or dismiss the report. Audited."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la décision.")})
    target = report.target
    status = Report.Status.HIDDEN if hide else Report.Status.DISMISSED
    if hide and target is not None:
        _set_hidden(target, hidden=True, reason=reason)
    now = timezone.now()
    siblings = Report.objects.filter(
        content_type_id=report.content_type_id,
        object_id=report.object_id,
        status=Report.Status.OPEN,
    )
    siblings.update(status=status, handled_by=moderator, handled_at=now, decision_reason=reason)
    report.refresh_from_db()
    log_action(
        actor=moderator,
        action="mutualaid.content_hidden" if hide else "mutualaid.report_dismissed",
        obj=target if target is not None else report,
        data={"report": report.pk, "reason": reason},
    )
    return report


@transaction.atomic
def content_restore(*, moderator, target, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la décision.")})
    _set_hidden(target, hidden=False, reason="")
    log_action(
        actor=moderator, action="mutualaid.content_restored", obj=target, data={"reason": reason}
    )


# RGPD --------------------------------------------------------------------------------------


def personal_data(*, user) -> dict[str, Any]:
    def post(p) -> dict[str, Any]:
        return {
            "id": p.pk,
            "title": p.title,
            "description": p.description,
            "category": p.category,
            "commune": p.commune.name,
            "neighbourhood": p.neighbourhood,
            "address": p.address,
            "phone": p.phone,
            "status": p.status,
            "created_at": p.created_at.isoformat(),
            "expires_on": p.expires_on.isoformat(),
        }

    return {
        "offers": [
            post(p) for p in HelpOffer.objects.filter(author=user).select_related("commune")
        ],
        "requests": [
            {**post(p), "beneficiary_name": p.beneficiary_name}
            for p in HelpRequest.objects.filter(author=user).select_related("commune")
        ],
        "messages_sent": [
            {"match": m.match_id, "date": m.created_at.isoformat(), "body": m.body}
            for m in Message.objects.filter(sender=user)
        ],
        "testimonies": [
            {"match": t.match_id, "date": t.created_at.isoformat(), "text": t.text}
            for t in Testimony.objects.filter(author=user)
        ],
        "proposals_sent": [
            {"match": m.pk, "date": m.created_at.isoformat(), "note": m.note}
            for m in Match.objects.filter(proposed_by=user).exclude(note="")
        ],
        "reports_filed": [
            {"date": r.created_at.isoformat(), "reason": r.reason, "details": r.details}
            for r in Report.objects.filter(reporter=user)
        ],
        "blocked_users": Block.objects.filter(blocker=user).count(),
        # Initiatives belong to their organisation (they stay at erasure) but the person wrote
        # them, sometimes with their own contact in « how to join ».
        "initiatives_created": [
            {
                "id": i.pk,
                "organisation": i.organisation.name,
                "title": i.title,
                "description": i.description,
                "place": i.place,
                "schedule": i.schedule,
                "how_to_join": i.how_to_join,
                "created_at": i.created_at.isoformat(),
            }
            for i in Initiative.objects.filter(created_by=user).select_related("organisation")
        ],
    }


@transaction.atomic
def personal_data_erase(*, user) -> None:
    """Private data goes (addresses, phones, beneficiaries, messages and notes of proposals,
    blocks); open posts are withdrawn; testimonies stay, shown as "Compte supprimé"."""
    now = timezone.now()
    for model in (HelpOffer, HelpRequest):
        posts = model.objects.filter(author=user)
        posts.update(address="", phone="", updated_at=now)
        posts.filter(status__in=[PostStatus.OPEN, PostStatus.MATCHED]).update(
            status=PostStatus.CLOSED
        )
    HelpRequest.objects.filter(author=user).update(beneficiary_name="")
    Match.objects.filter(Q(offer__author=user) | Q(request__author=user)).filter(
        status__in=[Match.Status.PROPOSED, Match.Status.ACCEPTED]
    ).update(status=Match.Status.CANCELLED, updated_at=now)
    Match.objects.filter(proposed_by=user).update(note="")  # free text, like the messages
    # The audit lines about the person's messages named them by their first words: they go
    # with the messages (the line stays, « Message n° … »).
    from renouveau.core.models import AuditLog

    message_type = ContentType.objects.get_for_model(Message)
    for pk in Message.objects.filter(sender=user).values_list("pk", flat=True):
        AuditLog.objects.filter(content_type=message_type, object_id=str(pk)).update(
            object_repr=f"Message n° {pk}"
        )
    Message.objects.filter(sender=user).delete()
    # An initiative belongs to its organisation and stays; the addresses of the person who
    # wrote it (often given in « how to join ») go from its texts.
    addresses = {user.email.lower()} | {
        a.lower() for a in user.emailaddress_set.values_list("email", flat=True)
    }
    for initiative in Initiative.objects.filter(created_by=user):
        changed = []
        for name in ("description", "place", "schedule", "how_to_join"):
            text = getattr(initiative, name)
            for address in addresses:
                text = re.sub(re.escape(address), "…", text, flags=re.IGNORECASE)
            if text != getattr(initiative, name):
                setattr(initiative, name, text)
                changed.append(name)
        if changed:
            initiative.save(update_fields=[*changed, "updated_at"])
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    Report.objects.filter(reporter=user).update(details="")
