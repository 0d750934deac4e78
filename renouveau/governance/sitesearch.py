"""Governance in the global search (``core/search.py``): meetings as the public meeting list
shows them (past and upcoming) and the bodies' recommendations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .models import Meeting
from .selectors import meeting_list, recommendation_list

LIST_QUERY_MAX = 100  # the recommendation list's own ``q`` field (``RecommendationFilterForm``)


def search_section(query: str, user) -> SearchSection | None:
    meetings, meeting_count = first_results(
        text_filter(
            meeting_list(when="all").order_by("-starts_at", "-id"),
            ("title", "agenda", "location"),
            query,
        )
    )
    recommendations, recommendation_count = first_results(
        text_filter(recommendation_list(), ("title", "text"), query)
    )
    filtered = len(query) <= LIST_QUERY_MAX
    recommendations_url = reverse("governance:recommendations")
    return SearchSection(
        order=70,
        heading=_("Gouvernance"),
        groups=[
            Group(
                heading=_("Réunions"),
                count=meeting_count,
                results=[
                    Result(
                        title=meeting.title,
                        url=meeting.get_absolute_url(),
                        context=meeting.body.name if meeting.body else "",
                        when=meeting.starts_at,
                        when_label=_("Le"),
                        badge=meeting.get_status_display()
                        if meeting.status == Meeting.Status.CANCELLED
                        else "",
                        is_demo=meeting.is_demo,
                    )
                    for meeting in meetings
                ],
                more_url=reverse("governance:meetings"),
                more_label=_("Toutes les réunions"),
            ),
            Group(
                heading=_("Recommandations"),
                count=recommendation_count,
                results=[
                    Result(
                        title=recommendation.title,
                        url=recommendation.get_absolute_url(),
                        context=" · ".join(
                            part
                            for part in (
                                recommendation.body.name if recommendation.body else "",
                                recommendation.get_response_display(),
                            )
                            if part
                        ),
                        when=recommendation.made_on,
                        when_label=_("Émise le"),
                        is_demo=recommendation.is_demo,
                    )
                    for recommendation in recommendations
                ],
                more_url=f"{recommendations_url}?{urlencode({'q': query})}"
                if filtered
                else recommendations_url,
                more_label=_("Toutes les recommandations"),
                more_filtered=filtered,
            ),
        ],
    )
