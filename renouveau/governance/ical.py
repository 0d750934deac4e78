"""iCalendar (RFC 5545) for meetings: one VEVENT per meeting, one VCALENDAR per file.

Written by hand (a few lines, no dependency) and tested strictly: CRLF line ends, lines folded
at 75 octets without splitting a UTF-8 character, TEXT values escaped (backslash, semicolon,
comma, newline), times in UTC (``Z``), a stable UID per meeting, SEQUENCE bumped on each change
so calendars update the event, STATUS:CANCELLED for a cancelled meeting.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from renouveau.core.ical import escape_text, fold, format_utc

PRODID = "-//Renouveau//Gouvernance//FR"
# The UID must never change for a meeting (not even if the site moves): a fixed domain part.
UID_DOMAIN = "gouvernance.renouveau"


def _event(meeting, *, base_url: str) -> list[str]:
    uid = f"{meeting.uid}@{UID_DOMAIN}"
    description = meeting.agenda
    if meeting.is_cancelled and meeting.cancellation_reason:
        description = f"ANNULÉE : {meeting.cancellation_reason}\n\n{description}"
    summary = meeting.title if meeting.body_id is None else f"{meeting.body.name} : {meeting.title}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{format_utc(meeting.updated_at or timezone.now())}",
        f"DTSTART:{format_utc(meeting.starts_at)}",
        f"DTEND:{format_utc(meeting.ends_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{base_url}{meeting.get_absolute_url()}",
        "STATUS:CANCELLED" if meeting.is_cancelled else "STATUS:CONFIRMED",
        "CLASS:PUBLIC" if meeting.is_public else "CLASS:CONFIDENTIAL",
    ]
    if meeting.where:
        lines.append(f"LOCATION:{escape_text(meeting.where)}")
    lines.append("END:VEVENT")
    return lines


def calendar(meetings: Iterable, *, name: str, base_url: str) -> str:
    """The text of a VCALENDAR holding one event per meeting."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for meeting in meetings:
        lines.extend(_event(meeting, base_url=base_url))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
