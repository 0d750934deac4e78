"""Mutual aid in the global search (``core/search.py``): what the public lists show — offers
and requests neither hidden, withdrawn nor expired (without the authors the user blocked), and
initiatives of verified organisations not over yet. Only public fields are searched (title,
description): never an address, a phone number or a beneficiary's name."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from . import selectors

FIELDS = ("title", "description", "commune__name")


def _post_group(queryset, query: str, *, heading: str, more_url: str, more_label: str) -> Group:
    posts, count = first_results(text_filter(queryset, FIELDS, query))
    return Group(
        heading=heading,
        count=count,
        results=[
            Result(
                title=post.title,
                url=post.get_absolute_url(),
                context=f"{post.get_category_display()} · {post.commune.name}",
                when=post.expires_on,
                when_label=_("Jusqu'au"),
                is_demo=post.is_demo,
            )
            for post in posts
        ],
        more_url=more_url,
        more_label=more_label,
    )


def search_section(query: str, user) -> SearchSection | None:
    offers = selectors.offer_list()
    requests = selectors.request_list()
    if user.is_authenticated:
        blocked = selectors.blocked_user_ids(user)
        if blocked:
            offers = offers.exclude(author_id__in=blocked)
            requests = requests.exclude(author_id__in=blocked)
    initiatives, initiative_count = first_results(
        text_filter(selectors.initiative_list(), (*FIELDS, "place"), query)
    )
    return SearchSection(
        order=30,
        heading=_("Entraide"),
        groups=[
            _post_group(
                offers,
                query,
                heading=_("Offres d'entraide"),
                more_url=reverse("mutualaid:offer_list"),
                more_label=_("Toutes les offres d'entraide"),
            ),
            _post_group(
                requests,
                query,
                heading=_("Demandes d'entraide"),
                more_url=reverse("mutualaid:request_list"),
                more_label=_("Toutes les demandes d'entraide"),
            ),
            Group(
                heading=_("Initiatives citoyennes"),
                count=initiative_count,
                results=[
                    Result(
                        title=initiative.title,
                        url=initiative.get_absolute_url(),
                        context=f"{initiative.organisation.name} · {initiative.commune.name}",
                        when=initiative.starts_on,
                        when_label=_("À partir du"),
                        is_demo=initiative.is_demo,
                    )
                    for initiative in initiatives
                ],
                more_url=reverse("mutualaid:initiative_list"),
                more_label=_("Toutes les initiatives"),
            ),
        ],
    )
