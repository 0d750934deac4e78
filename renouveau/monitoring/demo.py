"""Demonstration programme of the plan: about thirty projects over the eight chantiers and six
Territoires, with yearly spending, funding, milestones and indicators (cycle lanes counting
towards the plan's 200 km). Every row has ``is_demo=True`` (badge "Démonstration") and the
owners say "(exemple)". Figures are plausible orders of magnitude, not real data. Idempotent:
rows are keyed on their slug."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

M = Decimal(1_000_000)

# title, owner, chantiers, communes (INSEE), status, progress, years, planned M€ per year,
# jobs created/kept, fundings {source: share}
PROJECTS = [
    (
        "Extension nord du tramway de Marseille",
        "Métropole — direction des mobilités (exemple)",
        [5],
        ["13055"],
        "in_progress",
        45,
        (2021, 2026),
        [60, 110, 120, 120, 90, 40],
        (350, 0),
        {"metropolis": 0.6, "state": 0.25, "eu_recovery": 0.15},
    ),
    (
        "Automatisation du métro ligne 1",
        "Régie des transports (exemple)",
        [5],
        ["13055"],
        "in_progress",
        30,
        (2022, 2026),
        [0, 70, 90, 95, 90, 60],
        (120, 300),
        {"metropolis": 0.7, "state": 0.3},
    ),
    (
        "Bus à haut niveau de service Aix – Plan de Campagne",
        "Métropole — direction des mobilités (exemple)",
        [5],
        ["13001", "13015"],
        "in_progress",
        55,
        (2021, 2025),
        [30, 55, 60, 50, 20, 0],
        (90, 40),
        {"metropolis": 0.5, "region": 0.3, "state": 0.2},
    ),
    (
        "Plan vélo : voies cyclables métropolitaines",
        "Métropole — plan vélo (exemple)",
        [5, 6],
        ["13055", "13001", "13005", "13047", "13056"],
        "in_progress",
        40,
        (2021, 2026),
        [25, 40, 45, 50, 50, 45],
        (60, 0),
        {"metropolis": 0.6, "state": 0.2, "eu_recovery": 0.2},
    ),
    (
        "Navettes maritimes de la rade",
        "Régie des transports (exemple)",
        [5],
        ["13055", "13056"],
        "planned",
        10,
        (2023, 2026),
        [0, 0, 15, 25, 25, 10],
        (40, 0),
        {"metropolis": 0.8, "region": 0.2},
    ),
    (
        "Pôle d'échanges de la gare d'Aubagne",
        "Métropole — direction des mobilités (exemple)",
        [5, 6],
        ["13005"],
        "planned",
        5,
        (2023, 2026),
        [0, 0, 20, 35, 30, 15],
        (80, 0),
        {"metropolis": 0.6, "state": 0.4},
    ),
    (
        "Fonds de soutien aux commerces de proximité",
        "Métropole — développement économique (exemple)",
        [1],
        ["13055", "13001", "13103"],
        "completed",
        100,
        (2020, 2021),
        [20, 15, 0, 0, 0, 0],
        (0, 1200),
        {"metropolis": 0.7, "region": 0.3},
    ),
    (
        "Plan de relance du tourisme et des croisières",
        "Métropole — tourisme (exemple)",
        [1],
        ["13055", "13022"],
        "in_progress",
        60,
        (2021, 2024),
        [12, 10, 8, 5, 0, 0],
        (150, 600),
        {"metropolis": 0.5, "state": 0.5},
    ),
    (
        "Aides aux entreprises culturelles et événementielles",
        "Métropole — culture (exemple)",
        [1, 4],
        ["13055", "13001", "13004"],
        "in_progress",
        70,
        (2021, 2023),
        [8, 8, 6, 0, 0, 0],
        (0, 450),
        {"metropolis": 1.0},
    ),
    (
        "Filière hydrogène de Fos",
        "Métropole — développement économique (exemple)",
        [2, 3],
        ["13039"],
        "planned",
        15,
        (2022, 2026),
        [0, 10, 25, 40, 45, 30],
        (400, 0),
        {"state": 0.4, "eu_recovery": 0.4, "metropolis": 0.2},
    ),
    (
        "Rénovation énergétique des écoles",
        "Métropole et communes (exemple)",
        [2, 4],
        ["13055", "13047", "13077"],
        "in_progress",
        35,
        (2021, 2026),
        [10, 20, 25, 25, 20, 15],
        (220, 0),
        {"state": 0.3, "metropolis": 0.4, "commune": 0.3},
    ),
    (
        "Réseau de chaleur de Martigues",
        "Pays de Martigues (exemple)",
        [2],
        ["13056"],
        "proposed",
        0,
        (2024, 2026),
        [0, 0, 0, 20, 25, 15],
        (70, 0),
        {"metropolis": 0.5, "eu_recovery": 0.5},
    ),
    (
        "Pacte de relocalisation : zones d'activité de Rousset",
        "Métropole — développement économique (exemple)",
        [3],
        ["13087"],
        "planned",
        10,
        (2022, 2025),
        [0, 8, 14, 14, 8, 0],
        (300, 0),
        {"metropolis": 0.6, "region": 0.4},
    ),
    (
        "Pépinière industrielle de Vitrolles",
        "Métropole — développement économique (exemple)",
        [3],
        ["13117"],
        "proposed",
        0,
        (2024, 2026),
        [0, 0, 0, 6, 9, 6],
        (150, 0),
        {"metropolis": 0.7, "private": 0.3},
    ),
    (
        "Tiers-lieux numériques dans les quartiers prioritaires",
        "Métropole — cohésion sociale (exemple)",
        [4],
        ["13055", "13047", "13077"],
        "in_progress",
        50,
        (2021, 2024),
        [3, 4, 4, 2, 0, 0],
        (35, 0),
        {"metropolis": 0.5, "state": 0.5},
    ),
    (
        "Parcours d'insertion par les chantiers du plan",
        "Métropole — emploi (exemple)",
        [4],
        ["13055", "13005"],
        "in_progress",
        65,
        (2021, 2026),
        [2, 3, 3, 3, 3, 3],
        (0, 0),
        {"metropolis": 0.6, "state": 0.4},
    ),
    (
        "Cité éducative de Port-de-Bouc",
        "Commune de Port-de-Bouc (exemple)",
        [4],
        ["13077"],
        "planned",
        20,
        (2022, 2025),
        [0, 2, 4, 4, 2, 0],
        (20, 0),
        {"state": 0.6, "commune": 0.4},
    ),
    (
        "Cœur de ville de Salon-de-Provence",
        "Commune de Salon-de-Provence (exemple)",
        [6],
        ["13103"],
        "in_progress",
        40,
        (2021, 2025),
        [5, 10, 12, 10, 5, 0],
        (90, 0),
        {"metropolis": 0.4, "commune": 0.4, "state": 0.2},
    ),
    (
        "Centralité de quartier à Istres – Rassuen",
        "Métropole — aménagement (exemple)",
        [6],
        ["13047"],
        "proposed",
        0,
        (2024, 2026),
        [0, 0, 0, 8, 12, 8],
        (60, 0),
        {"metropolis": 0.7, "commune": 0.3},
    ),
    (
        "Requalification du centre ancien d'Aix",
        "Métropole — aménagement (exemple)",
        [6],
        ["13001"],
        "planned",
        10,
        (2023, 2026),
        [0, 0, 8, 15, 15, 10],
        (110, 0),
        {"metropolis": 0.5, "commune": 0.5},
    ),
    (
        "Sanctuarisation des terres agricoles de la plaine de l'Arc",
        "Métropole — agriculture (exemple)",
        [7],
        ["13001", "13071"],
        "in_progress",
        30,
        (2021, 2026),
        [2, 3, 3, 3, 3, 3],
        (5, 20),
        {"metropolis": 0.7, "region": 0.3},
    ),
    (
        "Parc naturel urbain des collines de l'Étoile",
        "Métropole — environnement (exemple)",
        [7],
        ["13005", "13002"],
        "proposed",
        0,
        (2024, 2026),
        [0, 0, 0, 4, 6, 4],
        (15, 0),
        {"metropolis": 0.6, "department": 0.4},
    ),
    (
        "Projet alimentaire territorial : légumeries",
        "Métropole — agriculture (exemple)",
        [8],
        ["13005", "13103"],
        "in_progress",
        45,
        (2021, 2025),
        [1, 3, 4, 3, 1, 0],
        (45, 0),
        {"metropolis": 0.5, "state": 0.3, "eu_recovery": 0.2},
    ),
    (
        "Marchés de producteurs dans les 92 communes",
        "Métropole — agriculture (exemple)",
        [8, 4],
        ["13055", "13001", "13056", "13047"],
        "completed",
        100,
        (2020, 2022),
        [0.5, 1, 0.5, 0, 0, 0],
        (10, 60),
        {"metropolis": 1.0},
    ),
    (
        "Cuisine centrale bio pour les cantines",
        "Commune d'Aubagne (exemple)",
        [8],
        ["13005"],
        "planned",
        5,
        (2023, 2025),
        [0, 0, 3, 5, 2, 0],
        (30, 0),
        {"commune": 0.6, "state": 0.4},
    ),
    (
        "Ligne express Martigues – Marseille",
        "Métropole — direction des mobilités (exemple)",
        [5],
        ["13056", "13055"],
        "proposed",
        0,
        (2024, 2026),
        [0, 0, 0, 25, 40, 30],
        (50, 0),
        {"metropolis": 0.6, "region": 0.4},
    ),
    (
        "Parking relais de La Fourragère",
        "Métropole — direction des mobilités (exemple)",
        [5],
        ["13055"],
        "proposed",
        0,
        (2024, 2025),
        [0, 0, 0, 12, 8, 0],
        (25, 0),
        {"metropolis": 1.0},
    ),
]
YEARS = range(2023, 2029)  # the lists above, shifted: first figure = 2023
SHIFT = 2  # the (start, end) years above are shifted by the same amount
CYCLE_KM = [
    (
        "Voies cyclables livrées",
        [
            (date(2021, 12, 31), 12),
            (date(2022, 12, 31), 38),
            (date(2023, 12, 31), 71),
            (date(2024, 12, 31), 96),
        ],
    )
]


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return f"exemple-{slugify(title)}"[:140]


def load() -> str:
    from renouveau.plan.models import Deliberation, Target, Workstream
    from renouveau.territories.models import Commune

    from . import services
    from .models import Project

    workstreams = {w.number: w for w in Workstream.objects.all()}
    if len(workstreams) < 8:
        return "skipped (plan not loaded)"
    communes = {c.insee: c for c in Commune.objects.all()}
    framework = (
        Deliberation.objects.filter(number__isnull=True).first() or Deliberation.objects.first()
    )
    created = 0
    for row in PROJECTS:
        title, owner, ws, insee, status, progress, (start, end), planned, jobs, fundings = row
        start, end = start + SHIFT, end + SHIFT
        slug = _slug(title)
        if Project.objects.filter(slug=slug).exists():
            continue
        spendings = []
        total = Decimal(0)
        for year, amount in zip(YEARS, planned, strict=True):
            if not amount:
                continue
            value = Decimal(str(amount)) * M
            total += value
            done = 1 if year < 2026 else (0.6 if year == 2026 else 0)
            if status == "proposed":
                done = 0
            spendings.append({
                "year": year, "planned_eur": value,
                "committed_eur": (value * Decimal(str(min(1, done + 0.2)))).quantize(Decimal(1)) if done else 0,
                "paid_eur": (value * Decimal(str(done))).quantize(Decimal(1)),
            })  # fmt: skip
        project = services.project_create(
            actor=None,
            data={
                "slug": slug,
                "title": title,
                "owner": owner,
                "summary": (
                    "**Projet de démonstration.** Les montants, dates et indicateurs sont des "
                    "ordres de grandeur plausibles pour montrer le suivi du plan ; ils ne "
                    "décrivent pas un projet réel."
                ),
                "workstreams": [workstreams[n] for n in ws],
                "communes": [communes[c] for c in insee if c in communes],
                "status": status,
                "progress": progress,
                "start_on": date(start, 1, 1),
                "end_on": date(end, 12, 31),
                "jobs_created": jobs[0],
                "jobs_kept": jobs[1],
                "origin_kind": "workstream",
                "origin_ref": f"Chantier {ws[0]} du plan AMP 2R",
                "deliberation": framework,
                "deliberations": [framework] if framework else [],
                "spendings": spendings,
                "fundings": [
                    {"source": s, "amount_eur": (total * Decimal(str(share))).quantize(Decimal(1))}
                    for s, share in fundings.items()
                ],
                "is_demo": True,
            },
        )
        services.milestone_save(actor=None, project=project, data={
            "title": "Décision de lancement", "due_on": date(start, 3, 1),
            "done_on": date(start, 3, 15) if status != "proposed" else None})  # fmt: skip
        services.milestone_save(actor=None, project=project, data={
            "title": "Mise en service", "due_on": date(end, 10, 1),
            "done_on": date(end, 9, 20) if status == "completed" else None})  # fmt: skip
        created += 1
    bikes = Project.objects.filter(slug=_slug(PROJECTS[3][0])).first()
    cycle_target = Target.objects.filter(code="plan-velo-voies-cyclables").first()
    if bikes and not bikes.indicators.exists():
        for label, values in CYCLE_KM:
            indicator = services.indicator_create(actor=None, project=bikes, data={
                "label": label, "unit": "km", "target": cycle_target, "baseline_value": 0,
                "baseline_on": date(2020, 7, 31), "target_value": 200, "target_on": date(2028, 12, 31),
                "is_demo": True})  # fmt: skip
            for day, value in values:
                services.measurement_record(actor=None, indicator=indicator, measured_on=day, value=value,
                                            source="Relevé de démonstration")  # fmt: skip
    tram = Project.objects.filter(slug=_slug(PROJECTS[0][0])).first()
    if tram and not tram.indicators.exists():
        indicator = services.indicator_create(actor=None, project=tram, data={
            "label": "Voyageurs par jour sur l'extension", "unit": "voyageurs/jour",
            "baseline_value": 0, "target_value": 45000, "target_on": date(2028, 12, 31), "is_demo": True})  # fmt: skip
        for day, value in [
            (date(2024, 6, 30), 8000),
            (date(2024, 12, 31), 14500),
            (date(2025, 6, 30), 21000),
        ]:
            services.measurement_record(actor=None, indicator=indicator, measured_on=day, value=value,
                                        source="Comptages de démonstration")  # fmt: skip
    return (
        f"{created} demonstration projects ({Project.objects.filter(is_demo=True).count()} in all)"
    )
