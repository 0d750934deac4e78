"""Ideas and reports in the global search (``core/search.py``): the public list's ideas only
(hidden ones excluded); the author's name is never shown here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .selectors import idea_list


def search_section(query: str, user) -> SearchSection | None:
    queryset = text_filter(idea_list(), ("title", "description", "place", "commune__name"), query)
    ideas, count = first_results(queryset)
    return SearchSection(
        order=40,
        heading=_("Idées et signalements"),
        groups=[
            Group(
                heading=_("Idées et signalements"),
                count=count,
                results=[
                    Result(
                        title=idea.title,
                        url=idea.get_absolute_url(),
                        context=" · ".join(
                            part
                            for part in (
                                idea.get_kind_display(),
                                idea.commune.name if idea.commune else "",
                                idea.get_status_display(),
                            )
                            if part
                        ),
                        when=idea.created_at,
                        when_label=_("Le"),
                        is_demo=idea.is_demo,
                    )
                    for idea in ideas
                ],
                more_url=reverse("ideas:index"),
                more_label=_("Toutes les idées et tous les signalements"),
            )
        ],
    )
