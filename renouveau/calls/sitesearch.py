"""Calls for projects and the projects submitted to them in the global search
(``core/search.py``): calls the user may see (published ones; all for who manages calls) and,
in them, every submitted project but the withdrawn ones, as on each call's project list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .models import Call, Submission


def search_section(query: str, user) -> SearchSection | None:
    visible_calls = Call.objects.visible_to(user)
    calls, call_count = first_results(
        text_filter(visible_calls.order_by("-vote_opens_at", "-id"), ("title", "summary"), query)
    )
    submissions, submission_count = first_results(
        text_filter(
            Submission.objects.public()
            .filter(call__in=visible_calls)
            .select_related("call", "commune")
            .order_by("-created_at", "-id"),
            ("title", "description", "commune__name"),
            query,
        )
    )
    return SearchSection(
        order=50,
        heading=_("Appels à projets"),
        groups=[
            Group(
                heading=_("Appels à projets"),
                count=call_count,
                results=[
                    Result(
                        title=call.title,
                        url=call.get_absolute_url(),
                        context=call.summary,
                        badge=call.phase_label,
                        is_demo=call.is_demo,
                    )
                    for call in calls
                ],
                more_url=reverse("calls:index"),
                more_label=_("Tous les appels à projets"),
            ),
            Group(
                heading=_("Projets déposés"),
                count=submission_count,
                results=[
                    Result(
                        title=submission.title,
                        url=submission.get_absolute_url(),
                        context=" · ".join(
                            part
                            for part in (
                                submission.call.title,
                                submission.commune.name if submission.commune else "",
                                submission.get_status_display(),
                            )
                            if part
                        ),
                        when=submission.created_at,
                        when_label=_("Déposé le"),
                        is_demo=submission.is_demo,
                    )
                    for submission in submissions
                ],
                more_url=reverse("calls:index"),
                more_label=_("Les projets, appel par appel"),
            ),
        ],
    )
