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

from renouveau.core.emails import choice_label, email_enqueue
from renouveau.core.services import changed_fields, log_action

from .models import (
    Call,
    CoauthorInvitation,
    Comment,
    CommentReport,
    Phase,
    Submission,
    _invitation_expiry,
)
from .rules import can_merge

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
    if organisation is None:
        return
    if not organisation.members.filter(pk=user.pk).exists():
        raise ValidationError({"organisation": _("Vous n'êtes pas membre de cette organisation.")})
    if not organisation.is_verified:
        # Anyone may create an organisation with any name: speaking in its name waits for an
        # agent's verification (as its initiatives in mutual aid wait to be shown).
        raise ValidationError(
            {
                "organisation": _(
                    "Cette organisation n'a pas encore été vérifiée par un agent : déposez le "
                    "projet à titre personnel, ou attendez sa vérification."
                )
            }
        )


def _check_manager(actor) -> None:
    if not (actor is not None and actor.has_perm("calls.manage_call")):
        raise PermissionDenied(_("Seuls les agents de la Métropole gèrent les appels à projets."))


def _check_moderator(actor) -> None:
    if not (actor is not None and actor.has_perm("calls.moderate_comment")):
        raise PermissionDenied(_("Seuls les modérateurs peuvent modérer les commentaires."))


# ---------------------------------------------------------------- calls


@transaction.atomic
def call_create(*, actor, data: dict[str, Any], themes=()) -> Call:
    _check_manager(actor)
    call = Call(created_by=actor, **data)
    call.full_clean()
    call.save()
    call.themes.set(themes)
    log_action(actor=actor, action="calls.call_created", obj=call)
    return call


@transaction.atomic
def call_update(*, actor, call: Call, data: dict[str, Any], themes=None) -> Call:
    _check_manager(actor)
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
    _check_manager(actor)
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
    if not submission.is_author(actor):
        raise PermissionDenied(_("Seuls les auteurs du projet peuvent le modifier."))
    _check_workstream(submission.call, data.get("workstream", submission.workstream))
    # Only a change of organisation is checked: a co-author who is not a member of the
    # author's organisation keeps it when editing the text.
    new_organisation = getattr(data.get("organisation"), "pk", None)
    if "organisation" in data and new_organisation != submission.organisation_id:
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


# ---------------------------------------------------------------- co-authors, by consent

# At most this many invitations waiting for an answer per project (expired ones do not count).
MAX_PENDING_INVITATIONS = 10


def verified_addresses(user) -> set[str]:
    """The addresses (lower case) ``user`` has proved they own (allauth's verified ones)."""
    from allauth.account.models import EmailAddress

    if not getattr(user, "is_authenticated", False) or getattr(user, "erased_at", None):
        return set()
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def _send_invitation(invitation: CoauthorInvitation, inviter) -> None:
    from django.conf import settings
    from django.urls import reverse

    submission = invitation.submission
    context = {
        "title": submission.title,
        "call": submission.call.title,
        "inviter": (inviter.display_name if inviter is not None else "") or "",
        "url": settings.SITE_URL + reverse("calls:invitation", args=[invitation.token]),
        "expires_at": invitation.expires_at,
    }
    address = invitation.email
    # To the address in every case, in the language of its account when it has one (its
    # main address or another verified one): what happens does not depend on whether the
    # address is known.
    language = address_account_language(address)
    transaction.on_commit(
        lambda: email_enqueue(
            to=address, template="calls/emails/invitation", context=context, language=language
        )
    )


def address_account_language(address: str) -> str | None:
    """The e-mail language of the account an address belongs to — its ``User.email``, or
    one of its verified allauth addresses — ``None`` (the site's language) without one."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(erased_at__isnull=True)
    owner = users.filter(email__iexact=address).first()
    if owner is None:
        owner = users.filter(
            pk__in=EmailAddress.objects.filter(email__iexact=address, verified=True).values(
                "user_id"
            )
        ).first()
    if owner is None:
        return None
    known = {code for code, _label in settings.LANGUAGES}
    return owner.language if owner.language in known else settings.LANGUAGE_CODE


@transaction.atomic
def coauthor_invite(*, actor, submission: Submission, email: str) -> CoauthorInvitation:
    """Invite an address to co-author a project (its author or a co-author, while the project
    may still change). The same thing happens whether or not the address has an account, and
    whether or not that account is already an author: an invitation is recorded and e-mailed;
    nobody becomes a co-author until they accept. Inviting a pending address again sends the
    same invitation again with a new expiry."""
    submission = Submission.objects.select_for_update().select_related("call").get(pk=submission.pk)
    if not actor.has_perm("calls.invite_coauthor", submission):
        raise PermissionDenied(
            _(
                "Seuls les auteurs peuvent inviter un co-auteur, pendant le dépôt et tant que le "
                "projet n'a pas été analysé."
            )
        )
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Indiquez l'adresse e-mail de la personne à inviter.")})
    if email == (actor.email or "").lower() or email in verified_addresses(actor):
        raise ValidationError(
            {"email": _("C'est votre propre adresse : indiquez celle de la personne à inviter.")}
        )
    invitation = CoauthorInvitation.objects.filter(
        submission=submission, email=email, status=CoauthorInvitation.Status.PENDING
    ).first()
    if invitation is None:
        pending = CoauthorInvitation.objects.filter(submission=submission).pending().count()
        if pending >= MAX_PENDING_INVITATIONS:
            raise ValidationError(
                {
                    "email": _(
                        "Ce projet a déjà %(count)s invitations en attente de réponse : annulez-en "
                        "une avant d'en envoyer une autre."
                    )
                    % {"count": pending}
                }
            )
        invitation = CoauthorInvitation.objects.create(
            submission=submission, email=email, invited_by=actor
        )
        action = "calls.coauthor_invited"
    else:
        invitation.expires_at = _invitation_expiry()
        invitation.invited_by = actor
        invitation.save(update_fields=["expires_at", "invited_by", "updated_at"])
        action = "calls.coauthor_invitation_renewed"
    invitation.submission = submission
    # The address is not in the audit line: agents read the journal.
    log_action(
        actor=actor,
        action=action,
        obj=invitation,
        data={"submission": submission.pk},
        public_change=False,
    )
    _send_invitation(invitation, actor)
    return invitation


def _locked_invitation(invitation: CoauthorInvitation) -> tuple[CoauthorInvitation, Submission]:
    """The project, then the invitation, locked in that order (as ``coauthor_invite`` does), so
    that two answers, or an answer and a new sending, run one after the other."""
    submission = (
        Submission.objects.select_for_update()
        .select_related("call")
        .get(pk=invitation.submission_id)
    )
    locked = CoauthorInvitation.objects.select_for_update().get(pk=invitation.pk)
    locked.submission = submission
    return locked, submission


def is_invitee(user, invitation: CoauthorInvitation) -> bool:
    return invitation.email.lower() in verified_addresses(user)


def _check_invitee(user, invitation: CoauthorInvitation) -> None:
    if not is_invitee(user, invitation):
        raise PermissionDenied(
            _(
                "Cette invitation a été envoyée à une autre adresse que les adresses vérifiées de "
                "votre compte. Connectez-vous avec le compte de l'adresse invitée, ou ajoutez-la "
                "à votre compte et confirmez-la."
            )
        )


def project_may_change(submission: Submission) -> bool:
    return submission.call.phase == Phase.SUBMISSION and (
        submission.status == Submission.Status.SUBMITTED
    )


@transaction.atomic
def invitation_accept(*, user, invitation: CoauthorInvitation) -> bool:
    """The invitee accepts: they become a co-author, exactly once (a second click, or two
    requests at once, find the invitation accepted and change nothing). Returns whether this
    call made them a co-author."""
    invitation, submission = _locked_invitation(invitation)
    _check_invitee(user, invitation)
    Status = CoauthorInvitation.Status
    if invitation.status == Status.ACCEPTED and invitation.answered_by_id == user.pk:
        return False
    if invitation.status != Status.PENDING:
        raise ValidationError(_("Cette invitation n'est plus valable (annulée ou déjà répondue)."))
    if invitation.is_expired:
        raise ValidationError(
            _(
                "Cette invitation a expiré : demandez aux auteurs du projet de vous inviter à nouveau."
            )
        )
    if not project_may_change(submission):
        raise ValidationError(
            _(
                "Ce projet ne peut plus changer (le dépôt est clos, ou il a été analysé ou "
                "retiré) : l'invitation ne peut plus être acceptée."
            )
        )
    invitation.status = Status.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.answered_by = user
    invitation.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    log_action(
        actor=user,
        action="calls.coauthor_invitation_accepted",
        obj=invitation,
        data={"submission": submission.pk},
        public_change=False,
    )
    if submission.is_author(user):  # already the author or a co-author: nothing to add
        return False
    submission.coauthors.add(user)
    log_action(
        actor=user,
        action="calls.coauthor_added",
        obj=submission,
        data={"user": user.pk, "invitation": invitation.pk},
    )
    _tell_accepted(invitation, submission, user)
    return True


def _tell_accepted(invitation: CoauthorInvitation, submission: Submission, user) -> None:
    """The author (and whoever sent the invitation, if another co-author) hear that the
    invitee has joined: they asked for it, by this very address."""
    from django.conf import settings

    people = {submission.author, invitation.invited_by} - {None, user}
    to = sorted(
        {p.email for p in people if p.email and not getattr(p, "erased_at", None) and p.is_active}
    )
    if not to:
        return
    context = {
        "title": submission.title,
        "name": user.display_name or invitation.email,
        "url": settings.SITE_URL + submission.get_absolute_url(),
    }
    transaction.on_commit(
        lambda: email_enqueue(to=to, template="calls/emails/invitation_accepted", context=context)
    )


@transaction.atomic
def invitation_decline(*, user, invitation: CoauthorInvitation) -> bool:
    """The invitee declines: nothing else changes. Declining twice is done already (False)."""
    invitation, submission = _locked_invitation(invitation)
    _check_invitee(user, invitation)
    Status = CoauthorInvitation.Status
    if invitation.status == Status.DECLINED:
        return False
    if invitation.status != Status.PENDING:
        raise ValidationError(_("Cette invitation n'est plus valable (annulée ou déjà répondue)."))
    invitation.status = Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.answered_by = user
    invitation.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    log_action(
        actor=user,
        action="calls.coauthor_invitation_declined",
        obj=invitation,
        data={"submission": submission.pk},
        public_change=False,
    )
    return True


@transaction.atomic
def invitation_cancel(*, actor, invitation: CoauthorInvitation) -> bool:
    """An author or co-author cancels a pending invitation (its link stops working)."""
    invitation, submission = _locked_invitation(invitation)
    if not submission.is_author(actor):
        raise PermissionDenied(_("Seuls les auteurs du projet peuvent annuler une invitation."))
    Status = CoauthorInvitation.Status
    if invitation.status == Status.CANCELLED:
        return False
    if invitation.status != Status.PENDING:
        raise ValidationError(
            _("Cette invitation a déjà reçu une réponse : elle ne peut plus être annulée.")
        )
    invitation.status = Status.CANCELLED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])
    log_action(
        actor=actor,
        action="calls.coauthor_invitation_cancelled",
        obj=invitation,
        data={"submission": submission.pk},
        public_change=False,
    )
    return True


@transaction.atomic
def submission_leave(*, user, submission: Submission) -> bool:
    """A co-author takes their name off a project, in any phase. Leaving twice: False."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.author_id == user.pk:
        raise PermissionDenied(
            _("L'auteur ne quitte pas son projet : il peut le retirer pendant le dépôt.")
        )
    if not submission.coauthors.filter(pk=user.pk).exists():
        return False
    submission.coauthors.remove(user)
    log_action(actor=user, action="calls.coauthor_left", obj=submission, data={"user": user.pk})
    return True


# Ended invitations (expired, declined, cancelled) are kept this long, then deleted: they hold
# an address that may belong to nobody with an account. Accepted ones stay: they record the
# co-author's consent.
INVITATION_KEEP_DAYS = 30


@transaction.atomic
def invitations_purge(*, now=None) -> int:
    """Delete the invitations that ended more than ``INVITATION_KEEP_DAYS`` ago; returns how
    many (``tasks.purge_old_invitations``, daily)."""
    from django.db.models import Q

    cutoff = (now or timezone.now()) - timedelta(days=INVITATION_KEEP_DAYS)
    Status = CoauthorInvitation.Status
    deleted, _ = CoauthorInvitation.objects.filter(
        Q(status=Status.PENDING, expires_at__lt=cutoff)
        | Q(status__in=[Status.DECLINED, Status.CANCELLED], answered_at__lt=cutoff)
    ).delete()
    if deleted:
        log_action(
            actor=None,
            action="calls.invitations_purged",
            data={"count": deleted},
            public_change=False,
        )
    return deleted


@transaction.atomic
def submission_withdraw(*, actor, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update().select_related("call").get(pk=submission.pk)
    if not actor.has_perm("calls.withdraw_submission", submission):
        raise PermissionDenied(_("Vous ne pouvez pas retirer ce projet."))
    submission.status = Submission.Status.WITHDRAWN
    submission.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="calls.submission_withdrawn", obj=submission)
    return submission


REVIEWABLE = (Submission.Status.SUBMITTED, Submission.Status.ACCEPTED, Submission.Status.REJECTED)


def _reviewable(submission: Submission, actor) -> Submission:
    locked = Submission.objects.select_for_update().select_related("call").get(pk=submission.pk)
    if not actor.has_perm("calls.review_submission", locked):
        raise PermissionDenied(_("Vous ne pouvez pas analyser ce projet."))
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
        "status": choice_label(submission, "status"),
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
    submission = _reviewable(submission, actor)
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
    submission = _reviewable(submission, actor)
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
    """Merge a duplicate into another project of the same call. The agent must be allowed to
    review both (a commune agent: two projects of their communes). The merged project's author
    and co-authors become co-authors of the kept project without being asked: the agent decides
    that the two are one project; each of them may leave it (``submission_leave``)."""
    # Both rows locked in the order of their ids: two agents merging A into B and B into A at
    # once wait for each other instead of deadlocking.
    list(
        Submission.objects.select_for_update()
        .filter(pk__in=[submission.pk, into.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    submission = _reviewable(submission, actor)
    if into.pk == submission.pk:
        raise ValidationError({"into": _("Choisissez un autre projet du même appel.")})
    into = Submission.objects.select_for_update().select_related("call").get(pk=into.pk)
    if into.call_id != submission.call_id:
        raise ValidationError({"into": _("Choisissez un autre projet du même appel.")})
    if not can_merge(actor, submission, into):
        raise PermissionDenied(
            _("Vous ne pouvez fusionner que des projets des communes dont vous avez la charge.")
        )
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
    added = [u for u in people if u.pk != into.author_id and not u.erased_at]
    into.coauthors.add(*added)
    log_action(
        actor=actor,
        action="calls.submission_merged",
        obj=submission,
        data={"into": into.pk, "coauthors_added": sorted(u.pk for u in added)},
    )
    _notify_author(submission)
    return submission


# ---------------------------------------------------------------- comments


@transaction.atomic
def comment_create(*, author, submission: Submission, body: str) -> Comment:
    """Comment on a submitted project: a signed-in, active account, while its call is open
    for comments (submission to the end of the vote), checked here as in the view."""
    if author is None or not author.has_perm("calls.comment", submission):
        raise PermissionDenied(_("Les commentaires sont fermés pour cet appel."))
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
    _check_moderator(actor)
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
    _check_moderator(actor)
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
    _check_moderator(actor)
    comment.is_hidden = False
    comment.hidden_reason = ""
    comment.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    log_action(actor=actor, action="calls.comment_restored", obj=comment)
    return comment
