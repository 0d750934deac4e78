"""The projects submitted to a call can be followed (``renouveau.follows``): supporters and
neighbours hear when one is found admissible or not (with the public reason), when its cost is
set after analysis, when it is merged, and whether the vote selects it."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renouveau.core.templatetags.renouveau import amount
from renouveau.follows.registry import Followable, choice_changed, text_given

from .models import Submission


def _public():
    return Submission.objects.public().filter(call__is_published=True)


def _state(submission: Submission) -> dict:
    return {
        "status": submission.status,
        "reason": submission.public_reason,
        "cost": str(submission.cost),
        "cost_reason": submission.cost_adjustment_reason,
    }


def _changes(old: dict, new: dict) -> list[str]:
    said = choice_changed(
        _("État : %(old)s → %(new)s"), Submission.Status.choices, old.get("status"), new["status"]
    )
    said += text_given(_("Motif : %(text)s"), old.get("reason"), new["reason"])
    if old.get("cost") is not None and Decimal(old["cost"]) != Decimal(new["cost"]):
        said.append(
            _("Coût retenu : %(old)s → %(new)s")
            % {"old": amount(Decimal(old["cost"]), "€"), "new": amount(Decimal(new["cost"]), "€")}
        )
    return said + text_given(
        _("Pourquoi ce coût : %(text)s"), old.get("cost_reason"), new.get("cost_reason")
    )


FOLLOWABLES = [
    Followable(
        model="calls.submission",
        kind=gettext_lazy("projet déposé"),
        public=_public,
        state=_state,
        changes=_changes,
        promise=gettext_lazy(
            "Un e-mail par jour au plus, quand il est analysé, son coût fixé ou le vote dépouillé."
        ),
        follow_label=gettext_lazy("Suivre ce projet"),
        following_text=gettext_lazy("Vous suivez ce projet."),
        sign_in_label=gettext_lazy("Connectez-vous pour suivre ce projet"),
    )
]
