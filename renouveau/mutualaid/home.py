"""A signed-in person's open offers and requests of mutual aid, for their account page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .models import HelpOffer, HelpRequest, PostStatus


def my_section(user) -> Section | None:
    posts = []
    for model, badge in ((HelpOffer, _("Offre")), (HelpRequest, _("Demande"))):
        for post in (
            model.objects.filter(author=user, status__in=[PostStatus.OPEN, PostStatus.MATCHED])
            .select_related("commune")
            .order_by("-created_at", "-id")[:5]
        ):
            posts.append((post, badge))
    posts.sort(key=lambda pair: (pair[0].created_at, pair[0].pk), reverse=True)
    return Section(
        order=15,
        heading=_("Mon entraide"),
        more_url=reverse("mutualaid:my_space"),
        more_label=_("Mon espace entraide"),
        entries=[
            Entry(
                title=post.title,
                url=post.get_absolute_url(),
                detail=post.commune.name,
                when=post.expires_on,
                when_label=_("Valable jusqu'au"),
                badge=badge,
            )
            for post, badge in posts[:5]
        ],
    )
