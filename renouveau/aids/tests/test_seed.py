from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from renouveau.aids.models import Aid, Funder
from renouveau.aids.services import SEED_FILE

pytestmark = pytest.mark.django_db


def test_every_seed_aid_is_published_with_its_deliberation(seeded):
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    assert Aid.objects.count() == len(data["aids"]) >= 12
    for aid in Aid.objects.select_related("deliberation"):
        assert aid.status == Aid.Status.PUBLISHED
        assert aid.deliberation is not None, aid.external_id
        assert aid.deliberation_reference
    numbers = set(Aid.objects.values_list("deliberation__number", flat=True))
    assert {
        "15529",
        "15511",
        "15194",
        "15140",
        "15242",
        "15271",
        "15143",
        "15577",
        "15091",
    } <= numbers
    adie = Aid.objects.get(external_id="amp2r-conseil-15529-adie")
    assert adie.deliberation.body == "conseil"  # 15529 exists twice; the ADIE one is the Conseil's
    assert adie.aid_types == ["honour_loan"]
    assert set(adie.funders.values_list("slug", flat=True)) == {"metropole-amp", "adie"}
    terraces = Aid.objects.get(external_id="amp2r-conseil-15194-terrasses-kiosques")
    assert list(terraces.territories.values_list("code", flat=True)) == ["marseille-provence"]


def test_load_aids_command_is_idempotent(plan):
    call_command("load_aids")
    first = set(Aid.objects.values_list("pk", "slug"))
    call_command("load_aids")
    assert set(Aid.objects.values_list("pk", "slug")) == first
    assert Funder.objects.filter(slug="metropole-amp").count() == 1


def test_seed_aids_are_searchable(client, seeded):
    titles = [a.title for a in client.get("/aides/", {"q": "piscine"}).context["page"]]
    assert titles == ["Remboursement des activités encadrées des piscines métropolitaines"]
    body = client.get("/aides/pret-d-honneur-adie/").content.decode()
    assert "15529" in body and "Adie" in body


def test_exports_csv_json_and_dispositif_aide(client, seeded):
    csv_text = client.get("/aides/export/aides.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("external_id,title,promise")
    assert "amp2r-conseil-15529-adie" in csv_text
    rows = client.get("/aides/export/aides.json").json()
    assert len(rows) == Aid.objects.count()
    dispositifs = client.get("/aides/export/dispositifs-aide.json").json()
    adie = next(d for d in dispositifs if d["titre"] == "Prêt d'honneur de l'Adie")
    assert adie["types_aides"] == "financement"
    assert adie["cibles"] == "professionnels"
    assert adie["eligibilite_geographique"] == "EPCI-200054807"
    roles = {p["nom"]: p["roles"] for p in adie["porteurs"]}
    assert roles["Adie"] == ["financeur", "instructeur"]
    terraces = next(d for d in dispositifs if "kiosques" in d["titre"])
    assert "COM-13055" in terraces["eligibilite_geographique"].split("|")
    for d in dispositifs:
        assert d["id"] and d["date_mise_a_jour"].endswith("Z") and d["cibles"]


def test_seed_command_loads_the_aids_even_without_demo_data(settings, db):
    settings.DEMO_DATA = False
    call_command("seed")
    assert Aid.objects.filter(is_demo=False, status=Aid.Status.PUBLISHED).count() >= 12
