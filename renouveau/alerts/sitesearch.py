"""Public alerts in the global search (``core/search.py``): the messages of the public archive
(published, updated or cancelled; never a draft nor a test message)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renouveau.core.search import Group, Result, SearchSection, first_results, text_filter

from .models import Alert
from .selectors import published_messages


def search_section(query: str, user) -> SearchSection | None:
    queryset = text_filter(
        published_messages().exclude(status=Alert.Status.TEST).prefetch_related(None),
        ("headline", "event", "description", "area_desc"),
        query,
    )
    alerts, count = first_results(queryset)
    return SearchSection(
        order=90,
        heading=_("Alertes"),
        groups=[
            Group(
                heading=_("Alertes publiées"),
                count=count,
                results=[
                    Result(
                        title=alert.headline,
                        url=alert.get_absolute_url(),
                        context=alert.area_desc,
                        when=alert.sent,
                        when_label=_("Émise le"),
                        badge=alert.get_msg_type_display()
                        if alert.msg_type != Alert.MsgType.ALERT
                        else alert.get_severity_display(),
                        is_demo=alert.is_demo,
                    )
                    for alert in alerts
                ],
                more_url=reverse("alerts:archive"),
                more_label=_("Toutes les alertes publiées"),
            )
        ],
    )
