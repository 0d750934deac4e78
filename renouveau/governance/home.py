"""The next public meetings of the plan's bodies, for the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .models import Meeting
from .selectors import meeting_list


def home_section() -> Section | None:
    meetings = (
        meeting_list(include_closed=False)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("body")[:3]
    )
    return Section(
        order=40,
        heading=_("Prochaines réunions publiques"),
        more_url=reverse("governance:meetings"),
        more_label=_("Toutes les réunions"),
        entries=[
            Entry(
                title=meeting.title,
                url=meeting.get_absolute_url(),
                detail=meeting.body.name if meeting.body else "",
                when=meeting.starts_at,
            )
            for meeting in meetings
        ],
    )


def my_section(user) -> Section | None:
    from .selectors import my_participation

    participation = my_participation(user)
    entries = [
        Entry(
            title=registration.meeting.title,
            url=registration.meeting.get_absolute_url(),
            detail=registration.meeting.body.name if registration.meeting.body else "",
            when=registration.meeting.starts_at,
            badge=_("Inscrit·e"),
        )
        for registration in participation["registrations"][:3]
    ]
    entries += [
        Entry(
            title=entry.meeting.title,
            url=entry.meeting.get_absolute_url(),
            when=entry.meeting.starts_at,
            badge=_("Liste d'attente"),
        )
        for entry in participation["waiting"][:2]
    ]
    return Section(
        order=40,
        heading=_("Réunions publiques"),
        more_url=reverse("governance:my_space"),
        more_label=_("Ma participation aux instances"),
        entries=entries,
    )
