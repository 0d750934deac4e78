"""Missions of the citizen reserve in the global search (``core/search.py``): the public
mission list only (published, not over; never a draft nor a volunteer's data)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .selectors import mission_public_list


def search_section(query: str, user) -> SearchSection | None:
    queryset = text_filter(
        mission_public_list().prefetch_related(None),
        ("title", "description", "place", "commune__name"),
        query,
    )
    missions, count = first_results(queryset)
    return SearchSection(
        order=80,
        heading=_("Réserve citoyenne"),
        groups=[
            Group(
                heading=_("Missions"),
                count=count,
                results=[
                    Result(
                        title=mission.title,
                        url=mission.get_absolute_url(),
                        context=f"{mission.commune.name} · {mission.get_status_display()}",
                        when=mission.starts_at,
                        when_label=_("Le"),
                        is_demo=mission.is_demo,
                    )
                    for mission in missions
                ],
                more_url=reverse("reserve:mission_list"),
                more_label=_("Toutes les missions"),
            )
        ],
    )
