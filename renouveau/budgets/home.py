"""The participatory-budget votes a signed-in person cast, for their account page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .models import Ballot


def my_section(user) -> Section | None:
    ballots = (
        Ballot.objects.filter(voter=user)
        .select_related("envelope__call")
        .order_by("-updated_at", "-id")[:5]
    )
    return Section(
        order=30,
        heading=_("Mes votes"),
        more_url=reverse("calls:index"),
        more_label=_("Tous les appels à projets"),
        entries=[
            Entry(
                title=f"{ballot.envelope.call.title} — {ballot.envelope.name}",
                url=ballot.envelope.get_absolute_url(),
                when=ballot.updated_at,
                when_label=_("Vote enregistré le"),
            )
            for ballot in ballots
        ],
    )
