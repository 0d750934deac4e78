"""The ideas and field reports a signed-in person posted, for their account page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .models import Idea


def my_section(user) -> Section | None:
    ideas = Idea.objects.filter(author=user).order_by("-created_at", "-id")[:5]
    return Section(
        order=10,
        heading=_("Mes idées et signalements"),
        more_url=reverse("ideas:index"),
        more_label=_("Toutes les idées et tous les signalements"),
        entries=[
            Entry(
                title=idea.title,
                url=idea.get_absolute_url(),
                detail=_("Masqué par la modération : %(reason)s") % {"reason": idea.hidden_reason}
                if idea.is_hidden
                else "",
                when=idea.created_at,
                when_label=_("Publié le"),
                badge=idea.get_status_display(),
            )
            for idea in ideas
        ],
    )
