from __future__ import annotations

import datetime

from django.utils import timezone

from renouveau.alerts import services
from renouveau.alerts.models import Alert, Exercise


def alert_data(communes, **overrides) -> dict:
    data = {
        "status": Alert.Status.ACTUAL,
        "risk": "flood",
        "category": Alert.Category.MET,
        "event": "Crue de l'Huveaune",
        "response_type": Alert.ResponseType.EVACUATE,
        "urgency": Alert.Urgency.IMMEDIATE,
        "severity": Alert.Severity.SEVERE,
        "certainty": Alert.Certainty.OBSERVED,
        "headline": "Crue de l'Huveaune",
        "description": "L'Huveaune déborde en aval d'Aubagne.",
        "instruction": "Montez à l'étage. Ne prenez pas votre voiture.",
        "effective": None,
        "onset": None,
        "expires": timezone.now() + datetime.timedelta(hours=6),
        "contact": "3939",
        "area_desc": "",
        "exercise": None,
        "communes": list(communes),
        "territories": [],
    }
    data.update(overrides)
    return data


def published_alert(agent, communes, **overrides) -> Alert:
    draft = services.alert_create(actor=agent, data=alert_data(communes, **overrides))
    return services.alert_publish(actor=agent, alert=draft)


def exercise(communes, *, days: float = 10, capacity: int = 20, **overrides) -> Exercise:
    start = timezone.now() + datetime.timedelta(days=days)
    obj = Exercise.objects.create(
        title=overrides.pop("title", "Exercice crue"),
        scenario="Crue simulée.",
        risk=overrides.pop("risk", "flood"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        place="Gymnase",
        organiser="Cellule de crise",
        capacity=capacity,
        **overrides,
    )
    obj.communes.set(communes)
    return obj
