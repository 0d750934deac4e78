"""What the home page shows "right now" and what a signed-in person's account page shows of
their participation: each app may provide a ``<app>.home`` module with a ``home_section()``
function and/or a ``my_section(user)`` function, each returning a :class:`Section` (or ``None``
when it has nothing to show). Core discovers the modules as it discovers URLs, so apps plug in
without editing core."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from .discovery import call_each

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    detail: str = ""
    when: datetime.datetime | datetime.date | None = None
    when_label: str = ""  # "Le", "Jusqu'au"...: what the date means
    badge: str = ""
    # The language of ``title`` when it differs from the page's (e.g. "fr": an alert's French
    # headline on an English page), so that screen readers pronounce it right.
    title_lang: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


@dataclass(frozen=True)
class Section:
    order: int
    heading: str
    more_url: str = ""
    more_label: str = ""
    entries: list[Entry] = field(default_factory=list)
    # When the section will change by time alone even if no entry's date says so (an announced
    # alert coming into force): the cached home page is not kept past it.
    changes_at: datetime.datetime | None = None


def _sections(function: str, *args) -> list[Section]:
    """Every app's section that has entries, in order (a failing app hides only its own)."""
    sections = [section for section in call_each("home", function, *args) if section.entries]
    return sorted(sections, key=lambda section: section.order)


# What is under way changes with the platform's public writes (each bumps the page cache's
# generation, part of the key) and with time. The cached sections are kept at most a minute and
# never past the first moment one of them changes by time alone: an entry's date (an alert's
# end, a vote's closing, a mission's or meeting's start) or a section's ``changes_at``.
HOME_SECTIONS_SECONDS = 60


def _changes_at(sections: list[Section], now: datetime.datetime) -> datetime.datetime:
    moments = [now + datetime.timedelta(seconds=HOME_SECTIONS_SECONDS)]
    for section in sections:
        if section.changes_at is not None:
            moments.append(section.changes_at)
        moments += [
            entry.when
            for entry in section.entries
            if isinstance(entry.when, datetime.datetime) and entry.when > now
        ]
    return min(moments)


def home_sections() -> list[Section]:
    """What is under way now, for everyone (the home page); cached per language."""
    from django.core.cache import cache
    from django.utils import timezone, translation

    from .middleware import AnonymousPageCacheMiddleware

    now = timezone.now()
    generation = cache.get(AnonymousPageCacheMiddleware.GENERATION_KEY) or 0
    key = f"home:sections:{generation}:{translation.get_language()}"
    cached = cache.get(key)
    if cached is not None and cached[0] > now:  # checked here, not by the cache's clock
        return cached[1]
    sections = _sections("home_section")
    valid_until = _changes_at(sections, now)
    seconds = (valid_until - now).total_seconds()
    if seconds >= 1:
        cache.set(key, (valid_until, sections), int(seconds) + 1)
    return sections


def my_sections(user) -> list[Section]:
    """The signed-in person's own participation, app by app (their account page)."""
    return _sections("my_section", user)
