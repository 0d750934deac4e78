"""Ideas and reports can be followed (``renouveau.follows``): a supporter or a neighbour hears
when the contribution is answered — its state, the public answer, the plan's project that takes
it up, or the contribution it duplicates. Hidden contributions are not followable."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renouveau.follows.registry import Followable, choice_changed, text_given

from .models import Idea, Status


def _public():
    return Idea.objects.public()


def _state(idea: Idea) -> dict:
    return {
        "status": idea.status,
        "answer": idea.public_answer,
        "project": [idea.project.title, idea.project.get_absolute_url()]
        if idea.project_id and idea.project.is_published
        else None,
        "duplicate_of": [idea.duplicate_of.title, idea.duplicate_of.get_absolute_url()]
        if idea.duplicate_of_id and not idea.duplicate_of.is_hidden
        else None,
    }


def _changes(old: dict, new: dict) -> list[str]:
    said = choice_changed(
        _("État : %(old)s → %(new)s"), Status.choices, old.get("status"), new["status"]
    )
    said += text_given(_("Réponse publique : %(text)s"), old.get("answer"), new["answer"])
    if new["project"] and old.get("project") != new["project"]:
        said.append(_("Reprise dans le projet du plan : %(title)s") % {"title": new["project"][0]})
    if new["duplicate_of"] and old.get("duplicate_of") != new["duplicate_of"]:
        said.append(
            _("Rapprochée d'une contribution semblable : %(title)s")
            % {"title": new["duplicate_of"][0]}
        )
    return said


FOLLOWABLES = [
    Followable(
        model="ideas.idea",
        kind=gettext_lazy("idée ou signalement"),
        public=_public,
        state=_state,
        changes=_changes,
        promise=gettext_lazy(
            "Un e-mail par jour au plus, quand elle reçoit une réponse ou change d'état."
        ),
        follow_label=gettext_lazy("Suivre cette contribution"),
        following_text=gettext_lazy("Vous suivez cette contribution."),
        sign_in_label=gettext_lazy("Connectez-vous pour suivre cette contribution"),
    )
]
