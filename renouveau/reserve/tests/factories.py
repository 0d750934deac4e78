"""Test helpers of the citizen reserve: skills, volunteers, missions and signals."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from renouveau.reserve.models import (
    CHARTER_VERSION,
    Mission,
    MissionStatus,
    Signal,
    Skill,
    Volunteer,
    VolunteerStatus,
)
from renouveau.reserve.services import skills_load

_seq = itertools.count(1)


def skills() -> dict[str, Skill]:
    if not Skill.objects.exists():
        skills_load()
    return {s.code: s for s in Skill.objects.all()}


def make_volunteer(user, *, communes, status=VolunteerStatus.ACTIVE, phone="", skill_codes=()):
    volunteer = Volunteer.objects.create(
        user=user,
        status=status,
        phone=phone,
        charter_version=CHARTER_VERSION,
        charter_accepted_at=timezone.now(),
        available_weekends=True,
    )
    volunteer.communes.set(communes)
    if skill_codes:
        known = skills()
        volunteer.skills.set([known[c] for c in skill_codes])
    return volunteer


def make_mission(
    organiser,
    *,
    commune,
    status=MissionStatus.OPEN,
    capacity=3,
    in_days=3,
    hours=3,
    title=None,
    skill_codes=(),
):
    starts = timezone.now() + datetime.timedelta(days=in_days)
    mission = Mission.objects.create(
        title=title or f"Mission n° {next(_seq)}",
        description="Distribuer de l'eau.",
        commune=commune,
        place="Place de la mairie",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        capacity=capacity,
        status=status,
        organiser=organiser,
    )
    if skill_codes:
        known = skills()
        mission.skills.set([known[c] for c in skill_codes])
    return mission


def make_signal(reporter, *, commune, category="flood", urgency="medium", status="new", **extra):
    return Signal.objects.create(
        reporter=reporter,
        category=category,
        commune=commune,
        place=extra.pop("place", "Sous le pont"),
        description=extra.pop("description", "L'eau monte."),
        observed_at=extra.pop("observed_at", timezone.now() - datetime.timedelta(hours=1)),
        urgency=urgency,
        status=status,
        **extra,
    )
