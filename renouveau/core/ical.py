"""iCalendar (RFC 5545) building blocks shared by the apps that publish events (reserve
missions, governance meetings): a few lines written by hand, no dependency."""

from __future__ import annotations

from datetime import UTC, datetime


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (§3.1), continuation lines
    starting with one space, never cutting a multi-byte character."""
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


def format_utc(moment: datetime) -> str:
    """A DATE-TIME in UTC (``Z``)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
