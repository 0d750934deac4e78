"""Creations whose address (slug) another transaction takes between the check and the insert
take the next free one, for every module that derives slugs from titles (a 500 before)."""

import pytest
from django.core.exceptions import ValidationError

from renouveau.core import slugs
from renouveau.guides import services as guides
from renouveau.guides.models import Guide
from renouveau.portfolio import services as portfolio
from renouveau.portfolio.models import Scenario

pytestmark = pytest.mark.django_db


def _race(monkeypatch, module, create_rival, *, times: int):
    """Each time ``module._unique_slug`` finds a slug free, a rival inserts it first."""
    real = module._unique_slug
    found = []

    def racing(title, **kwargs):
        slug = real(title, **kwargs)
        if len(found) < times:
            create_rival(slug)
        found.append(slug)
        return slug

    monkeypatch.setattr(module, "_unique_slug", racing)
    return found


def test_a_guide_takes_the_next_address_after_losing_the_race(monkeypatch):
    def rival(slug):
        Guide.objects.create(slug=slug, title="Gestes barrières", summary="x", body="x")

    found = _race(monkeypatch, guides, rival, times=2)
    guide = guides.guide_create(
        actor=None, data={"title": "Gestes barrières", "summary": "Se protéger", "body": "…"}
    )
    assert found == ["gestes-barrieres", "gestes-barrieres-2", "gestes-barrieres-3"]
    assert guide.slug == "gestes-barrieres-3"
    assert Guide.objects.filter(title="Gestes barrières").count() == 3


def test_a_scenario_takes_the_next_address_and_gives_up_in_french(monkeypatch):
    def rival(slug):
        Scenario.objects.create(
            slug=slug, title="Équilibré", grid=portfolio.grid_ensure_default(),
            first_year=2025, last_year=2026,
        )  # fmt: skip

    data = {"title": "Équilibré", "first_year": 2025, "last_year": 2026}
    _race(monkeypatch, portfolio, rival, times=1)
    assert portfolio.scenario_create(actor=None, data=data).slug == "equilibre-2"
    monkeypatch.undo()
    found = _race(monkeypatch, portfolio, rival, times=100)
    with pytest.raises(ValidationError, match="Trop d'éléments portant cet intitulé"):
        portfolio.scenario_create(actor=None, data=data)
    assert len(found) == slugs.SLUG_ATTEMPTS


def test_other_integrity_errors_are_not_taken_for_a_slug_race():
    from django.db import IntegrityError

    guide = Guide(slug="libre", title="Libre", summary="x", body="x")

    def broken():
        raise IntegrityError("another constraint")

    with pytest.raises(IntegrityError):
        slugs.insert_with_free_slug(guide, next_slug=lambda: "autre", save=broken)
