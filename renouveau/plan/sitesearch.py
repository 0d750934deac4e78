"""The plan in the global search (``core/search.py``): its chantiers and its deliberations
(public reference data of the current plan)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import (
    Group,
    Result,
    SearchSection,
    first_results,
    one_line,
    text_filter,
)

from .selectors import deliberation_list, plan_current, workstream_list


def search_section(query: str, user) -> SearchSection | None:
    plan = plan_current()
    if plan is None:
        return None
    workstreams, workstream_count = first_results(
        text_filter(
            workstream_list(plan=plan).prefetch_related(None), ("title", "summary", "text"), query
        )
    )
    deliberations, deliberation_count = first_results(
        text_filter(deliberation_list(plan=plan), ("title", "number", "full_reference"), query)
    )
    deliberations_url = reverse("plan:deliberations")
    return SearchSection(
        order=100,
        heading=_("Le plan"),
        groups=[
            Group(
                heading=_("Chantiers"),
                count=workstream_count,
                results=[
                    Result(
                        title=workstream.title,
                        url=workstream.get_absolute_url(),
                        context=one_line(workstream.summary),
                        badge=_("Chantier %(number)s") % {"number": workstream.number},
                    )
                    for workstream in workstreams
                ],
                more_url=reverse("plan:index"),
                more_label=_("Le plan et ses huit chantiers"),
            ),
            Group(
                heading=_("Délibérations"),
                count=deliberation_count,
                results=[
                    Result(
                        title=one_line(deliberation.title),
                        url=deliberations_url,
                        context=deliberation.full_reference or deliberation.number,
                        when=deliberation.session_date,
                        when_label=_("Séance du"),
                    )
                    for deliberation in deliberations
                ],
                more_url=deliberations_url,
                more_label=_("Toutes les délibérations"),
            ),
        ],
    )
