"""Writes of the calls app: each service is one transaction that also writes the audit log."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core.emails import email_enqueue
from renouveau.core.services import changed_fields, log_action

from .models import Call, Comment, CommentReport, Phase, Submission

SUBMISSION_FIELDS = (
    "title",
    "description",
    "beneficiaries",
    "commune",
    "address",
    "latitude",
    "longitude",
    "workstream",
    "estimated_cost",
    "organisation",
)


def _check_workstream(call: Call, workstream) -> None:
    themes = list(call.themes.all())
    if themes and workstream not in themes:
        raise ValidationError(
            {"workstream": _("Ce chantier ne fait pas partie des thèmes de cet appel.")}
        )


def _check_organisation(user, organisation) -> None:
    if organisation is not None and not organisation.members.filter(pk=user.pk).exists():
        raise ValidationError({"organisation": _("Vous n'êtes pas membre de cette organisation.")})


# ---------------------------------------------------------------- calls


@transaction.atomic
def call_create(*, actor, data: dict[str, Any], themes=()) -> Call:
    call = Call(created_by=actor, **data)
    call.full_clean()
    call.save()
    call.themes.set(themes)
    log_action(actor=actor, action="calls.call_created", obj=call)
    return call


@transaction.atomic
def call_update(*, actor, call: Call, data: dict[str, Any], themes=None) -> Call:
    stored = Call.objects.get(pk=call.pk)
    diff = changed_fields(stored, data)
    for name, value in data.items():
        setattr(call, name, value)
    call.full_clean()
    _check_envelopes_fit(call)
    call.save()
    if themes is not None:
        call.themes.set(themes)
    log_action(actor=actor, action="calls.call_updated", obj=call, data={"changes": diff})
    return call


def _check_envelopes_fit(call: Call) -> None:
    """The envelopes (``budgets``, through the reverse relation: this app imports nothing from
    it) must still fit in the call's amount: lowering the amount below them was accepted."""
    envelopes = getattr(call, "envelopes", None)
    if envelopes is None:
        return
    allotted = envelopes.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if call.total_amount is not None and allotted > call.total_amount:
        raise ValidationError(
            {
                "total_amount": _(
                    "Les enveloppes de cet appel totalisent %(allotted)s € : le montant total ne "
                    "peut pas être inférieur."
                )
                % {"allotted": allotted}
            }
        )


@transaction.atomic
def call_phase_set(*, actor, call: Call, phase: str) -> Call:
    """Fix the current phase by hand (``""`` returns to the dates)."""
    if phase and phase not in Phase.values:
        raise ValidationError(_("Phase inconnue."))
    previous = call.phase
    call.phase_override = phase
    call.save(update_fields=["phase_override", "updated_at"])
    log_action(
        actor=actor,
        action="calls.phase_set",
        obj=call,
        data={"from": previous, "to": call.phase, "override": phase},
    )
    return call


# ---------------------------------------------------------------- submissions


# A form sent twice within this delay (double click, reload of the POST) is the same one.
REPLAY_SECONDS = 600


def _lock_author(author) -> None:
    """Serialise one person's submissions and comments, so that a double click cannot insert
    the same thing twice (the second request waits, then finds the first one's row)."""
    from renouveau.accounts.models import User

    User.objects.select_for_update().filter(pk=author.pk).values_list("pk", flat=True).first()


@transaction.atomic
def submission_create(*, author, call: Call, data: dict[str, Any]) -> Submission:
    """Submit a project. The same project sent again by its author within a few minutes (double
    click on « Déposer », a reloaded form) returns the first one instead of a duplicate."""
    if call.phase != Phase.SUBMISSION:
        raise PermissionDenied(_("Le dépôt des projets n'est pas ouvert pour cet appel."))
    _check_workstream(call, data.get("workstream"))
    _check_organisation(author, data.get("organisation"))
    _lock_author(author)
    replay = Submission.objects.filter(
        call=call,
        author=author,
        status=Submission.Status.SUBMITTED,
        title=(data.get("title") or "").strip(),
        description=(data.get("description") or "").strip(),
        created_at__gte=timezone.now() - timedelta(seconds=REPLAY_SECONDS),
    ).first()
    if replay is not None:
        return replay
    submission = Submission(call=call, author=author, **data)
    submission.full_clean()
    submission.save()
    log_action(actor=author, action="calls.submission_created", obj=submission)
    return submission


@transaction.atomic
def submission_update(*, actor, submission: Submission, data: dict[str, Any]) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.call.phase != Phase.SUBMISSION:
        raise PermissionDenied(_("Le dépôt est clos : le projet ne peut plus être modifié."))
    if submission.status != Submission.Status.SUBMITTED:
        raise PermissionDenied(_("Ce projet a déjà été analysé : il ne peut plus être modifié."))
    _check_workstream(submission.call, data.get("workstream", submission.workstream))
    if "organisation" in data:
        _check_organisation(actor, data["organisation"])
    diff = changed_fields(submission, data)
    for name, value in data.items():
        setattr(submission, name, value)
    submission.full_clean()
    submission.save()
    log_action(
        actor=actor,
        action="calls.submission_updated",
        obj=submission,
        data={"fields": sorted(diff)},
    )
    return submission


@transaction.atomic
def submission_coauthor_add(*, actor, submission: Submission, email: str) -> None:
    from renouveau.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip(), erased_at__isnull=True).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "Aucun compte n'utilise cette adresse : la personne doit d'abord s'inscrire."
                )
            }
        )
    if user.pk == submission.author_id:
        raise ValidationError(
            {"email": _("Cette personne est déjà l'autrice ou l'auteur du projet.")}
        )
    submission.coauthors.add(user)
    log_action(actor=actor, action="calls.coauthor_added", obj=submission, data={"user": user.pk})


@transaction.atomic
def submission_withdraw(*, actor, submission: Submission) -> Submission:
    submission.status = Submission.Status.WITHDRAWN
    submission.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="calls.submission_withdrawn", obj=submission)
    return submission


REVIEWABLE = (Submission.Status.SUBMITTED, Submission.Status.ACCEPTED, Submission.Status.REJECTED)


def _reviewable(submission: Submission) -> Submission:
    locked = Submission.objects.select_for_update().select_related("call").get(pk=submission.pk)
    if locked.call.phase not in (Phase.SUBMISSION, Phase.REVIEW):
        raise PermissionDenied(_("L'analyse de faisabilité est close pour cet appel."))
    if locked.status not in REVIEWABLE:
        raise ValidationError(_("Ce projet ne peut plus être analysé (retiré ou fusionné)."))
    return locked


def _notify_author(submission: Submission) -> None:
    author = submission.author
    if author is None or not author.email or author.erased_at:
        return
    context = {
        "title": submission.title,
        "status": submission.get_status_display(),
        "reason": submission.public_reason or submission.cost_adjustment_reason,
        "call": submission.call.title,
    }
    transaction.on_commit(
        lambda: email_enqueue(to=author.email, template="calls/emails/review", context=context)
    )


@transaction.atomic
def submission_accept(
    *, actor, submission: Submission, adjusted_cost: Decimal | None = None, reason: str = ""
) -> Submission:
    """Declare a project feasible; optionally adjust its cost (a public reason is required)."""
    submission = _reviewable(submission)
    previous_cost = submission.cost
    if adjusted_cost is not None and adjusted_cost != submission.estimated_cost:
        if adjusted_cost <= 0:
            raise ValidationError({"adjusted_cost": _("Le coût doit être positif.")})
        if not reason.strip():
            raise ValidationError(
                {"reason": _("Expliquez publiquement pourquoi le coût est ajusté.")}
            )
        submission.adjusted_cost = adjusted_cost
        submission.cost_adjustment_reason = reason.strip()
    else:
        submission.adjusted_cost = None
        submission.cost_adjustment_reason = ""
    submission.status = Submission.Status.ACCEPTED
    submission.public_reason = ""
    submission.reviewed_at = timezone.now()
    submission.save()
    log_action(
        actor=actor,
        action="calls.submission_accepted",
        obj=submission,
        data={"cost_before": previous_cost, "cost": submission.cost, "reason": reason.strip()},
    )
    _notify_author(submission)
    return submission


@transaction.atomic
def submission_reject(*, actor, submission: Submission, reason: str) -> Submission:
    if not reason.strip():
        raise ValidationError({"reason": _("Un motif public est obligatoire pour refuser.")})
    submission = _reviewable(submission)
    submission.status = Submission.Status.REJECTED
    submission.public_reason = reason.strip()
    submission.reviewed_at = timezone.now()
    submission.save()
    log_action(
        actor=actor,
        action="calls.submission_rejected",
        obj=submission,
        data={"reason": submission.public_reason},
    )
    _notify_author(submission)
    return submission


@transaction.atomic
def submission_merge(
    *, actor, submission: Submission, into: Submission, reason: str = ""
) -> Submission:
    """Merge a duplicate into another project of the same call; its authors become co-authors."""
    submission = _reviewable(submission)
    if into.pk == submission.pk or into.call_id != submission.call_id:
        raise ValidationError({"into": _("Choisissez un autre projet du même appel.")})
    if into.status in (Submission.Status.MERGED, Submission.Status.WITHDRAWN):
        raise ValidationError({"into": _("Ce projet a lui-même été fusionné ou retiré.")})
    submission.status = Submission.Status.MERGED
    submission.merged_into = into
    submission.public_reason = reason.strip() or _("Projet semblable à « %(title)s ».") % {
        "title": into.title
    }
    submission.reviewed_at = timezone.now()
    submission.save()
    people = [u for u in [submission.author, *submission.coauthors.all()] if u is not None]
    into.coauthors.add(*[u for u in people if u.pk != into.author_id])
    log_action(
        actor=actor, action="calls.submission_merged", obj=submission, data={"into": into.pk}
    )
    _notify_author(submission)
    return submission


# ---------------------------------------------------------------- comments


@transaction.atomic
def comment_create(*, author, submission: Submission, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Le commentaire est vide.")})
    _lock_author(author)
    replay = Comment.objects.filter(
        submission=submission,
        author=author,
        body=body,
        created_at__gte=timezone.now() - timedelta(seconds=REPLAY_SECONDS),
    ).first()
    if replay is not None:  # the same comment sent twice (double click): published once
        return replay
    comment = Comment.objects.create(submission=submission, author=author, body=body)
    log_action(actor=author, action="calls.comment_created", obj=comment)
    return comment


@transaction.atomic
def comment_report(*, reporter, comment: Comment) -> bool:
    """Report a comment to the moderators; reporting twice counts once."""
    _, created = CommentReport.objects.get_or_create(comment=comment, reporter=reporter)
    if created:
        log_action(actor=reporter, action="calls.comment_reported", obj=comment)
    return created


def _close_reports(comment: Comment) -> int:
    return CommentReport.objects.filter(comment=comment, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str) -> Comment:
    """Hide a comment with a public reason; its open reports are closed with it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la modération.")})
    comment.is_hidden = True
    comment.hidden_reason = reason.strip()[:200]
    comment.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    _close_reports(comment)
    log_action(
        actor=actor, action="calls.comment_hidden", obj=comment, data={"reason": reason.strip()}
    )
    return comment


@transaction.atomic
def comment_reports_dismiss(*, actor, comment: Comment) -> int:
    """Keep a reported comment visible: its open reports are closed ("classés sans suite") and
    it leaves the moderators' queue (a new report brings it back). Returns how many."""
    closed = _close_reports(comment)
    if not closed:
        raise ValidationError(_("Ce commentaire n'a pas de signalement à traiter."))
    log_action(
        actor=actor,
        action="calls.comment_reports_dismissed",
        obj=comment,
        data={"reports": closed},
        public_change=False,
    )
    return closed


@transaction.atomic
def comment_restore(*, actor, comment: Comment) -> Comment:
    comment.is_hidden = False
    comment.hidden_reason = ""
    comment.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    log_action(actor=actor, action="calls.comment_restored", obj=comment)
    return comment
