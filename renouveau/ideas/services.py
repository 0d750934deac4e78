"""Writes of the ideas app. Each service is one transaction that writes the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core.emails import choice_label, email_enqueue
from renouveau.core.services import log_action

from .images import photo_clean
from .models import Comment, Flag, Idea, RoutingRule, Status, StatusChange, Support


def promotion_threshold() -> int:
    return int(getattr(settings, "IDEAS_PROMOTION_THRESHOLD", 10))


def routing_for(*, category: str, commune) -> RoutingRule | None:
    """The most specific rule for a category in a commune (commune > Territoire > metropolis,
    a given category > any category)."""
    rules = RoutingRule.objects.filter(
        Q(category=category) | Q(category=""),
        Q(commune=commune)
        | Q(commune__isnull=True, territory_id=commune.territory_id)
        | Q(commune__isnull=True, territory__isnull=True),
    )
    return max(rules, key=lambda rule: rule.specificity, default=None)


def _notify(*, to: list[str], template: str, context: dict) -> None:
    to = [address for address in to if address and not address.endswith("@invalid")]
    if not to:
        return
    site = settings.SITE_URL
    transaction.on_commit(
        lambda: email_enqueue(to=to, template=template, context={**context, "site": site})
    )


def _current_agents(rule: RoutingRule):
    """The rule's agents who are still agents (a withdrawn role or a closed account keeps its
    place in the rule until an administrator edits it, but gets no more e-mails)."""
    from renouveau.accounts.roles import Role

    roles = [Role.COMMUNE_AGENT.value, Role.METROPOLIS_AGENT.value, Role.ADMINISTRATOR.value]
    return rule.agents.filter(is_active=True, groups__name__in=roles).distinct()


IDEA_FIELDS = (
    "kind",
    "title",
    "description",
    "category",
    "workstream",
    "commune",
    "place",
    "latitude",
    "longitude",
)


# A second identical submission within this delay (a double tap on a slow phone, the form
# sent again) gives back the first one: no duplicate, no second e-mail to the service.
DOUBLE_SUBMIT_SECONDS = 120


def _recent_twin(queryset, *, author):
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    # Serialise the author's writes: the two requests of a double tap run one after the other.
    get_user_model().objects.select_for_update().filter(pk=author.pk).values_list("pk").first()
    since = timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
    return queryset.filter(author=author, created_at__gte=since).order_by("-created_at").first()


@transaction.atomic
def idea_create(*, author, data: dict[str, Any], photo=None) -> Idea:
    twin = _recent_twin(
        Idea.objects.filter(
            kind=data.get("kind"),
            title=data.get("title"),
            description=data.get("description"),
            commune=data.get("commune"),
        ),
        author=author,
    )
    if twin is not None:
        return twin
    idea = Idea(author=author, **{name: data.get(name) for name in IDEA_FIELDS if name in data})
    if photo:
        idea.photo = photo_clean(photo)
    rule = routing_for(category=idea.category, commune=idea.commune)
    if rule is not None:
        idea.routing_rule = rule
        idea.routed_service = rule.service
    idea.save()
    StatusChange.objects.create(idea=idea, status=Status.RECEIVED, actor=author)
    log_action(
        actor=author,
        action="ideas.idea_created",
        obj=idea,
        data={"category": idea.category, "routed_to": idea.routed_service},
    )
    if rule is not None:
        recipients = [rule.email, *_current_agents(rule).values_list("email", flat=True)]
        _notify(
            to=recipients,
            template="ideas/emails/routed",
            context={"idea_id": idea.pk, "title": idea.title},
        )
    return idea


@transaction.atomic
def idea_support(*, user, idea: Idea) -> Support:
    if idea.author_id == user.pk:
        raise ValidationError(_("Vous ne pouvez pas soutenir votre propre contribution."))
    if idea.is_hidden or idea.is_closed:
        raise ValidationError(_("Cette contribution ne peut plus recevoir de soutien."))
    try:
        with transaction.atomic():
            support = Support.objects.create(idea=idea, user=user)
    except IntegrityError as exc:
        raise ValidationError(_("Vous soutenez déjà cette contribution.")) from exc
    Idea.objects.filter(pk=idea.pk).update(supports_count=F("supports_count") + 1)
    log_action(actor=user, action="ideas.idea_supported", obj=idea)
    return support


@transaction.atomic
def idea_unsupport(*, user, idea: Idea) -> None:
    deleted, _details = Support.objects.filter(idea=idea, user=user).delete()
    if deleted:
        Idea.objects.filter(pk=idea.pk, supports_count__gt=0).update(
            supports_count=F("supports_count") - 1
        )
        log_action(actor=user, action="ideas.idea_unsupported", obj=idea)


@transaction.atomic
def comment_add(*, author, idea: Idea, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Le commentaire est vide.")})
    if idea.is_hidden:
        raise ValidationError(_("Cette contribution n'accepte plus de commentaires."))
    twin = _recent_twin(Comment.objects.filter(idea=idea, body=body), author=author)
    if twin is not None:
        return twin
    comment = Comment.objects.create(idea=idea, author=author, body=body)
    log_action(actor=author, action="ideas.comment_added", obj=comment)
    return comment


def project_from_url(url: str):
    """The published project of the plan's monitoring that ``url`` points to (its page's
    address on this platform, absolute or not), else None."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from renouveau.monitoring.models import Project

    parts = urlsplit(url.strip())
    if parts.netloc:
        if parts.netloc != urlsplit(settings.SITE_URL).netloc:
            return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.view_name != "monitoring:project":
        return None
    return Project.objects.filter(slug=match.kwargs.get("slug"), is_published=True).first()


@transaction.atomic
def idea_status_change(
    *,
    actor,
    idea: Idea,
    status: str,
    answer: str,
    duplicate_of: Idea | None = None,
    promoted_to: str = "",
    promoted_url: str = "",
) -> Idea:
    """An agent changes the status with a public answer; the author is notified by e-mail."""
    if not actor.has_perm("ideas.answer_idea", idea):
        raise PermissionDenied
    errors: dict[str, str] = {}
    answer = answer.strip()
    if status not in Status.values:
        errors["status"] = _("État inconnu.")
    if not answer:
        errors["answer"] = _("Écrivez la réponse publique : l'auteur et les habitants la liront.")
    if status == Status.DUPLICATE:
        if duplicate_of is None:
            errors["duplicate_of"] = _("Indiquez la contribution dont celle-ci est le doublon.")
        elif duplicate_of.pk == idea.pk:
            errors["duplicate_of"] = _("Une contribution ne peut pas être son propre doublon.")
    if status == Status.PROMOTED:
        if not promoted_to.strip():
            errors["promoted_to"] = _("Indiquez le projet ou l'appel où l'idée est reprise.")
        if idea.supports_count < promotion_threshold():
            errors["status"] = _(
                "Une idée est promue à partir de %(n)d soutiens (elle en a %(count)d)."
            ) % {"n": promotion_threshold(), "count": idea.supports_count}
    if errors:
        raise ValidationError(errors)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if (
        status == idea.status
        and answer == idea.public_answer
        and (status != Status.DUPLICATE or idea.duplicate_of_id == duplicate_of.pk)
        and (
            status != Status.PROMOTED
            or (idea.promoted_to, idea.promoted_url) == (promoted_to.strip(), promoted_url.strip())
        )
    ):
        # The same answer sent twice (a double click, the form re-posted): nothing changes,
        # and the author is not e-mailed a second time.
        return idea
    previous = idea.status
    idea.status = status
    idea.public_answer = answer
    idea.answered_at = timezone.now()
    idea.duplicate_of = duplicate_of if status == Status.DUPLICATE else None
    if status == Status.PROMOTED:
        idea.promoted_to = promoted_to.strip()
        idea.promoted_url = promoted_url.strip()
        idea.project = project_from_url(idea.promoted_url)
    idea.save()
    StatusChange.objects.create(idea=idea, status=status, answer=answer, actor=actor)
    log_action(
        actor=actor,
        action="ideas.status_changed",
        obj=idea,
        data={"from": previous, "to": status},
    )
    _notify(
        to=[idea.author.email],
        template="ideas/emails/status",
        context={
            "idea_id": idea.pk,
            "title": idea.title,
            "status": choice_label(idea, "status"),
            "answer": answer,
        },
    )
    return idea


# Moderation --------------------------------------------------------------------------------


@transaction.atomic
def flag_create(*, reporter, target, reason: str, details: str = "") -> Flag:
    field = "comment" if isinstance(target, Comment) else "idea"
    existing = Flag.objects.filter(
        reporter=reporter, state=Flag.State.OPEN, **{field: target}
    ).first()
    if existing:
        return existing
    flag = Flag.objects.create(
        reporter=reporter, reason=reason, details=details.strip(), **{field: target}
    )
    log_action(actor=reporter, action="ideas.flag_created", obj=flag, data={field: target.pk})
    return flag


@transaction.atomic
def flag_decide(*, moderator, flag: Flag, hide: bool, reason: str) -> Flag:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la décision.")})
    target = flag.target
    if hide:
        target.is_hidden = True
        target.hidden_reason = reason
        target.save(update_fields=["is_hidden", "hidden_reason"])
    state = Flag.State.HIDDEN if hide else Flag.State.DISMISSED
    field = "comment" if flag.comment_id else "idea"
    Flag.objects.filter(state=Flag.State.OPEN, **{field: target}).update(
        state=state, handled_by=moderator, handled_at=timezone.now(), decision_reason=reason
    )
    flag.refresh_from_db()
    log_action(
        actor=moderator,
        action="ideas.content_hidden" if hide else "ideas.flag_dismissed",
        obj=target,
        data={"flag": flag.pk, "reason": reason},
    )
    return flag


@transaction.atomic
def content_restore(*, moderator, target, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la décision.")})
    target.is_hidden = False
    target.hidden_reason = ""
    target.save(update_fields=["is_hidden", "hidden_reason"])
    log_action(
        actor=moderator, action="ideas.content_restored", obj=target, data={"reason": reason}
    )


# RGPD --------------------------------------------------------------------------------------


def personal_data(*, user) -> dict[str, Any]:
    return {
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "description": idea.description,
                "commune": idea.commune.name,
                "place": idea.place,
                # What erasure removes is exported too: the position and the photo.
                "latitude": idea.latitude,
                "longitude": idea.longitude,
                "photo": (settings.SITE_URL + f"/idees/{idea.pk}/photo/") if idea.photo else None,
                "status": idea.status,
                "created_at": idea.created_at.isoformat(),
            }
            for idea in Idea.objects.filter(author=user).select_related("commune")
        ],
        "comments": [
            {"idea": c.idea_id, "date": c.created_at.isoformat(), "body": c.body}
            for c in Comment.objects.filter(author=user)
        ],
        "supports": list(Support.objects.filter(user=user).values_list("idea_id", flat=True)),
        "flags_filed": [
            {"date": f.created_at.isoformat(), "reason": f.reason, "details": f.details}
            for f in Flag.objects.filter(reporter=user)
        ],
        # An agent's assignments: the ideas of these services are routed to them.
        "routing_rules": list(
            RoutingRule.objects.filter(agents=user).order_by("pk").values_list("service", flat=True)
        ),
    }


@transaction.atomic
def personal_data_erase(*, user) -> None:
    """Ideas, comments and supports are public contributions: they stay, shown as "Compte
    supprimé". What could identify the person goes: photos, precise places, flag details."""
    for idea in Idea.objects.filter(author=user).exclude(photo=""):
        idea.photo.delete(save=False)
    Idea.objects.filter(author=user).update(photo="", place="", latitude=None, longitude=None)
    Flag.objects.filter(reporter=user).update(details="")
    # An erased agent receives no routed idea any more (their address is a tombstone's).
    RoutingRule.agents.through.objects.filter(user_id=user.pk).delete()
