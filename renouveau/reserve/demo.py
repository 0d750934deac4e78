"""Demonstration dataset of the citizen reserve: volunteers (some of them the demo people of
mutual aid, found or created by the same e-mail addresses), open missions, warning signals at
several steps and one consenting « citoyen exemplaire ». Every row has ``is_demo=True`` (shown
with the "Démonstration" badge) and its title says "exemple". Idempotent: a re-run creates
nothing twice and only moves forward missions that have become past."""

from __future__ import annotations

import datetime

from django.utils import timezone

DEMO_DOMAIN = "demo.renouveau.localhost"


def _user(local: str, name: str, commune):
    from renouveau.accounts.models import User

    user, created = User.objects.get_or_create(
        email=f"{local}@{DEMO_DOMAIN}",
        defaults={"display_name": name, "commune": commune, "birth_year": 1975},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def load() -> str:
    from renouveau.territories.models import Commune

    from .models import (
        CHARTER_VERSION,
        Mission,
        MissionStatus,
        Signal,
        SignalStatus,
        Signup,
        Skill,
        Volunteer,
        VolunteerStatus,
    )
    from .services import skills_load

    communes = {
        c.insee: c
        for c in Commune.objects.filter(insee__in=["13055", "13001", "13005", "13056", "13047"])
    }
    if len(communes) < 5:
        return "skipped (territories not loaded)"
    marseille, aix, aubagne, martigues, istres = (
        communes[i] for i in ("13055", "13001", "13005", "13056", "13047")
    )
    if not Skill.objects.exists():
        skills_load()
    skills = {s.code: s for s in Skill.objects.all()}
    now = timezone.now()

    organiser = _user("cellule.reserve", "Cellule de crise (exemple)", marseille)
    people = [
        (
            "nadia.entraide",
            "Nadia (exemple)",
            [marseille],
            ["accompagnement-personnes-fragiles", "cuisine"],
            VolunteerStatus.ACTIVE,
        ),
        (
            "paul.entraide",
            "Paul (exemple)",
            [marseille, aubagne],
            ["logistique", "conduite"],
            VolunteerStatus.ACTIVE,
        ),
        (
            "lea.entraide",
            "Léa (exemple)",
            [aix],
            ["numerique", "langues-etrangeres"],
            VolunteerStatus.ACTIVE,
        ),
        (
            "yanis.reserve",
            "Yanis (exemple)",
            [martigues, istres],
            ["premiers-secours", "environnement"],
            VolunteerStatus.ACTIVE,
        ),
        ("chantal.reserve", "Chantal (exemple)", [aubagne], ["bricolage"], VolunteerStatus.PENDING),
    ]
    volunteers = {}
    for local, name, where, skill_codes, status in people:
        user = _user(local, name, where[0])
        volunteer, created = Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "is_demo": True,
                "status": status,
                "charter_version": CHARTER_VERSION,
                "charter_accepted_at": now,
                "status_changed_at": now,
                "available_weekends": True,
                "available_evenings": local != "yanis.reserve",
                "availability_note": "Plutôt le samedi (exemple)",
            },
        )
        if created:
            volunteer.communes.set(where)
            volunteer.skills.set([skills[c] for c in skill_codes if c in skills])
        volunteers[local] = volunteer
    nadia = volunteers["nadia.entraide"]
    if nadia.is_demo and not nadia.distinguished_at and nadia.status == VolunteerStatus.ACTIVE:
        nadia.citation = (
            "Pendant la canicule de l'été, Nadia a appelé chaque jour une vingtaine de voisins "
            "âgés du quartier et organisé des tournées d'eau fraîche (exemple)."
        )
        nadia.distinguished_at = now
        nadia.recognition_public = True
        nadia.save()

    missions_spec = [
        (
            "Distribution d'eau aux personnes isolées pendant la canicule (exemple)",
            marseille,
            "Mairie des 1er et 7e arrondissements, 61 La Canebière",
            3,
            4,
            6,
            ["logistique", "accompagnement-personnes-fragiles"],
        ),
        (
            "Nettoyage des berges de l'Huveaune après les pluies (exemple)",
            aubagne,
            "Parking du parc Jean Moulin",
            6,
            3,
            12,
            ["environnement", "bricolage"],
        ),
        (
            "Permanence d'aide aux démarches en ligne pour les sinistrés (exemple)",
            aix,
            "Maison du Projet, place de l'Hôtel de Ville",
            9,
            3,
            2,
            ["numerique", "langues-etrangeres"],
        ),
        (
            "Surveillance des massifs en période de risque incendie (exemple)",
            martigues,
            "Caserne de Croix-Sainte, accueil des réservistes",
            12,
            5,
            4,
            ["premiers-secours", "conduite"],
        ),
    ]
    missions = []
    for title, commune, place, in_days, hours, capacity, skill_codes in missions_spec:
        starts = _at(in_days, 9)
        mission, created = Mission.objects.get_or_create(
            title=title,
            is_demo=True,
            defaults={
                "description": (
                    "Mission de démonstration. Accueil par l'organisateur, consignes de sécurité, "
                    "puis travail en binôme. Prévoir des chaussures fermées et de l'eau."
                ),
                "commune": commune,
                "place": place,
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=hours),
                "capacity": capacity,
                "status": MissionStatus.OPEN,
                "organiser": organiser,
            },
        )
        if created:
            mission.skills.set([skills[c] for c in skill_codes if c in skills])
        elif mission.ends_at < now and mission.status in (MissionStatus.OPEN, MissionStatus.FULL):
            mission.starts_at = starts
            mission.ends_at = starts + datetime.timedelta(hours=hours)
            mission.save(update_fields=["starts_at", "ends_at", "updated_at"])
        missions.append(mission)
    Signup.objects.get_or_create(mission=missions[0], volunteer=nadia)
    Signup.objects.get_or_create(mission=missions[0], volunteer=volunteers["paul.entraide"])
    Signup.objects.get_or_create(mission=missions[2], volunteer=volunteers["lea.entraide"])
    Signup.objects.get_or_create(mission=missions[3], volunteer=volunteers["yanis.reserve"])

    reporter = _user("karim.vigie", "Karim (exemple)", marseille)
    signals_spec = [
        (
            "flood",
            marseille,
            "Ruisseau des Aygalades, sous le pont de la rue de Lyon",
            "Le niveau monte vite et charrie des branches (exemple).",
            "high",
            SignalStatus.NEW,
            "",
        ),
        (
            "fire",
            martigues,
            "Colline de Figuerolles, chemin du Sémaphore",
            "Fumée blanche visible depuis la route, odeur de brûlé (exemple).",
            "high",
            SignalStatus.IN_PROGRESS,
            "Transmis au SDIS 13 et à la commune (exemple).",
        ),
        (
            "heatwave",
            aix,
            "Quartier du Jas de Bouffan",
            "Plusieurs personnes âgées seules sans ventilateur dans la résidence (exemple).",
            "medium",
            SignalStatus.ACKNOWLEDGED,
            "",
        ),
        (
            "landslide",
            aubagne,
            "Chemin de la Ruelle, talus au-dessus des jardins",
            "Fissures nouvelles dans le talus après les pluies (exemple).",
            "medium",
            SignalStatus.CLOSED,
            "Le service voirie a posé une barrière et une étude du talus est lancée (exemple).",
        ),
        (
            "water",
            istres,
            "Étang de l'Olivier, rive nord",
            "Le niveau est très bas et des poissons morts flottent (exemple).",
            "low",
            SignalStatus.NEW,
            "",
        ),
        (
            "pollution",
            marseille,
            "Plage de l'Estaque",
            "Irisations sur l'eau et odeur d'hydrocarbures (exemple).",
            "medium",
            SignalStatus.DISMISSED,
            "Contrôle effectué par le gestionnaire du port : pas de pollution constatée (exemple).",
        ),
    ]
    for index, (category, commune, place, description, urgency, status, resolution) in enumerate(
        signals_spec
    ):
        Signal.objects.get_or_create(
            place=place,
            is_demo=True,
            defaults={
                "reporter": reporter,
                "category": category,
                "commune": commune,
                "description": description,
                "observed_at": now - datetime.timedelta(days=index, hours=2),
                "urgency": urgency,
                "status": status,
                "resolution": resolution,
                "status_changed_at": now,
            },
        )
    return (
        f"{Volunteer.objects.filter(is_demo=True).count()} volunteers, "
        f"{Mission.objects.filter(is_demo=True).count()} missions, "
        f"{Signal.objects.filter(is_demo=True).count()} signals"
    )
