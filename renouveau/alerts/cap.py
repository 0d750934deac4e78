"""CAP 1.2 XML (OASIS Common Alerting Protocol, urn:oasis:names:tc:emergency:cap:1.2) and the
Atom feed of alerts. Element order follows the standard's schema (tested against
``tests/data/CAP-v1.2.xsd``)."""

from __future__ import annotations

import datetime
import re
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml"
ATOM_CONTENT_TYPE = "application/atom+xml"
LANGUAGE = "fr-FR"
ENGLISH_LANGUAGE = "en-GB"
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


def _info(root, alert, language: str, communes, base_url) -> None:
    english = language == ENGLISH_LANGUAGE
    texts = alert.texts("en" if english else "fr")
    info = _sub(root, "info")
    _sub(info, "language", language)
    _sub(info, "category", alert.category)
    _sub(info, "event", texts.event)
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
    prefix = ("EXERCISE - " if english else "EXERCICE - ") if alert.is_exercise else ""
    _sub(info, "headline", f"{prefix}{texts.headline}")
    # The English block carries only the English texts written (no French in an en block).
    if texts.description and not (english and texts.description_lang):
        _sub(info, "description", texts.description)
    if texts.instruction and not (english and texts.instruction_lang):
        _sub(info, "instruction", texts.instruction)
    _sub(info, "web", absolute(alert.get_absolute_url(), base_url))
    if alert.contact:
        _sub(info, "contact", alert.contact)
    area = _sub(info, "area")
    _sub(area, "areaDesc", alert.area_desc)
    for commune in communes:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "INSEE")
        _sub(geocode, "value", commune.insee)


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
    communes = sorted(alert.communes.all(), key=lambda c: c.insee)
    _info(root, alert, LANGUAGE, communes, base_url)
    if alert.has_english:
        # The same <info> in English (CAP 1.2 §3.2.2: one block per language); only the
        # texts change, the categories, dates and area are the same.
        _info(root, alert, ENGLISH_LANGUAGE, communes, base_url)
    ET.register_namespace("", CAP_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def alerts_to_atom(
    alerts, *, title: str, base_url: str | None = None, language: str = "fr"
) -> bytes:
    """An Atom 1.0 feed in ``language`` ("fr" or "en"): one entry per message, linking its
    page and its CAP file. In English, each entry has the English texts of its message when
    they exist, else its French texts marked ``xml:lang="fr"``. Call it under
    ``translation.override(language)`` (the platform's words: « EXERCICE », « Mise à jour »)."""
    from django.urls import reverse

    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def sub(parent, name, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text is not None:
            element.text = xml_text(text)
        return element

    english = language == "en"
    feed_url = absolute(reverse("alerts:feed"), base_url) + ("?lang=en" if english else "")
    alerts = list(alerts)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set(xml_lang, language)
    sub(feed, "id", feed_url)
    sub(feed, "title", title)
    updated = max((a.sent for a in alerts), default=None) or timezone.now()
    sub(feed, "updated", cap_datetime(updated))
    sub(feed, "link", rel="self", href=feed_url)
    sub(feed, "link", rel="alternate", href=absolute(reverse("alerts:index"), base_url))
    author = sub(feed, "author")
    sub(author, "name", alerts[0].sender_name if alerts else "Renouveau")
    kinds = {"Update": _("Mise à jour - "), "Cancel": _("Annulation - ")}
    for alert in alerts:
        texts = alert.texts(language)
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:cap:{alert.identifier}" + (":en" if english else ""))
        prefix = _("EXERCICE - ") if alert.is_exercise else ""
        kind = kinds.get(alert.msg_type, "")
        entry_title = sub(entry, "title", f"{prefix}{kind}{texts.headline}")
        if texts.headline_lang:
            entry_title.set(xml_lang, texts.headline_lang)
        sub(entry, "updated", cap_datetime(alert.sent))
        sub(entry, "published", cap_datetime(alert.sent))
        summary = sub(entry, "summary", texts.description[:500])
        if texts.description_lang:
            summary.set(xml_lang, texts.description_lang)
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
