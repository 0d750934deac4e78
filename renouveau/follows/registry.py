"""What can be followed: each app declares its followable models in ``<app>/followables.py``
(``FOLLOWABLES``, a list of :class:`Followable`), found like the home page's sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from renouveau.core.discovery import app_modules


@dataclass(frozen=True)
class Followable:
    #: ``app_label.model_name``, as in the addresses ``/suivis/<model>/<pk>/``.
    model: str
    #: What it is, for the pages ("projet du plan").
    kind: Any
    #: The objects anybody may follow and hear about (public ones only).
    public: Callable[[], QuerySet]
    #: The object's public state, JSON-able (compared from one digest to the next).
    state: Callable[[Model], dict]
    #: Plain sentences telling what changed between two states, in the active language.
    changes: Callable[[dict, dict], list[str]]
    #: Shown next to the button: what the e-mails will say.
    promise: Any = ""
    #: The button and its states, for this kind of thing.
    follow_label: Any = ""  # « Suivre ce projet »
    following_text: Any = ""  # « Vous suivez ce projet. »
    sign_in_label: Any = ""  # « Connectez-vous pour suivre ce projet »


def followables() -> dict[str, Followable]:
    found: dict[str, Followable] = {}
    for _app, module in app_modules("followables"):
        for followable in getattr(module, "FOLLOWABLES", ()):
            found[followable.model] = followable
    return found


def followable_for(obj_or_label) -> Followable | None:
    label = obj_or_label if isinstance(obj_or_label, str) else obj_or_label._meta.label_lower
    return followables().get(label)


# Sentences the followables share, so that each module only says which fields it tells.


def choice_changed(template: str, choices, old, new) -> list[str]:
    """``template`` (« État : %(old)s → %(new)s ») with the labels of two choice values, or
    nothing when the value did not change."""
    if old == new:
        return []
    labels = dict(choices)
    return [template % {"old": labels.get(old, old or "—"), "new": labels.get(new, new)}]


def text_given(template: str, old: str | None, new: str | None) -> list[str]:
    """``template`` (« Réponse publique : %(text)s ») with a new or changed text, shortened
    for an e-mail; nothing when there is no text or it did not change."""
    from django.utils.text import Truncator

    if not new or old == new:
        return []
    return [template % {"text": Truncator(new).chars(600)}]
