"""Demonstration of the grid and programming: three demo assessors score the demonstration
projects of the monitoring app (with some disagreements), and three scenarios are computed,
one of them with constraints that cannot hold together, to show the explanation. Every row
is labelled (``is_demo=True`` on scenarios, demo projects, demo users). Idempotent."""

from __future__ import annotations

import hashlib
from decimal import Decimal

DEMO_DOMAIN = "demo.renouveau.localhost"
ASSESSORS = [
    ("evaluation.mobilite", "Agente mobilité (exemple)", "metropolis_agent"),
    ("evaluation.economie", "Agent économie (exemple)", "metropolis_agent"),
    ("evaluation.elue", "Élue référente (exemple)", "elected"),
]
# Base marks per chantier: relance, inclusion, proximite, effets-croises, faisabilite, urgence
BASE = {
    1: (4, 2, 3, 2, 4, 4),
    2: (3, 1, 1, 3, 2, 2),
    3: (4, 2, 2, 2, 2, 2),
    4: (2, 4, 3, 3, 3, 3),
    5: (3, 2, 3, 4, 2, 3),
    6: (2, 3, 4, 3, 2, 2),
    7: (1, 1, 2, 2, 3, 2),
    8: (2, 3, 4, 4, 3, 2),
}
GREEN = {
    1: {"climate_mitigation": "neutral", "pollution": "neutral"},
    2: {"climate_mitigation": "very_favourable", "circular_economy": "favourable"},
    3: {"climate_mitigation": "favourable", "pollution": "unfavourable"},
    4: {"climate_mitigation": "neutral"},
    5: {
        "climate_mitigation": "very_favourable",
        "pollution": "very_favourable",
        "biodiversity": "to_define",
    },
    6: {"climate_adaptation": "favourable", "biodiversity": "favourable"},
    7: {
        "biodiversity": "very_favourable",
        "water": "very_favourable",
        "climate_adaptation": "very_favourable",
    },
    8: {"climate_mitigation": "favourable", "circular_economy": "favourable", "water": "neutral"},
}
SCALE_CODES = [
    "relance-emploi",
    "inclusion",
    "proximite",
    "effets-croises",
    "faisabilite",
    "urgence",
]


def _jitter(*parts: str) -> int:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return digest[0] % 3 - 1  # -1, 0 or +1


def _assessors():
    from renouveau.accounts.models import User
    from renouveau.accounts.roles import Role
    from renouveau.accounts.services import role_grant

    users = []
    for local, name, role in ASSESSORS:
        user, created = User.objects.get_or_create(
            email=f"{local}@{DEMO_DOMAIN}", defaults={"display_name": name}
        )
        if created:
            user.set_unusable_password()
            user.save()
            role_grant(actor=None, user=user, role=Role(role))
        users.append(user)
    return users


def load() -> str:
    from renouveau.monitoring import demo as monitoring_demo
    from renouveau.monitoring.models import Project
    from renouveau.plan.models import Workstream

    from . import services
    from .models import GREEN_AXES, Scenario, Score

    monitoring_demo.load()  # the projects first (RENOUVEAU_APPS lists portfolio before)
    projects = list(
        Project.objects.filter(is_demo=True, participatory_budget__isnull=True).prefetch_related(
            "workstreams"
        )
    )
    if not projects:
        return "skipped (no demonstration projects)"
    grid = services.grid_ensure_default()
    criteria = {c.code: c for c in grid.criteria.all()}
    assessors = _assessors()
    scored = 0
    if not Score.objects.filter(assessor__in=assessors).exists():
        for project in projects:
            number = project.workstreams.all()[0].number
            for a_index, assessor in enumerate(assessors):
                if a_index == 2 and project.pk % 3 == 0:
                    continue  # the elected member did not score every project
                for code, base in zip(SCALE_CODES, BASE[number], strict=True):
                    value = max(0, min(4, base + _jitter(project.slug, code, assessor.email)))
                    if (
                        project.slug.endswith("filiere-hydrogene-de-fos")
                        and code == "relance-emploi"
                    ):
                        value = (4, 4, 1)[a_index]  # a real disagreement, justified below
                    services.score_set(
                        assessor=assessor, project=project, criterion=criteria[code], value=value,
                        justification=(
                            "Fort potentiel d'emplois industriels selon le porteur (exemple)."
                            if value >= 3 else "Effet jugé modeste au vu du dossier (exemple)."
                        ),
                    )  # fmt: skip
                axes = dict.fromkeys((code for code, _label in GREEN_AXES), "neutral")
                axes.update(GREEN[number])
                if a_index == 1 and number == 3:
                    axes["climate_mitigation"] = "to_define"
                services.score_set(
                    assessor=assessor, project=project,
                    criterion=criteria["transition-ecologique"], axes=axes,
                    justification="Cotation budget vert d'après la fiche projet (exemple).",
                )  # fmt: skip
            scored += 1
    ws = {w.number: w for w in Workstream.objects.all()}
    by_title = {p.title: p for p in projects}
    scenarios = [
        {
            "slug": "exemple-scenario-equilibre",
            "title": "Scénario équilibré (démonstration)",
            "description": "Poids par défaut de la grille ; 450 M€ par an ; au moins 300 M€ par an "
            "pour les transports alternatifs ; chaque Territoire au moins 1,5 % du programme.",
            "method": Scenario.Method.WEIGHTED_SUM,
            "first_year": 2026, "last_year": 2027, "weights": {},
            "constraints": [
                {"kind": "budget", "amount_eur": Decimal(450_000_000)},
                {"kind": "workstream_min", "amount_eur": Decimal(300_000_000), "workstream": ws[5]},
                {"kind": "territory_share", "share_percent": Decimal("1.5")},
                {"kind": "mandatory", "project": by_title.get("Extension nord du tramway de Marseille")},
                {"kind": "incompatible", "project": by_title.get("Parking relais de La Fourragère"),
                 "other_project": by_title.get("Extension nord du tramway de Marseille")},
                {"kind": "requires", "project": by_title.get("Cuisine centrale bio pour les cantines"),
                 "other_project": by_title.get("Projet alimentaire territorial : légumeries")},
            ],
        },
        {
            "slug": "exemple-priorite-climat",
            "title": "Priorité climat (démonstration)",
            "description": "La transition écologique pèse double ; classement TOPSIS ; 400 M€ par an.",
            "method": Scenario.Method.TOPSIS,
            "first_year": 2026, "last_year": 2028, "weights": {"transition-ecologique": 6},
            "constraints": [{"kind": "budget", "amount_eur": Decimal(400_000_000)}],
        },
        {
            "slug": "exemple-contraintes-incompatibles",
            "title": "Contraintes incompatibles (démonstration)",
            "description": "350 M€ par an pour les transports alternatifs, mais un budget total de "
            "300 M€ : aucune programmation n'est possible, et la page dit pourquoi.",
            "method": Scenario.Method.WEIGHTED_SUM,
            "first_year": 2026, "last_year": 2027, "weights": {},
            "constraints": [
                {"kind": "budget", "amount_eur": Decimal(300_000_000)},
                {"kind": "workstream_min", "amount_eur": Decimal(350_000_000), "workstream": ws[5]},
            ],
        },
    ]  # fmt: skip
    made = 0
    for spec in scenarios:
        if Scenario.objects.filter(slug=spec["slug"]).exists():
            continue
        weights = {criteria[code]: Decimal(w) for code, w in spec["weights"].items()}
        scenario = services.scenario_create(
            actor=None,
            data={
                **{k: spec[k] for k in ("slug", "title", "description", "method", "first_year", "last_year")},
                "is_public": True, "is_demo": True, "grid": grid,
            },
            weights={c: weights.get(c, c.default_weight) for c in criteria.values()},
        )  # fmt: skip
        for constraint in spec["constraints"]:
            if any(v is None for v in constraint.values()):
                continue
            services.constraint_add(actor=None, scenario=scenario, data=constraint)
        services.scenario_run(actor=None, scenario=scenario)
        made += 1
    return f"{scored} projects scored, {made} scenarios computed"
