"""Realistic synthetic aids for load tests (``is_synthetic=True``, owned by a funder named
"Financeur synthétique"). Never exported, never e-mailed, badged "Synthétique" on every page,
and the command that creates them refuses to run on a production configuration.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from .models import Aid, AidType, Audience, Funder, SearchWord
from .search import index_text, lexicon_words

SYNTHETIC_FUNDER_SLUG = "financeur-synthetique"

THEMES = [
    (
        "énergie",
        "la rénovation énergétique des logements",
        "isolation, chauffage, factures d'énergie",
    ),
    (
        "énergie",
        "les économies d'énergie des commerces",
        "éclairage, froid commercial, audit énergétique",
    ),
    (
        "énergies renouvelables",
        "l'installation de panneaux solaires",
        "photovoltaïque, autoconsommation",
    ),
    ("mobilité", "l'achat d'un vélo à assistance électrique", "vélo, cycle, déplacements doux"),
    ("mobilité", "l'abonnement aux transports en commun", "bus, métro, tramway, navette maritime"),
    ("emploi", "le recrutement d'un premier salarié", "embauche, contrat, apprentissage"),
    (
        "emploi",
        "le retour à l'emploi des chômeurs de longue durée",
        "insertion, formation, accompagnement",
    ),
    ("formation", "la formation aux métiers du numérique", "compétences, reconversion, code"),
    ("logement", "le maintien dans le logement", "loyer, impayés, expulsion"),
    ("logement", "l'adaptation du logement au vieillissement", "accessibilité, senior, handicap"),
    (
        "alimentation",
        "les circuits courts et la vente directe",
        "producteurs locaux, marché, panier",
    ),
    (
        "agriculture",
        "l'installation des jeunes agriculteurs",
        "foncier agricole, exploitation, bio",
    ),
    (
        "commerce",
        "la modernisation des commerces de centre-ville",
        "vitrine, travaux, accessibilité",
    ),
    ("artisanat", "la transmission des entreprises artisanales", "reprise, cession, savoir-faire"),
    ("tourisme", "la relance des activités touristiques", "hébergement, saison, croisière"),
    ("culture", "la reprise des spectacles vivants", "intermittents, salle, programmation"),
    ("sport", "l'accès au sport pour les jeunes", "licence, club, équipement sportif"),
    (
        "numérique",
        "l'équipement informatique des familles",
        "ordinateur, connexion, fracture numérique",
    ),
    ("santé", "la prévention et l'accès aux soins", "dépistage, médecin, santé mentale"),
    ("solidarité", "l'aide alimentaire d'urgence", "colis, épicerie solidaire, précarité"),
    (
        "économie sociale et solidaire",
        "le développement des structures de l'ESS",
        "coopérative, association, utilité sociale",
    ),
    (
        "économie circulaire",
        "la réduction et le réemploi des déchets",
        "recyclage, réparation, compost",
    ),
    ("eau", "les économies d'eau", "récupération d'eau de pluie, irrigation, fuites"),
    (
        "nature en ville",
        "la végétalisation des quartiers",
        "arbres, jardins partagés, îlots de fraîcheur",
    ),
    ("risques", "la protection contre les inondations", "diagnostic, batardeau, vulnérabilité"),
    ("innovation", "les jeunes entreprises innovantes", "start-up, incubateur, prototype"),
    (
        "industrie",
        "la relocalisation des activités productives",
        "usine, sous-traitance, bas carbone",
    ),
    ("éducation", "la lutte contre le décrochage scolaire", "soutien scolaire, tutorat, collège"),
    ("jeunesse", "l'autonomie des jeunes", "permis de conduire, logement étudiant, mobilité"),
    (
        "associations",
        "le fonctionnement des associations de quartier",
        "bénévoles, local, projet associatif",
    ),
]
KINDS = [
    ("Aide", AidType.GRANT),
    ("Subvention", AidType.GRANT),
    ("Prêt", AidType.LOAN),
    ("Prêt d'honneur", AidType.HONOUR_LOAN),
    ("Avance remboursable", AidType.RECOVERABLE_ADVANCE),
    ("Exonération", AidType.FEE_EXEMPTION),
    ("Réduction", AidType.TARIFF_REDUCTION),
    ("Remboursement", AidType.REFUND),
    ("Accompagnement", AidType.TECHNICAL_SUPPORT),
]
PLACES = ["métropolitaine", "de proximité", "territoriale", "solidaire", "exceptionnelle", "2026"]


def synthetic_aid(rng: random.Random, number: int, *, owner: Funder, today: dt.date) -> Aid:
    theme, object_, words = rng.choice(THEMES)
    kind_label, kind = rng.choice(KINDS)
    audiences = rng.sample(Audience.values, k=rng.randint(1, 3))
    aid_types = [kind] + ([AidType.TECHNICAL_SUPPORT] if rng.random() < 0.2 else [])
    title = f"{kind_label} {rng.choice(PLACES)} pour {object_} n° {number}"
    promise = f"Un coup de pouce pour {object_}"
    description = (
        f"Ce dispositif synthétique soutient {object_} ({words}). Il relève du thème "
        f"« {theme} » et sert uniquement aux tests de charge."
    )
    closes_on = today + dt.timedelta(days=rng.randint(-60, 365)) if rng.random() < 0.6 else None
    amount_max = rng.choice([None, 500, 1000, 5000, 10000, 50000])
    aid = Aid(
        slug=f"synthetique-{number}",
        title=title[:200],
        promise=promise[:300],
        description=description,
        eligibility="Conditions fictives.",
        keywords=f"{theme}, {words}",
        audiences=audiences,
        aid_types=aid_types,
        amount_max=amount_max,
        owner=owner,
        scope=Aid.Scope.METROPOLIS,
        closes_on=closes_on,
        opens_on=(closes_on - dt.timedelta(days=90)) if closes_on else None,
        recurrence=rng.choice(Aid.Recurrence.values),
        status=Aid.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=rng.randint(0, 700)),
        is_synthetic=True,
        source_note="Donnée synthétique générée pour les tests de charge : cette aide n'existe pas.",
    )
    labels = dict(Audience.choices) | dict(AidType.choices)
    aid.search_extra = " ".join(str(labels[c]) for c in [*audiences, *aid_types]) + " " + owner.name
    aid.search_text = index_text(
        aid.title, aid.promise, aid.keywords, aid.description, aid.eligibility, "", aid.search_extra
    )
    return aid


def aids_generate_synthetic(*, count: int, seed: int = 2020, batch: int = 1000) -> int:
    """Create ``count`` synthetic published aids (numbered after the existing ones)."""
    from .selectors import is_postgres
    from .services import search_vectors_update

    rng = random.Random(seed)  # noqa: S311 - test data
    today = timezone.localdate()
    owner, _created = Funder.objects.get_or_create(
        slug=SYNTHETIC_FUNDER_SLUG,
        defaults={"name": "Financeur synthétique (tests de charge)", "kind": Funder.Kind.PARTNER},
    )
    start = Aid.objects.filter(is_synthetic=True).count()
    created = 0
    with transaction.atomic():
        for offset in range(0, count, batch):
            aids = [
                synthetic_aid(rng, start + offset + i + 1, owner=owner, today=today)
                for i in range(min(batch, count - offset))
            ]
            Aid.objects.bulk_create(aids, batch_size=batch)
            if is_postgres():
                words: set[str] = set()
                for aid in aids:
                    words |= lexicon_words(
                        aid.title, aid.keywords, aid.description, aid.search_extra
                    )
                SearchWord.objects.bulk_create(
                    [SearchWord(word=w) for w in words], ignore_conflicts=True, batch_size=1000
                )
            created += len(aids)
        if is_postgres():
            Aid.objects.filter(is_synthetic=True, search_vector__isnull=True).update(
                **search_vectors_update()
            )
    return created


def aids_delete_synthetic() -> int:
    deleted, _detail = Aid.objects.filter(is_synthetic=True).delete()
    return deleted
