"""The RGPD guard: every model of the project that links to a person, and every field that holds
an e-mail, a phone, a name or a text a person wrote, has a decision written here.

Either the person's export holds it and erasure deletes, detaches or anonymises it (``ERASED``,
checked for real by ``test_rgpd_end_to_end.py``), or it is kept, for the reason given
(``KEPT``). A new model or field without a decision makes ``test_every_personal_field_has_a
_decision`` fail and tells the developer what to do.

How the apps take part: ``accounts.signals`` (``personal_data_requested`` for the export,
``user_erased`` for the erasure), received in each app's ``handlers.py``.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

# ---------------------------------------------------------------------------------------------
# Links to the user model (ForeignKey, OneToOne, ManyToMany), "app.Model.field".
# ---------------------------------------------------------------------------------------------

#: Exported, then at erasure: "deleted" (no row links the person any more), "detached" (the row
#: stays, its link to the account emptied) or "anonymised" (the row stays, a public contribution
#: shown as by « Compte supprimé », what identified the person inside it emptied). The second
#: value is the section of the export that holds it.
ERASED: dict[str, tuple[str, str]] = {
    "accounts.Membership.user": ("deleted", "organisations"),
    "aids.AidAlert.user": ("deleted", "aid_alerts"),
    "aids.FunderMembership.user": ("deleted", "aid_funders"),
    "mutualaid.HelpOffer.author": ("anonymised", "mutual_aid"),
    "mutualaid.HelpRequest.author": ("anonymised", "mutual_aid"),
    "mutualaid.Match.proposed_by": ("anonymised", "mutual_aid"),
    "mutualaid.Message.sender": ("deleted", "mutual_aid"),
    "mutualaid.Testimony.author": ("anonymised", "mutual_aid"),
    "mutualaid.Initiative.created_by": ("anonymised", "mutual_aid"),
    "mutualaid.Report.reporter": ("anonymised", "mutual_aid"),
    "mutualaid.Block.blocker": ("deleted", "mutual_aid"),
    "mutualaid.Block.blocked": ("deleted", "mutual_aid"),
    "ideas.Idea.author": ("anonymised", "ideas"),
    "ideas.Support.user": ("anonymised", "ideas"),
    "ideas.Comment.author": ("anonymised", "ideas"),
    "ideas.Flag.reporter": ("anonymised", "ideas"),
    "ideas.RoutingRule.agents": ("deleted", "ideas"),
    "calls.Submission.author": ("anonymised", "appels_a_projets"),
    "calls.Submission.coauthors": ("deleted", "appels_a_projets"),
    "calls.Comment.author": ("anonymised", "appels_a_projets"),
    "calls.CommentReport.reporter": ("deleted", "appels_a_projets"),
    "calls.CoauthorInvitation.invited_by": ("detached", "appels_a_projets"),
    "calls.CoauthorInvitation.answered_by": ("deleted", "appels_a_projets"),
    "budgets.Ballot.voter": ("detached", "budget_participatif"),
    "reserve.Volunteer.user": ("anonymised", "citizen_reserve"),
    "reserve.Signal.reporter": ("detached", "citizen_reserve"),
    "alerts.Subscription.user": ("deleted", "alerts"),
    "alerts.Notification.user": ("deleted", "alerts"),
    "alerts.Registration.user": ("deleted", "alerts"),
    "governance.Registration.user": ("deleted", "governance"),
    "governance.WaitlistEntry.user": ("deleted", "governance"),
    # Deleted before the draw; after it, detached and named « Compte supprimé ».
    "governance.Candidate.user": ("deleted", "governance"),
    "governance.Membership.user": ("detached", "governance"),
    "follows.Follow.user": ("deleted", "suivis"),
}

#: ERASED links a resident cannot make themself (an agent's or administrator's act): the
#: end-to-end resident is not asked to fill them; their app's own tests cover them.
NOT_BY_A_RESIDENT = {
    "aids.FunderMembership.user": "an administrator attaches an agent to a funder",
    "ideas.RoutingRule.agents": "an administrator names the agents an idea is routed to",
    "governance.Membership.user": "an agent enters the members of the plan's bodies",
}

_AGENT_ACT = (
    "an agent's, moderator's or elected official's act in their role: a public act or a "
    "decision the record must keep; the account row stays as an anonymous tombstone, so it "
    "shows « Compte supprimé »"
)

#: Kept at erasure (still linked to the anonymous tombstone), with the reason.
KEPT: dict[str, str] = {
    "core.AuditLog.actor": (
        "the audit trail is a legal obligation of the administration (who did what, when): "
        "the actor stays the tombstone, and the lines about the person no longer name them "
        "(accounts.user_erase rewrites object_repr); the person's own lines are exported "
        "(activity_log)"
    ),
    "guides.SituationBanner.created_by": _AGENT_ACT,
    "mutualaid.Report.handled_by": _AGENT_ACT,
    "ideas.StatusChange.actor": _AGENT_ACT,
    "ideas.Flag.handled_by": _AGENT_ACT,
    "calls.Call.created_by": _AGENT_ACT,
    "budgets.Ballot.recorded_by": _AGENT_ACT + " (a paper ballot typed in)",
    "budgets.TrackedProjectUpdate.author": _AGENT_ACT,
    "portfolio.Score.assessor": _AGENT_ACT + "; exported (portfolio)",
    "portfolio.Scenario.created_by": _AGENT_ACT,
    "portfolio.Programme.created_by": _AGENT_ACT,
    "monitoring.Measurement.created_by": _AGENT_ACT + "; exported (monitoring)",
    "reserve.Volunteer.validated_by": _AGENT_ACT,
    "reserve.Volunteer.distinguished_by": _AGENT_ACT,
    "reserve.Mission.organiser": _AGENT_ACT,
    "reserve.Signal.handled_by": _AGENT_ACT,
    "alerts.Alert.created_by": _AGENT_ACT,
    "alerts.Alert.published_by": _AGENT_ACT,
    "alerts.CrisisMode.started_by": _AGENT_ACT,
    "alerts.CrisisMode.ended_by": _AGENT_ACT,
    "alerts.Exercise.created_by": _AGENT_ACT,
    "governance.Meeting.created_by": _AGENT_ACT,
    "governance.Draw.drawn_by": _AGENT_ACT,
    "governance.Recommendation.responded_by": _AGENT_ACT,
}

# ---------------------------------------------------------------------------------------------
# Text fields that may hold an e-mail, a phone, a name or what a person wrote, per model.
# ---------------------------------------------------------------------------------------------

PUBLIC = "a public contribution: exported, kept and shown as by « Compte supprimé »"
EMPTIED = "exported; emptied at erasure (or its row deleted)"
AGENT = "written by an agent or moderator in their role (a public act, a decision): kept"
NOT_PERSONAL = "not about a person: a reference, a code, a token, a title set by the platform"
LOG = "the audit trail: object_repr no longer names an erased person (see KEPT)"

TEXT: dict[str, dict[str, str]] = {
    "core.AuditLog": {"action": NOT_PERSONAL, "object_id": NOT_PERSONAL, "object_repr": LOG},
    "aids.AidAlert": {
        "email": EMPTIED,
        "title": EMPTIED,
        "token": EMPTIED,
        "fingerprint": EMPTIED,
    },
    "aids.Aid": {"contact": "the aid scheme's service desk, published by the funder"},
    "guides.SituationBanner": {"title": AGENT, "text": AGENT, "url": AGENT},
    "mutualaid.HelpOffer": {
        "title": PUBLIC,
        "description": PUBLIC,
        "neighbourhood": PUBLIC,
        "address": EMPTIED,
        "phone": EMPTIED,
        "hidden_reason": AGENT,
    },
    "mutualaid.HelpRequest": {
        "title": PUBLIC,
        "description": PUBLIC,
        "neighbourhood": PUBLIC,
        "address": EMPTIED,
        "phone": EMPTIED,
        "hidden_reason": AGENT,
        "beneficiary_name": EMPTIED,
    },
    "mutualaid.Match": {"note": EMPTIED},
    "mutualaid.Message": {"body": EMPTIED, "hidden_reason": AGENT},
    "mutualaid.Testimony": {"text": PUBLIC, "hidden_reason": AGENT},
    "mutualaid.Initiative": {
        "title": PUBLIC + " (its organisation's)",
        "description": PUBLIC + " (its organisation's)",
        "place": PUBLIC + " (its organisation's)",
        "schedule": PUBLIC + " (its organisation's)",
        "how_to_join": PUBLIC + " (its organisation's)",
        "hidden_reason": AGENT,
    },
    "mutualaid.Report": {"details": EMPTIED, "decision_reason": AGENT},
    "ideas.RoutingRule": {
        "service": NOT_PERSONAL,
        "email": "the service's shared mailbox, entered by an administrator",
    },
    "ideas.Idea": {
        "title": PUBLIC,
        "description": PUBLIC,
        "place": EMPTIED,
        "public_answer": AGENT,
        "routed_service": AGENT,
        "promoted_to": AGENT,
        "promoted_url": AGENT,
        "hidden_reason": AGENT,
    },
    "ideas.StatusChange": {"answer": AGENT},
    "ideas.Comment": {"body": PUBLIC, "hidden_reason": AGENT},
    "ideas.Flag": {"details": EMPTIED, "decision_reason": AGENT},
    "calls.Call": {
        "title": AGENT,
        "summary": AGENT,
        "description": AGENT,
        "eligibility": AGENT,
    },
    "calls.Submission": {
        "title": PUBLIC,
        "description": PUBLIC,
        "beneficiaries": PUBLIC,
        "address": PUBLIC + " (where the project would be built)",
        "cost_adjustment_reason": AGENT,
        "public_reason": AGENT,
    },
    "calls.Comment": {"body": PUBLIC, "hidden_reason": AGENT},
    "calls.CoauthorInvitation": {
        "email": EMPTIED + " (the invitations received are deleted; the ones sent are the "
        "invitee's data and lose their sender)",
        "token": NOT_PERSONAL,
    },
    "budgets.Ballot": {"paper_reference": AGENT},
    "budgets.TrackedProjectUpdate": {"note": AGENT},
    "portfolio.Score": {"justification": AGENT + "; exported"},
    "portfolio.ScoreRevision": {"justification": AGENT},
    "portfolio.Scenario": {"title": AGENT, "description": AGENT},
    "portfolio.Programme": {"fingerprint": NOT_PERSONAL},
    "monitoring.Project": {"owner": "the public body in charge of the project"},
    "monitoring.Measurement": {"source": AGENT + "; exported"},
    "reserve.Volunteer": {
        "availability_note": EMPTIED,
        "phone": EMPTIED,
        "charter_version": NOT_PERSONAL,
        "status_reason": EMPTIED,
        "citation": EMPTIED,
    },
    "reserve.Mission": {
        "title": AGENT,
        "description": AGENT,
        "place": AGENT,
        "cancel_reason": AGENT,
    },
    "reserve.Signal": {
        "place": "exported; kept for the crisis cell's record, detached from its author",
        "description": "exported; kept for the crisis cell's record, detached from its author",
        "resolution": AGENT,
    },
    "alerts.Alert": {
        name: AGENT
        for name in (
            "identifier",
            "sender",
            "sender_name",
            "note",
            "event",
            "headline",
            "description",
            "instruction",
            "contact",
            "event_en",
            "headline_en",
            "description_en",
            "instruction_en",
            "area_desc",
        )
    },
    "alerts.CrisisMode": {"headline": AGENT, "message": AGENT},
    "alerts.Exercise": {
        "title": AGENT,
        "scenario": AGENT,
        "place": AGENT,
        "organiser": AGENT + " (the organising service)",
        "debrief_went_well": AGENT,
        "debrief_to_improve": AGENT,
    },
    "governance.Membership": {
        "public_name": "a member of a public body: a public record, kept unlinked",
        "quality": "a member of a public body: a public record, kept unlinked",
    },
    "governance.Place": {"contact": "a public place's desk"},
    "governance.Meeting": {
        "title": AGENT,
        "location": AGENT,
        "agenda": AGENT,
        "cancellation_reason": AGENT,
        "minutes": AGENT,
    },
    "governance.Draw": {"title": AGENT, "description": AGENT, "seed": NOT_PERSONAL},
    "governance.Candidate": {
        "code": NOT_PERSONAL,
        "public_name": "deleted before the draw; « Compte supprimé » after it (the published "
        "result must stay verifiable)",
    },
    "governance.Recommendation": {
        "number": AGENT,
        "title": AGENT + " (a body's recommendation)",
        "text": AGENT + " (a body's recommendation)",
        "response_text": AGENT,
    },
    "plan.Session": {"president": "the elected official who chaired a public session"},
}

#: Field names that say "a person's e-mail, phone or name" wherever they are.
PERSONAL_NAME = re.compile(
    r"e_?mail|phone|contact|beneficiar|public_name|president|organiser|owner"
)


def _user_links(project_models=None):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in project_models or _project_models():
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is not user_model:
                continue
            # A many-to-many through a model of ours is decided on that model's foreign key.
            if field.many_to_many and not field.remote_field.through._meta.auto_created:
                continue
            yield model, field


def _project_models():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("renouveau.") and model is not user_model
    ]


def _text_fields(project_models=None):
    """Text fields of the models that link to a person, free texts of the rows that hang from
    them (a score's revisions), and person-sounding fields anywhere."""
    project_models = project_models or _project_models()
    linked = {model for model, _field in _user_links(project_models)}
    for model in project_models:
        hanging = any(
            field.many_to_one and field.related_model in linked
            for field in model._meta.concrete_fields
        )
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if field.choices or isinstance(field, models.SlugField):
                continue
            if isinstance(field, models.EmailField) or PERSONAL_NAME.search(field.name):
                yield model, field
            elif model in linked or (hanging and isinstance(field, models.TextField)):
                yield model, field


def undecided_links(project_models=None) -> str:
    """The message telling what to do about the links to a person without a decision ("" when
    every one has its decision)."""
    undecided = [
        f"{model._meta.label}.{field.name}"
        for model, field in _user_links(project_models)
        if f"{model._meta.label}.{field.name}" not in ERASED
        and f"{model._meta.label}.{field.name}" not in KEPT
    ]
    if not undecided:
        return ""
    return (
        f"{undecided} link to a person without an RGPD decision. Either put it in the person's "
        "export (a receiver of accounts.signals.personal_data_requested in the app's "
        "handlers.py) and delete, detach or anonymise it on user_erased, then add it to ERASED "
        "in renouveau/accounts/tests/test_rgpd_guard.py and make the resident of "
        "test_rgpd_end_to_end.py fill it; or add it to KEPT there with the reason it is kept."
    )


def test_every_link_to_a_person_has_a_decision():
    both = set(ERASED) & set(KEPT)
    assert not both, f"{both}: decide once, either ERASED or KEPT"
    message = undecided_links()
    assert not message, message


@isolate_apps("renouveau.accounts")
def test_a_new_model_linking_a_person_without_a_decision_fails_with_what_to_do():
    from renouveau.accounts.models import User

    class Petition(models.Model):
        signed_by = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "accounts"

        def __str__(self) -> str:
            return "pétition"

    message = undecided_links([Petition])
    assert "accounts.Petition.signed_by" in message
    assert "personal_data_requested" in message and "KEPT" in message


def undecided_texts(project_models=None) -> str:
    """The message telling what to do about the personal text fields without a decision."""
    undecided = [
        f"{model._meta.label}.{field.name}"
        for model, field in _text_fields(project_models)
        if field.name not in TEXT.get(model._meta.label, {})
    ]
    if not undecided:
        return ""
    return (
        f"{undecided} may hold an e-mail, a phone, a name or a text a person wrote, without an "
        "RGPD decision. Export it with the person's data and empty it at erasure (the app's "
        "handlers.py, or the personal_data / personal_data_erase of its services.py), or say "
        "why it is kept: add it to TEXT in renouveau/accounts/tests/test_rgpd_guard.py."
    )


def test_every_personal_text_field_has_a_decision():
    message = undecided_texts()
    assert not message, message


@isolate_apps("renouveau.accounts")
def test_a_new_personal_text_field_without_a_decision_fails_with_what_to_do():
    from renouveau.accounts.models import User

    class Neighbour(models.Model):
        added_by = models.ForeignKey(User, on_delete=models.CASCADE)
        remark = models.TextField()

        class Meta:
            app_label = "accounts"

        def __str__(self) -> str:
            return self.remark

    class Shop(models.Model):
        opening_hours = models.CharField(max_length=50)
        contact_phone = models.CharField(max_length=20)

        class Meta:
            app_label = "accounts"

        def __str__(self) -> str:
            return self.opening_hours

    message = undecided_texts([Neighbour, Shop])
    assert "accounts.Neighbour.remark" in message and "accounts.Shop.contact_phone" in message
    assert "opening_hours" not in message  # a shop's hours name nobody
    assert "add it to TEXT" in message


def test_the_decisions_name_real_fields():
    """A table that names a field that no longer exists hides a decision nobody checks."""
    links = {f"{model._meta.label}.{field.name}" for model, field in _user_links()}
    stale = sorted((set(ERASED) | set(KEPT) | set(NOT_BY_A_RESIDENT)) - links)
    assert not stale, f"{stale} are not links to a person any more: update the tables"
    fields = {(model._meta.label, field.name) for model, field in _text_fields()}
    stale = sorted(
        f"{label}.{name}"
        for label, names in TEXT.items()
        for name in names
        if (label, name) not in fields
    )
    assert not stale, f"{stale} are not personal text fields any more: update TEXT"
    assert set(NOT_BY_A_RESIDENT) <= set(ERASED)
    outcomes = {outcome for outcome, _section in ERASED.values()}
    assert outcomes <= {"deleted", "detached", "anonymised"}
