from __future__ import annotations

import functools
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation


class NavItem(NamedTuple):
    label: str
    url: str


@functools.lru_cache(maxsize=16)
def _navigation(language: str) -> tuple[NavItem, ...]:
    """The main navigation in ``language``: fixed by the installed apps, so computed once per
    language instead of reversing every app's URL on every page."""
    items = []
    for config in apps.get_app_configs():
        label = getattr(config, "nav_label", None)
        url_name = getattr(config, "nav_url", None)
        if not (label and url_name):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append((getattr(config, "nav_order", 100), str(label), url))
    return tuple(NavItem(label, url) for _, label, url in sorted(items))


def platform(request: HttpRequest) -> dict:
    from .selectors_platform import current_situation, metropolis_name

    navigation = _navigation(translation.get_language() or settings.LANGUAGE_CODE)
    return {
        "navigation": navigation,
        # The navigation entry of this page, if it is one (base.html's cached header is keyed
        # on it, so on one of a few values, never on any path).
        "nav_current": next((item.url for item in navigation if item.url == request.path), ""),
        "DEMO_DATA": settings.DEMO_DATA,
        "metropolis_name": metropolis_name(),
        "current_situation": current_situation(),
        "is_htmx": getattr(request, "htmx", False),
        "contact_email": settings.CONTACT_EMAIL,
    }
