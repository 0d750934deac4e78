from __future__ import annotations

import functools
from decimal import Decimal

import markdown as md
import nh3
from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "sup", "sub",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "code",
}  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _render_markdown(text: str) -> str:
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}})


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> str:
    """Render sanitised Markdown (agents' and seed texts); headings start at h2. Rendering is
    memoised per text (a pure function of its input), so long plan pages stay cheap."""
    if not text:
        return ""
    return mark_safe(_render_markdown(str(text)))  # noqa: S308 - sanitised by nh3


@register.filter
def amount(value, unit: str = "") -> str:
    """A number with French grouping (350 000) and an optional unit."""
    if value in (None, ""):
        return ""
    if isinstance(value, Decimal) and value == value.to_integral():
        value = int(value)
    text = number_format(value, force_grouping=True)
    return f"{text}\u00a0{unit}".strip() if unit else text


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination, sorting)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def audit_url(obj) -> str:
    from django.urls import reverse

    return reverse("core:audit_log", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


@register.filter
def can_moderate(user) -> bool:
    """True when ``user`` may handle at least one moderation queue (``core.moderation``)."""
    from renouveau.core.moderation import can_moderate as allowed

    return allowed(user)
