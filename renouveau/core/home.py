"""What the home page shows "right now": each app may provide a ``<app>.home`` module with a
``home_section()`` function returning a :class:`Section` (or ``None`` when it has nothing to
show). Core discovers the modules as it discovers URLs, so apps plug in without editing core."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from importlib import import_module, util

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    detail: str = ""
    when: datetime.datetime | datetime.date | None = None
    when_label: str = ""  # "Le", "Jusqu'au"...: what the date means
    badge: str = ""


@dataclass(frozen=True)
class Section:
    order: int
    heading: str
    more_url: str
    more_label: str
    entries: list[Entry] = field(default_factory=list)


def _providers():
    for app in settings.RENOUVEAU_APPS:
        if app == "renouveau.core":
            continue
        name = f"{app}.home"
        if util.find_spec(name) is not None:
            yield import_module(name)


def home_sections() -> list[Section]:
    """Every app's section that has entries, in the apps' order. One app's failure hides its
    section (logged), never the home page."""
    sections = []
    for module in _providers():
        try:
            section = module.home_section()
        except Exception:  # noqa: BLE001 - a broken provider must not take the home page down
            logger.exception("home section of %s failed", module.__name__)
            continue
        if section is not None and section.entries:
            sections.append(section)
    return sorted(sections, key=lambda section: section.order)
