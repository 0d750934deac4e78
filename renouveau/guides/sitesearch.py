"""Published good-practice pages in the global search (``core/search.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .selectors import guide_list


def search_section(query: str, user) -> SearchSection | None:
    queryset = text_filter(guide_list().prefetch_related(None), ("title", "summary", "body"), query)
    guides, count = first_results(queryset)
    return SearchSection(
        order=20,
        heading=_("Bonnes pratiques"),
        groups=[
            Group(
                heading=_("Bonnes pratiques"),
                count=count,
                results=[
                    Result(
                        title=guide.title,
                        url=guide.get_absolute_url(),
                        context=guide.summary,
                        is_demo=guide.is_demo,
                    )
                    for guide in guides
                ],
                more_url=reverse("guides:index"),
                more_label=_("Toutes les bonnes pratiques"),
            )
        ],
    )
