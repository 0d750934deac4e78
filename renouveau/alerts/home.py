"""The alerts in force and the next exercise, for the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renouveau.core.home import Entry, Section

from .models import Exercise
from .selectors import alerts_in_force, alerts_upcoming


def _communes(alert) -> str:
    names = [commune.name for commune in alert.communes.all()]
    if len(names) <= 3:
        return ", ".join(names)
    return ngettext(
        "%(names)s et %(count)d autre commune",
        "%(names)s et %(count)d autres communes",
        len(names) - 3,
    ) % {
        "names": ", ".join(names[:3]),
        "count": len(names) - 3,
    }


def home_section() -> Section | None:
    entries = [
        Entry(
            title=texts.headline,  # cached per language
            title_lang=texts.headline_lang,
            url=alert.get_absolute_url(),
            detail=_communes(alert),
            when=alert.expires,
            when_label=_("Jusqu'au"),
            badge=alert.get_severity_display(),
        )
        for alert in list(alerts_in_force())[:3]
        for texts in [alert.texts()]
    ]
    exercise = (
        Exercise.objects.filter(is_cancelled=False, starts_at__gt=timezone.now())
        .order_by("starts_at", "id")
        .first()
    )
    if exercise is not None:
        entries.append(
            Entry(
                title=exercise.title,
                url=exercise.get_absolute_url(),
                detail=exercise.place,
                when=exercise.starts_at,
                badge=_("Exercice"),
            )
        )
    announced = alerts_upcoming().order_by("effective").values_list("effective", flat=True)
    return Section(
        order=10,
        changes_at=announced.first(),  # an announced alert comes into force
        heading=_("Alertes et exercices"),
        more_url=reverse("alerts:index"),
        more_label=_("Toutes les alertes"),
        entries=entries,
    )


def my_section(user) -> Section | None:
    from .models import Registration, Subscription

    entries = [
        Entry(
            title=registration.exercise.title,
            url=registration.exercise.get_absolute_url(),
            detail=registration.exercise.place,
            when=registration.exercise.starts_at,
            badge=_("Inscrit·e à l'exercice"),
        )
        for registration in Registration.objects.filter(
            user=user, exercise__is_cancelled=False, exercise__ends_at__gte=timezone.now()
        )
        .select_related("exercise")
        .order_by("exercise__starts_at")[:3]
    ]
    communes = [
        subscription.commune.name
        for subscription in Subscription.objects.filter(user=user).select_related("commune")
    ]
    if communes:
        entries.append(
            Entry(
                title=_("Alertes reçues par e-mail pour : %(communes)s")
                % {"communes": ", ".join(sorted(communes))},
                url=reverse("alerts:subscriptions"),
            )
        )
    return Section(
        order=60,
        heading=_("Alertes et exercices"),
        more_url=reverse("alerts:subscriptions"),
        more_label=_("Gérer mes abonnements aux alertes"),
        entries=entries,
    )
