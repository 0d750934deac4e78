"""Small read helpers used by the base layout on every page (cached)."""

from __future__ import annotations

from django.apps import apps
from django.core.cache import cache

_CACHE_SECONDS = 60


def metropolis_name() -> str:
    name = cache.get("platform:metropolis_name")
    if name is None:
        Metropolis = apps.get_model("territories", "Metropolis")
        metropolis = Metropolis.objects.order_by("pk").first()
        name = metropolis.name if metropolis else ""
        cache.set("platform:metropolis_name", name, _CACHE_SECONDS)
    return name


def current_situation():
    """The banner shown on every page: the alerts app's crisis banner (an Actual alert of
    severity Severe or Extreme in force, or crisis mode switched on by hand) takes precedence
    over the "current situation" banner set by agents (guides app)."""
    if apps.is_installed("renouveau.alerts"):
        from renouveau.alerts.selectors import crisis_banner

        banner = crisis_banner()
        if banner is not None:
            return banner
    if not apps.is_installed("renouveau.guides"):
        return None
    try:
        from renouveau.guides.selectors import situation_banner_current
    except ImportError:
        return None
    return situation_banner_current()
