"""Missions of the citizen reserve that still need volunteers, for the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .selectors import mission_public_list


def home_section() -> Section | None:
    missions = mission_public_list(filters={"available_only": True}).select_related("commune")[:3]
    return Section(
        order=30,
        heading=_("La réserve citoyenne cherche des bénévoles"),
        more_url=reverse("reserve:mission_list"),
        more_label=_("Toutes les missions"),
        entries=[
            Entry(
                title=mission.title,
                url=mission.get_absolute_url(),
                detail=mission.commune.name,
                when=mission.starts_at,
            )
            for mission in missions
        ],
    )


def my_section(user) -> Section | None:
    from django.utils import timezone

    from .models import Volunteer

    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is None:
        return None
    entries = [
        Entry(
            title=_("Réserviste : %(status)s") % {"status": volunteer.get_status_display()},
            url=reverse("reserve:my_reserve"),
        )
    ]
    entries += [
        Entry(
            title=signup.mission.title,
            url=signup.mission.get_absolute_url(),
            detail=signup.mission.commune.name,
            when=signup.mission.starts_at,
            badge=_("Inscrit·e"),
        )
        for signup in volunteer.signups.filter(mission__ends_at__gte=timezone.now())
        .select_related("mission__commune")
        .order_by("mission__starts_at")[:3]
    ]
    return Section(
        order=50,
        heading=_("Réserve citoyenne"),
        more_url=reverse("reserve:my_reserve"),
        more_label=_("Mon engagement"),
        entries=entries,
    )
