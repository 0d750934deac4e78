"""The aids in the global search (``core/search.py``): the aids' own search engine (French
stemming, typo tolerance on PostgreSQL), published aids only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import RESULTS_PER_GROUP, Group, Result, SearchSection

from .selectors import AidFilters, aid_search_results

COUNT_CAP = 1000  # as the aids page: "plus de 1 000"


def search_section(query: str, user) -> SearchSection | None:
    results = aid_search_results(filters=AidFilters(q=query), count_cap=COUNT_CAP)
    count = results.count()
    aids = list(results[:RESULTS_PER_GROUP]) if count else []
    return SearchSection(
        order=10,
        heading=_("Aides"),
        groups=[
            Group(
                heading=_("Aides"),
                count=count,
                results=[
                    Result(
                        title=aid.title,
                        url=aid.get_absolute_url(),
                        context=aid.promise,
                        when=aid.closes_on,
                        when_label=_("Clôture le"),
                        is_demo=aid.is_demo,
                    )
                    for aid in aids
                ],
                more_url=f"{reverse('aids:index')}?{urlencode({'q': query})}",
                more_filtered=True,
            )
        ],
    )
