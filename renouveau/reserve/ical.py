"""iCalendar (RFC 5545) of a mission, so that a volunteer adds it to their calendar.

A few lines written by hand: CRLF line ends, lines folded at 75 octets without cutting a UTF-8
character, TEXT values escaped, times in UTC, a stable UID per mission, SEQUENCE from the last
change (so calendars update the event), STATUS:CANCELLED for a cancelled mission."""

from __future__ import annotations

from datetime import UTC, datetime

PRODID = "-//Renouveau//Reserve citoyenne//FR"
UID_DOMAIN = "reserve.renouveau"


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
        f"DTSTAMP:{_utc(mission.updated_at)}",
        f"DTSTART:{_utc(mission.starts_at)}",
        f"DTEND:{_utc(mission.ends_at)}",
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
