"""Projects of the plan in the global search (``core/search.py``): the projects the user may
see (published ones; unpublished ones too for who may see them, as on ``/suivi/projets/``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .selectors import project_list

LIST_QUERY_MAX = 100  # the project list's own ``q`` field (``forms.ProjectFilterForm``)


def search_section(query: str, user) -> SearchSection | None:
    queryset = text_filter(
        project_list(user=user).prefetch_related(None), ("title", "summary", "owner"), query
    )
    projects, count = first_results(queryset)
    filtered = len(query) <= LIST_QUERY_MAX
    more_url = reverse("monitoring:projects")
    return SearchSection(
        order=60,
        heading=_("Suivi du plan"),
        groups=[
            Group(
                heading=_("Projets du plan"),
                count=count,
                results=[
                    Result(
                        title=project.title,
                        url=project.get_absolute_url(),
                        context=" · ".join(
                            part for part in (project.owner, project.get_status_display()) if part
                        ),
                        is_demo=project.is_demo,
                    )
                    for project in projects
                ],
                more_url=f"{more_url}?{urlencode({'q': query})}" if filtered else more_url,
                more_label=_("Tous les projets du plan"),
                more_filtered=filtered,
            )
        ],
    )
