"""Demonstration rows of governance (``is_demo=True``, labelled « Démonstration » on every
page). Idempotent: rows are keyed on their names/titles. Figures of the OECD comparisons here
are placeholders for the demonstration, never real statistics."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from .models import (
    AGE_BANDS,
    Body,
    Candidate,
    ComparisonIndicator,
    ComparisonValue,
    Draw,
    Meeting,
    Membership,
    Place,
    Recommendation,
)

CONVENTION = "convention-citoyenne-relance-renouveau"


def _commune(name: str):
    from renouveau.territories.models import Commune

    return Commune.objects.select_related("territory").get(name=name)


def _places() -> dict[str, Place]:
    rows = [
        ("Maison du Projet", "project_house", "Marseille", "2 rue de la Démonstration"),
        ("Antenne du Pays d'Aix", "project_house_branch", "Aix-en-Provence", "10 cours fictif"),
        (
            "Antenne du Pays Salonais",
            "project_house_branch",
            "Salon-de-Provence",
            "5 place fictive",
        ),
        (
            "Antenne du Pays d'Aubagne et de l'Étoile",
            "project_house_branch",
            "Aubagne",
            "3 rue fictive",
        ),
        ("Antenne d'Istres-Ouest Provence", "project_house_branch", "Istres", "8 avenue fictive"),
        ("Antenne du Pays de Martigues", "project_house_branch", "Martigues", "1 quai fictif"),
        ("Tiers-lieu du noyau villageois", "third_place", "Gémenos", "Ancienne école (fictive)"),
    ]
    places = {}
    for name, kind, commune, address in rows:
        places[name], _created = Place.objects.update_or_create(
            name=name,
            is_demo=True,
            defaults={
                "kind": kind,
                "commune": _commune(commune),
                "address": address,
                "opening_hours": "Du mardi au samedi, 10 h – 18 h ; nocturne le jeudi jusqu'à 20 h.",
                "accessibility": "Accès de plain-pied, boucle magnétique à l'accueil, toilettes adaptées.",
                "services": "Information sur le plan, accompagnement numérique, ateliers "
                "participatifs, exposition des projets.",
                "contact": "maison-du-projet@example.org",
            },
        )
    return places


def _members(bodies: dict[str, Body]) -> int:
    rows = [
        (
            "comite-gouvernance-renouvelee",
            "Claire Démo",
            "academic",
            "enseignante-chercheuse",
            "Marseille",
        ),
        (
            "comite-gouvernance-renouvelee",
            "Karim Exemple",
            "chamber",
            "chambre consulaire",
            "Marseille",
        ),
        (
            "comite-gouvernance-renouvelee",
            "Louise Fictive",
            "association",
            "fédération sportive",
            "Aubagne",
        ),
        (
            "comite-gouvernance-renouvelee",
            "Marc Témoin",
            "business",
            "petite entreprise",
            "Vitrolles",
        ),
        (
            "conseil-de-developpement",
            "Nadia Illustration",
            "civil_society",
            "représentante associative",
            "Aix-en-Provence",
        ),
        ("conseil-metropolitain-des-jeunes", "Théo Maquette", "youth", "lycéen", "Martigues"),
        (
            "conseil-metropolitain-des-jeunes",
            "Inès Prototype",
            "youth",
            "étudiante",
            "Salon-de-Provence",
        ),
    ]
    for code, name, college, quality, commune in rows:
        Membership.objects.update_or_create(
            body=bodies[code],
            public_name=name,
            is_demo=True,
            defaults={
                "college": college,
                "quality": quality,
                "commune": _commune(commune),
                "started_on": datetime.date(2026, 1, 15),
            },
        )
    return len(rows)


def _meetings(bodies: dict[str, Body], places: dict[str, Place]) -> int:
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    rows = [
        (
            "Séance d'installation de la convention citoyenne",
            CONVENTION,
            now + datetime.timedelta(days=21, hours=2),
            True,
            80,
            "Accueil ; présentation du plan AMP 2R ; méthode de travail ; questions du public.",
            "",
        ),
        (
            "Réunion publique : la relance dans le Pays d'Aix",
            None,
            now + datetime.timedelta(days=10),
            True,
            40,
            "Présentation des chantiers ; échanges avec les habitantes et habitants.",
            "",
        ),
        (
            "Séance de travail du comité de gouvernance renouvelée",
            "comite-gouvernance-renouvelee",
            now - datetime.timedelta(days=14),
            False,
            None,
            "Lecture partagée des enjeux ; priorités de l'automne.",
            "Le comité a examiné les priorités de l'automne et demandé un point d'étape "
            "sur les tiers-lieux. (compte rendu de démonstration)",
        ),
    ]
    for title, code, start, public, capacity, agenda, minutes in rows:
        place = places["Maison du Projet"] if code else places["Antenne du Pays d'Aix"]
        Meeting.objects.update_or_create(
            title=title,
            is_demo=True,
            defaults={
                "body": bodies[code] if code else None,
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=2),
                "place": place,
                "agenda": agenda,
                "is_public": public,
                "capacity": capacity,
                "minutes": minutes,
                "minutes_published_at": timezone.now() if minutes else None,
            },
        )
    return len(rows)


def _draw(bodies: dict[str, Body]) -> Draw:
    from renouveau.territories.models import Commune

    draw, created = Draw.objects.get_or_create(
        title="Tirage au sort de la convention citoyenne (démonstration)",
        is_demo=True,
        defaults={
            "body": bodies[CONVENTION],
            "description": "Douze habitantes et habitants tirés au sort parmi les volontaires, "
            "avec des quotas par Territoire, genre et tranche d'âge.",
            "seats": 12,
            "quotas": {
                "territory": {
                    "marseille-provence": 5,
                    "pays-d-aix": 2,
                    "pays-salonais": 1,
                    "pays-d-aubagne-et-de-l-etoile": 1,
                    "istres-ouest-provence": 1,
                    "pays-de-martigues": 2,
                },
                "gender": {"woman": 6, "man": 6, "other": 0},
            },
            "closes_on": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    if created:
        rng = random.Random(2021)  # noqa: S311 - demonstration profiles, not the draw
        communes = list(Commune.objects.select_related("territory").order_by("insee"))
        bands = [code for code, _label in AGE_BANDS]
        for n in range(60):
            commune = communes[n % len(communes)] if n % 3 else _commune("Marseille")
            Candidate.objects.create(
                draw=draw,
                public_name=f"Volontaire {n + 1}",
                commune=commune,
                territory=commune.territory,
                age_band=rng.choice(bands),
                gender="woman" if n % 2 else "man",
                consented_at=timezone.now(),
            )
    return draw


def _recommendations(bodies: dict[str, Body]) -> int:
    rows = [
        (
            "CG-1",
            "comite-gouvernance-renouvelee",
            "Ouvrir une antenne de la Maison du Projet par Territoire",
            "adopted",
            "Six antennes sont programmées, une par Territoire, dans des locaux existants.",
        ),
        (
            "CG-2",
            "comite-gouvernance-renouvelee",
            "Publier chaque trimestre l'avancement des chantiers",
            "partial",
            "Le suivi est publié en continu sur la plateforme ; le bilan trimestriel papier n'est pas retenu faute de moyens.",
        ),
        (
            "CD-1",
            "conseil-de-developpement",
            "Associer les jeunes à la priorisation des projets",
            "studying",
            "La Métropole étudie une place pour le Conseil Métropolitain des jeunes dans la grille de priorisation.",
        ),
        (
            "CMJ-1",
            "conseil-metropolitain-des-jeunes",
            "Gratuité des transports pour les moins de 18 ans",
            "rejected",
            "Le coût n'est pas soutenable dans le budget 2026 ; une tarification solidaire est proposée à la place.",
        ),
        (
            "CMJ-2",
            "conseil-metropolitain-des-jeunes",
            "Un tiers-lieu jeunesse dans chaque Territoire",
            "pending",
            "",
        ),
    ]
    for number, code, title, response, justification in rows:
        Recommendation.objects.update_or_create(
            body=bodies[code],
            number=number,
            defaults={
                "title": title,
                "text": f"{title}. (recommandation de démonstration)",
                "made_on": datetime.date(2026, 2, 1),
                "response": response,
                "response_text": justification,
                "responded_on": datetime.date(2026, 3, 1) if response != "pending" else None,
                "is_demo": True,
            },
        )
    return len(rows)


def _comparisons() -> int:
    indicators = [
        (
            "pib-par-habitant",
            "PIB par habitant",
            "milliers € (PPA)",
            "Produit intérieur brut de l'aire métropolitaine rapporté à sa population.",
            {
                "Aix-Marseille-Provence": "38.0",
                "Rotterdam-La Haye": "45.0",
                "Manchester": "36.0",
                "Birmingham (West Midlands)": "33.0",
            },
        ),
        (
            "taux-emploi",
            "Taux d'emploi des 15-64 ans",
            "%",
            "Part des personnes de 15 à 64 ans qui ont un emploi.",
            {
                "Aix-Marseille-Provence": "60.0",
                "Rotterdam-La Haye": "74.0",
                "Manchester": "71.0",
                "Birmingham (West Midlands)": "68.0",
            },
        ),
        (
            "pm25",
            "Exposition aux particules fines (PM2,5)",
            "µg/m³",
            "Concentration moyenne annuelle pondérée par la population.",
            {
                "Aix-Marseille-Provence": "11.0",
                "Rotterdam-La Haye": "10.0",
                "Manchester": "8.0",
                "Birmingham (West Midlands)": "9.0",
            },
        ),
    ]
    for code, name, unit, definition, values in indicators:
        indicator, _created = ComparisonIndicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "definition": definition,
                "source": "Valeurs de démonstration (à remplacer par les données de l'OCDE)",
                "year": 2019,
                "is_demo": True,
            },
        )
        for metropolis, value in values.items():
            ComparisonValue.objects.get_or_create(
                indicator=indicator,
                metropolis=metropolis,
                defaults={
                    "value": Decimal(value),
                    "is_home": metropolis == "Aix-Marseille-Provence",
                    "is_demo": True,
                },
            )
    return len(indicators)


def load() -> str:
    from .services import reference_load

    if not Body.objects.exists():
        reference_load()
    bodies = {b.code: b for b in Body.objects.all()}
    places = _places()
    members = _members(bodies)
    meetings = _meetings(bodies, places)
    draw = _draw(bodies)
    recommendations = _recommendations(bodies)
    indicators = _comparisons()
    return (
        f"{len(places)} lieux, {members} membres, {meetings} réunions, 1 tirage "
        f"({draw.candidates.count()} candidatures), {recommendations} recommandations, "
        f"{indicators} indicateurs comparatifs"
    )
