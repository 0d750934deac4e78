"""The default grid, from the plan's own words: condition funding on a project's (cross)
usefulness for the economic relaunch, the ecological transition, inclusion and proximity;
plus feasibility and urgency. Plain data, used by the data migration and by the services."""

from __future__ import annotations

SCALE_LEVELS = {
    "0": "aucun effet, ou un effet contraire",
    "1": "effet faible",
    "2": "effet réel mais limité",
    "3": "effet fort",
    "4": "effet majeur, au cœur du plan",
}

GRID = {
    "slug": "grille-amp2r",
    "title": "Grille de priorisation du plan AMP 2R",
    "description": (
        "Le plan demande de « conditionner nos financements à leur utilité (croisée) pour la "
        "relance économique, la transition écologique, l'inclusion et la proximité ». Chaque "
        "projet est noté de 0 à 4 sur chaque critère par plusieurs évaluateurs, avec une "
        "justification ; le critère écologique suit la méthode du budget vert des collectivités."
    ),
}

CRITERIA = [
    {
        "code": "relance-emploi",
        "label": "Relance économique et emploi",
        "family": "impact",
        "kind": "scale",
        "default_weight": 3,
        "guidance": (
            "Emplois créés ou maintenus sur le territoire, commande aux entreprises locales, "
            "soutien aux secteurs durement touchés (tourisme, culture, commerce, BTP). "
            "4 : plusieurs centaines d'emplois ou un secteur entier soutenu ; 0 : aucun effet."
        ),
    },
    {
        "code": "transition-ecologique",
        "label": "Transition écologique (budget vert)",
        "family": "impact",
        "kind": "green_budget",
        "default_weight": 3,
        "guidance": (
            "Cotez chacun des six axes environnementaux comme dans le budget vert des "
            "collectivités : très favorable, favorable, neutre, défavorable, ou à définir "
            "quand l'information manque. La note du critère est la moyenne des axes cotés "
            "(très favorable 4, favorable 3, neutre 2, défavorable 0) ; « à définir » ne compte "
            "pas et reste signalé."
        ),
    },
    {
        "code": "inclusion",
        "label": "Inclusion sociale",
        "family": "impact",
        "kind": "scale",
        "default_weight": 2,
        "guidance": (
            "Effet sur les publics fragiles, les quartiers prioritaires, la fracture numérique, "
            "l'insertion et l'éducation."
        ),
    },
    {
        "code": "proximite",
        "label": "Proximité",
        "family": "impact",
        "kind": "scale",
        "default_weight": 2,
        "guidance": (
            "Ville des courtes distances, services et commerces de proximité, centralités, "
            "équilibre entre les Territoires."
        ),
    },
    {
        "code": "effets-croises",
        "label": "Effets croisés",
        "family": "impact",
        "kind": "scale",
        "default_weight": 1,
        "guidance": (
            "Le projet sert-il à la fois l'emploi, l'inclusion et l'écologie (les trois "
            "impératifs du plan) ? 4 : les trois, fortement ; 0 : un seul, faiblement."
        ),
    },
    {
        "code": "faisabilite",
        "label": "Faisabilité",
        "family": "delivery",
        "kind": "scale",
        "default_weight": 1,
        "levels": {
            "0": "très incertaine",
            "1": "incertaine",
            "2": "plausible",
            "3": "probable",
            "4": "acquise (foncier, études, financements)",
        },
        "guidance": "Maîtrise foncière, études faites, financements réunis, porteur solide.",
    },
    {
        "code": "urgence",
        "label": "Urgence",
        "family": "delivery",
        "kind": "scale",
        "default_weight": 1,
        "levels": {
            "0": "peut attendre",
            "1": "souhaitable",
            "2": "utile rapidement",
            "3": "urgent",
            "4": "vital pour la relance immédiate",
        },
        "guidance": "Ce que coûterait un report d'un an, pour les habitants et les entreprises.",
    },
]
