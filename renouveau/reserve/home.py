"""Missions of the citizen reserve that still need volunteers, for the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .selectors import mission_public_list


def home_section() -> Section | None:
    missions = mission_public_list(filters={"available_only": True}).select_related("commune")[:3]
    return Section(
        order=30,
        heading=_("La réserve citoyenne cherche des bénévoles"),
        more_url=reverse("reserve:mission_list"),
        more_label=_("Toutes les missions"),
        entries=[
            Entry(
                title=mission.title,
                url=mission.get_absolute_url(),
                detail=mission.commune.name,
                when=mission.starts_at,
            )
            for mission in missions
        ],
    )
