"""CAP 1.2 XML (OASIS Common Alerting Protocol, urn:oasis:names:tc:emergency:cap:1.2) and the
Atom feed of alerts. Element order follows the standard's schema (tested against
``tests/data/CAP-v1.2.xsd``)."""

from __future__ import annotations

import datetime
import re
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml"
ATOM_CONTENT_TYPE = "application/atom+xml"
LANGUAGE = "fr-FR"
# Characters XML 1.0 forbids (a vertical tab comes with text pasted from a word processor):
# ElementTree writes them as they are, and the whole document no longer parses.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return XML_FORBIDDEN.sub(" ", text)


def cap_datetime(value: datetime.datetime) -> str:
    """CAP's dateTime: local time with a numeric offset, never "Z" (CAP 1.2 §3.3.2)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def cap_reference(alert) -> str:
    """``sender,identifier,sent`` of a message, as used in <references>."""
    return f"{alert.sender},{alert.identifier},{cap_datetime(alert.sent)}"


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{name}")
    if text is not None:
        element.text = xml_text(text)
    return element


def absolute(path: str, base_url: str | None = None) -> str:
    return f"{(base_url or settings.SITE_URL).rstrip('/')}{path}"


def alert_to_cap(alert, *, base_url: str | None = None) -> bytes:
    """The CAP 1.2 document of a published message (prefetch ``communes``)."""
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_datetime(alert.sent or timezone.now()))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    notes = []
    if alert.is_exercise:
        notes.append("EXERCICE - EXERCICE - EXERCICE")
    if alert.note:
        notes.append(alert.note)
    if notes:
        _sub(root, "note", " ".join(notes))
    if alert.references_id:
        _sub(root, "references", cap_reference(alert.references))
    info = _sub(root, "info")
    _sub(info, "language", LANGUAGE)
    _sub(info, "category", alert.category)
    _sub(info, "event", alert.event)
    if alert.response_type:
        _sub(info, "responseType", alert.response_type)
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", alert.certainty)
    if alert.effective:
        _sub(info, "effective", cap_datetime(alert.effective))
    if alert.onset:
        _sub(info, "onset", cap_datetime(alert.onset))
    if alert.expires:
        _sub(info, "expires", cap_datetime(alert.expires))
    if alert.sender_name:
        _sub(info, "senderName", alert.sender_name)
    headline = f"EXERCICE - {alert.headline}" if alert.is_exercise else alert.headline
    _sub(info, "headline", headline)
    _sub(info, "description", alert.description)
    if alert.instruction:
        _sub(info, "instruction", alert.instruction)
    _sub(info, "web", absolute(alert.get_absolute_url(), base_url))
    if alert.contact:
        _sub(info, "contact", alert.contact)
    area = _sub(info, "area")
    _sub(area, "areaDesc", alert.area_desc)
    for commune in sorted(alert.communes.all(), key=lambda c: c.insee):
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "INSEE")
        _sub(geocode, "value", commune.insee)
    ET.register_namespace("", CAP_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def alerts_to_atom(alerts, *, title: str, base_url: str | None = None) -> bytes:
    """An Atom 1.0 feed: one entry per message, linking its page and its CAP file."""
    from django.urls import reverse

    def sub(parent, name, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text is not None:
            element.text = xml_text(text)
        return element

    alerts = list(alerts)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "fr")
    sub(feed, "id", absolute(reverse("alerts:feed"), base_url))
    sub(feed, "title", title)
    updated = max((a.sent for a in alerts), default=None) or timezone.now()
    sub(feed, "updated", cap_datetime(updated))
    sub(feed, "link", rel="self", href=absolute(reverse("alerts:feed"), base_url))
    sub(feed, "link", rel="alternate", href=absolute(reverse("alerts:index"), base_url))
    author = sub(feed, "author")
    sub(author, "name", alerts[0].sender_name if alerts else "Renouveau")
    for alert in alerts:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:cap:{alert.identifier}")
        prefix = "EXERCICE - " if alert.is_exercise else ""
        kind = {"Update": "Mise à jour - ", "Cancel": "Annulation - "}.get(alert.msg_type, "")
        sub(entry, "title", f"{prefix}{kind}{alert.headline}")
        sub(entry, "updated", cap_datetime(alert.sent))
        sub(entry, "published", cap_datetime(alert.sent))
        sub(entry, "summary", alert.description[:500])
        sub(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=absolute(alert.get_absolute_url(), base_url),
        )
        sub(
            entry,
            "link",
            rel="related",
            type=CAP_CONTENT_TYPE,
            href=absolute(reverse("alerts:cap", args=[alert.pk]), base_url),
        )
    ET.register_namespace("", ATOM_NS)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
