from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renouveau.aids.models import Aid, Funder, FunderMembership


@pytest.fixture
def seeded(plan):
    """The real aid measures of the seed file (14 aids, 5 funders)."""
    from renouveau.aids.services import aids_load

    aids_load()
    return Funder.objects.get(slug="metropole-amp")


@pytest.fixture
def funders(personas, territories):
    """Two funders: the metropolis (metropolis agent = reviewer) and Marseille (commune agent
    = editor, and a reviewer colleague)."""
    metropolis = Funder.objects.create(slug="metropole", name="Métropole", kind="metropolis")
    marseille = Funder.objects.create(
        slug="ville-marseille", name="Ville de Marseille", kind="commune"
    )
    FunderMembership.objects.create(
        funder=metropolis, user=personas["metropolis_agent"], role=FunderMembership.Role.REVIEWER
    )
    FunderMembership.objects.create(
        funder=marseille, user=personas["commune_agent"], role=FunderMembership.Role.EDITOR
    )
    return {"metropolis": metropolis, "marseille": marseille}


def make_aid(owner: Funder, *, status: str = Aid.Status.PUBLISHED, **fields) -> Aid:
    """An aid through the service (indexed for search), then put in ``status``."""
    from renouveau.aids.services import aid_create

    data = {
        "title": "Aide",
        "promise": "Une aide",
        "audiences": ["resident"],
        "aid_types": ["grant"],
        "owner": owner,
    }
    data.update(fields)
    aid = aid_create(actor=None, data=data)
    if status != Aid.Status.DRAFT:
        published_at = fields.get("published_at") or timezone.now()
        Aid.objects.filter(pk=aid.pk).update(
            status=status, published_at=published_at if status == Aid.Status.PUBLISHED else None
        )
        aid.refresh_from_db()
    return aid


@pytest.fixture
def energy_aids(funders):
    owner = funders["metropolis"]
    return [
        make_aid(
            owner,
            title="Chèque énergie métropolitain",
            promise="Payez moins vos factures d'énergie",
            description="Une aide pour les ménages modestes face à la hausse des prix de l'énergie.",
            audiences=["low_income", "resident"],
            aid_types=["grant"],
        ),
        make_aid(
            owner,
            title="Rénovation énergétique des logements",
            promise="Isolez votre logement",
            description="Travaux de rénovation, économies d'énergies.",
            audiences=["resident"],
            aid_types=["grant", "technical_support"],
            closes_on=dt.date.today() + dt.timedelta(days=30),
        ),
        make_aid(
            owner,
            title="Prêt d'honneur pour créer son entreprise",
            promise="Financez votre création",
            audiences=["entrepreneur"],
            aid_types=["honour_loan"],
        ),
    ]
