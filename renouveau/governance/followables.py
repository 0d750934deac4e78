"""The recommendations of the plan's bodies (citizens' convention, councils) can be followed
(``renouveau.follows``): a resident hears when the Metropolis gives its response (« suite
donnée ») and its justification, or changes it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renouveau.follows.registry import Followable, choice_changed, text_given

from .models import Recommendation


def _public():
    return Recommendation.objects.all()  # every recommendation is public, as on its list


def _state(recommendation: Recommendation) -> dict:
    return {"response": recommendation.response, "text": recommendation.response_text}


def _changes(old: dict, new: dict) -> list[str]:
    said = choice_changed(
        _("Suite donnée : %(old)s → %(new)s"),
        Recommendation.Response.choices,
        old.get("response"),
        new["response"],
    )
    return said + text_given(_("Réponse de la Métropole : %(text)s"), old.get("text"), new["text"])


FOLLOWABLES = [
    Followable(
        model="governance.recommendation",
        kind=gettext_lazy("recommandation"),
        public=_public,
        state=_state,
        changes=_changes,
        promise=gettext_lazy(
            "Un e-mail par jour au plus, quand la Métropole y répond ou change sa réponse."
        ),
        follow_label=gettext_lazy("Suivre cette recommandation"),
        following_text=gettext_lazy("Vous suivez cette recommandation."),
        sign_in_label=gettext_lazy("Connectez-vous pour suivre cette recommandation"),
    )
]
