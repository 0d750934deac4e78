"""What a signed-in person follows, for their account page (« Ma participation »)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .models import Follow
from .selectors import follow_rows


def my_section(user) -> Section | None:
    follows = list(
        Follow.objects.filter(user=user).select_related("content_type").order_by("-created_at")[:5]
    )
    return Section(
        order=35,
        heading=_("Mes suivis"),
        more_url=reverse("follows:list"),
        more_label=_("Tous mes suivis"),
        entries=[
            Entry(
                title=str(row.obj),
                url=row.obj.get_absolute_url(),
                when=row.follow.created_at,
                when_label=_("Suivi depuis le"),
            )
            for row in follow_rows(user, follows)
            if row.obj is not None
        ],
    )
