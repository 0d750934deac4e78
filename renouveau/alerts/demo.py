"""Demonstration dataset of alerts: a past flood exercise on the Huveaune with its debrief and
its (expired) exercise alert, an upcoming forest-fire exercise open to registration, and past
real alerts (a heatwave that expired; a storm alert, updated then cancelled). No real alert is
in force, so the demo site is not in crisis mode. Every row has ``is_demo=True``; idempotent
(fixed CAP identifiers)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def _alert(identifier: str, *, communes, **fields):
    from .models import Alert
    from .services import cap_sender

    sender, sender_name = cap_sender()
    alert, created = Alert.objects.get_or_create(
        identifier=identifier,
        defaults={"sender": sender, "sender_name": sender_name, "is_demo": True, **fields},
    )
    if created:
        alert.communes.set(communes)
    return alert


def load() -> str:
    from renouveau.territories.models import Commune

    from .models import Alert, Exercise

    communes = {
        c.insee: c
        for c in Commune.objects.filter(insee__in=["13055", "13005", "13001", "13056", "13201"])
    }
    if len(communes) < 3:
        return "skipped (territories not loaded)"
    marseille, aubagne, aix = communes["13055"], communes["13005"], communes["13001"]
    now = timezone.now()
    past = now - datetime.timedelta(days=60)
    flood, _ = Exercise.objects.get_or_create(
        title="Exercice crue de l'Huveaune (exemple)",
        is_demo=True,
        defaults={
            "scenario": (
                "Après de fortes pluies, l'Huveaune déborde entre Aubagne et la Pointe-Rouge. "
                "Les participants reçoivent un message d'exercice, rejoignent le point de "
                "regroupement et testent l'évacuation d'une école."
            ),
            "risk": "flood",
            "starts_at": past,
            "ends_at": past + datetime.timedelta(hours=3),
            "place": "Gymnase de la Penne-sur-Huveaune (exemple)",
            "organiser": "Cellule de crise de la Métropole et communes riveraines",
            "capacity": 80,
            "debrief_went_well": (
                "Le message d'exercice est arrivé en moins de cinq minutes chez les abonnés. "
                "Les habitants ont rejoint le point de regroupement dans le calme."
            ),
            "debrief_to_improve": (
                "Les consignes étaient trop longues pour être lues sur un téléphone. "
                "Deux rues n'avaient pas de signalétique vers le point de regroupement."
            ),
            "debrief_published_at": past + datetime.timedelta(days=7),
        },
    )
    flood.communes.set([marseille, aubagne])
    _alert(
        "demo-alerte-exercice-huveaune",
        communes=[marseille, aubagne],
        sent=past,
        state=Alert.State.PUBLISHED,
        status=Alert.Status.EXERCISE,
        risk="flood",
        category=Alert.Category.MET,
        event="Crue de l'Huveaune",
        response_type=Alert.ResponseType.EVACUATE,
        urgency=Alert.Urgency.IMMEDIATE,
        severity=Alert.Severity.SEVERE,
        certainty=Alert.Certainty.OBSERVED,
        headline="Crue de l'Huveaune : quittez les rez-de-chaussée (exemple)",
        description="Message d'exercice : l'Huveaune déborde en aval d'Aubagne.",
        instruction=(
            "Montez à l'étage ou rejoignez le gymnase de la Penne-sur-Huveaune. "
            "Ne prenez pas votre voiture. N'allez pas chercher vos enfants à l'école."
        ),
        effective=past,
        expires=past + datetime.timedelta(hours=3),
        area_desc="Vallée de l'Huveaune (Marseille, Aubagne)",
        exercise=flood,
        ended_at=past + datetime.timedelta(hours=3),
    )
    soon = now + datetime.timedelta(days=21)
    fire, _ = Exercise.objects.get_or_create(
        title="Exercice feu de forêt au pied de la Sainte-Victoire (exemple)",
        is_demo=True,
        defaults={
            "scenario": (
                "Un départ de feu est simulé sur le massif. Les participants apprennent les "
                "gestes de mise à l'abri et le chemin vers la zone de confinement."
            ),
            "risk": "fire",
            "starts_at": soon,
            "ends_at": soon + datetime.timedelta(hours=2),
            "place": "Salle des fêtes du Tholonet (exemple)",
            "organiser": "Cellule de crise de la Métropole, SDIS 13",
            "capacity": 40,
        },
    )
    fire.communes.set([aix])
    heat_start = now - datetime.timedelta(days=120)
    _alert(
        "demo-alerte-canicule",
        communes=list(communes.values()),
        sent=heat_start,
        state=Alert.State.PUBLISHED,
        status=Alert.Status.ACTUAL,
        risk="heatwave",
        category=Alert.Category.MET,
        event="Canicule",
        response_type=Alert.ResponseType.PREPARE,
        urgency=Alert.Urgency.EXPECTED,
        severity=Alert.Severity.MODERATE,
        certainty=Alert.Certainty.LIKELY,
        headline="Canicule : protégez-vous de la chaleur (exemple)",
        description="Des températures de 38 °C sont attendues pendant trois jours.",
        instruction=(
            "Buvez de l'eau régulièrement, fermez les volets le jour, prenez des nouvelles "
            "de vos voisins âgés. Salles rafraîchies ouvertes dans les mairies."
        ),
        effective=heat_start,
        expires=heat_start + datetime.timedelta(days=3),
        area_desc="Toute la Métropole (communes de l'exemple)",
        ended_at=heat_start + datetime.timedelta(days=3),
    )
    storm_start = now - datetime.timedelta(days=30)
    storm = _alert(
        "demo-alerte-orages",
        communes=[marseille],
        sent=storm_start,
        state=Alert.State.SUPERSEDED,
        status=Alert.Status.ACTUAL,
        risk="storm",
        category=Alert.Category.MET,
        event="Orages violents",
        response_type=Alert.ResponseType.SHELTER,
        urgency=Alert.Urgency.EXPECTED,
        severity=Alert.Severity.SEVERE,
        certainty=Alert.Certainty.LIKELY,
        headline="Orages violents attendus ce soir (exemple)",
        description="Orages avec grêle et rafales à 100 km/h attendus à partir de 18 h.",
        instruction="Rentrez les objets des balcons, évitez les déplacements, restez à l'abri.",
        event_en="Violent thunderstorms",
        headline_en="Violent thunderstorms expected tonight (example)",
        description_en="Thunderstorms with hail and gusts of 100 km/h expected from 6 pm.",
        instruction_en="Bring in objects from balconies, avoid travelling, stay indoors.",
        effective=storm_start,
        expires=storm_start + datetime.timedelta(hours=12),
        area_desc="Marseille",
        ended_at=storm_start + datetime.timedelta(hours=2),
    )
    update = _alert(
        "demo-alerte-orages-maj",
        communes=[marseille],
        sent=storm_start + datetime.timedelta(hours=2),
        state=Alert.State.CANCELLED,
        status=Alert.Status.ACTUAL,
        msg_type=Alert.MsgType.UPDATE,
        references=storm,
        risk="storm",
        category=Alert.Category.MET,
        event="Orages violents",
        response_type=Alert.ResponseType.SHELTER,
        urgency=Alert.Urgency.IMMEDIATE,
        severity=Alert.Severity.SEVERE,
        certainty=Alert.Certainty.OBSERVED,
        headline="Orages violents en cours sur Marseille (exemple)",
        description="Les orages touchent les quartiers nord ; grêle observée.",
        instruction="Restez à l'abri jusqu'à 23 h. Ne traversez pas les rues inondées.",
        event_en="Violent thunderstorms",
        headline_en="Violent thunderstorms over Marseille (example)",
        description_en="The storms are hitting the northern districts; hail observed.",
        instruction_en="Stay indoors until 11 pm. Do not cross flooded streets.",
        effective=storm_start + datetime.timedelta(hours=2),
        expires=storm_start + datetime.timedelta(hours=12),
        area_desc="Marseille",
        ended_at=storm_start + datetime.timedelta(hours=6),
    )
    _alert(
        "demo-alerte-orages-fin",
        communes=[marseille],
        sent=storm_start + datetime.timedelta(hours=6),
        state=Alert.State.PUBLISHED,
        status=Alert.Status.ACTUAL,
        msg_type=Alert.MsgType.CANCEL,
        references=update,
        risk="storm",
        category=Alert.Category.MET,
        event="Orages violents",
        response_type=Alert.ResponseType.ALL_CLEAR,
        urgency=Alert.Urgency.PAST,
        severity=Alert.Severity.SEVERE,
        certainty=Alert.Certainty.OBSERVED,
        headline="Orages violents en cours sur Marseille (exemple)",
        description="Les orages se sont éloignés : l'alerte est levée.",
        event_en="Violent thunderstorms",
        headline_en="Violent thunderstorms over Marseille (example)",
        description_en="The storms have moved away: the alert is lifted.",
        note="Les orages se sont éloignés : l'alerte est levée.",
        area_desc="Marseille",
        ended_at=storm_start + datetime.timedelta(hours=6),
    )
    return "2 exercises (1 debrief), 5 alert messages, none in force"
