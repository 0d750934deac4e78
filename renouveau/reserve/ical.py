"""iCalendar (RFC 5545) of a mission, so that a volunteer adds it to their calendar.

A few lines written by hand: CRLF line ends, lines folded at 75 octets without cutting a UTF-8
character, TEXT values escaped, times in UTC, a stable UID per mission, SEQUENCE from the last
change (so calendars update the event), STATUS:CANCELLED for a cancelled mission."""

from __future__ import annotations

from renouveau.core.ical import escape_text, fold, format_utc

PRODID = "-//Renouveau//Reserve citoyenne//FR"
UID_DOMAIN = "reserve.renouveau"


def mission_calendar(mission, *, base_url: str) -> str:
    description = mission.description
    if mission.status == "cancelled" and mission.cancel_reason:
        description = f"ANNULÉE : {mission.cancel_reason}\n\n{description}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:mission-{mission.pk}@{UID_DOMAIN}",
        f"DTSTAMP:{format_utc(mission.updated_at)}",
        f"DTSTART:{format_utc(mission.starts_at)}",
        f"DTEND:{format_utc(mission.ends_at)}",
        f"SEQUENCE:{int(mission.updated_at.timestamp())}",
        f"SUMMARY:{escape_text(mission.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(f'{mission.place}, {mission.commune.name}')}",
        f"URL:{base_url}{mission.get_absolute_url()}",
        "STATUS:CANCELLED" if mission.status == "cancelled" else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
