"""The CSV import and the reference loader create aids whose address (slug) another
transaction may take between the check and the insert: they take the next free one, like
every other creation (``renouveau.core.slugs``), instead of failing."""

from __future__ import annotations

import pytest

from renouveau.aids import services
from renouveau.aids.exchange import aids_import_csv
from renouveau.aids.models import Aid

pytestmark = pytest.mark.django_db


def _race(monkeypatch, rival, *, times: int) -> list[str]:
    """Each time ``services._unique_slug`` finds a slug free, a rival inserts it first."""
    real = services._unique_slug
    found: list[str] = []

    def racing(title, **kwargs):
        slug = real(title, **kwargs)
        if len(found) < times:
            rival(slug)
        found.append(slug)
        return slug

    monkeypatch.setattr(services, "_unique_slug", racing)
    return found


def _rival(owner):
    def create(slug):
        Aid.objects.create(slug=slug, title="Rivale", promise="x", owner=owner)

    return create


def test_the_csv_import_takes_the_next_address_after_losing_the_race(
    monkeypatch, personas, funders
):
    owner = funders["marseille"]
    found = _race(monkeypatch, _rival(owner), times=2)
    raw = (
        "external_id,title,promise,audiences,aid_types\n"
        "velo-1,Prime vélo,Une prime pour un vélo,resident,grant\n"
    ).encode()
    report = aids_import_csv(actor=personas["commune_agent"], owner=owner, raw=raw, dry_run=False)
    assert not report.fatal
    assert report.created == 1 and not report.errors, report.errors
    assert found == ["prime-velo", "prime-velo-2", "prime-velo-3"]
    assert Aid.objects.get(external_id="velo-1").slug == "prime-velo-3"


def test_the_reference_loader_takes_the_next_address_when_its_slug_is_taken(
    monkeypatch, plan, funders
):
    # An agent's aid already holds the address the file gives to the Adie honour loan.
    Aid.objects.create(
        slug="pret-d-honneur-adie", title="Autre", promise="x", owner=funders["metropolis"]
    )
    services.aids_load()
    adie = Aid.objects.get(external_id__isnull=False, slug__startswith="pret-d-honneur-adie-")
    assert adie.slug == "pret-d-honneur-adie-2"
    assert Aid.objects.get(slug="pret-d-honneur-adie").title == "Autre"


def test_the_reference_loader_takes_the_next_address_after_losing_the_race(
    monkeypatch, plan, funders
):
    found = _race(monkeypatch, _rival(funders["metropolis"]), times=1)
    services.aids_load()
    # The first aid of the file lost its address to the rival and took the next one.
    first = Aid.objects.exclude(title="Rivale").get(slug=f"{found[0]}-2")
    assert first.external_id
    assert Aid.objects.filter(slug=found[0], title="Rivale").exists()
