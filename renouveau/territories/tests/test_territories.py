import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renouveau.territories.models import Commune, Territory

EXPECTED = {
    "Marseille-Provence": 18,
    "Pays d'Aix": 36,
    "Pays Salonais": 17,
    "Pays d'Aubagne et de l'Étoile": 12,
    "Istres-Ouest Provence": 6,
    "Pays de Martigues": 3,
}


def test_92_communes_in_six_territories(territories):
    assert Commune.objects.count() == 92
    counts = {t.name: t.communes.count() for t in Territory.objects.all()}
    assert counts == EXPECTED
    marseille = Commune.objects.get(insee="13055")
    assert marseille.territory.name == "Marseille-Provence"
    assert marseille.population and marseille.population > 800_000
    assert Commune.objects.get(insee="84089").territory.name == "Pays d'Aix"  # Pertuis, Vaucluse
    assert territories.source.get("name")


def test_loading_twice_is_idempotent(territories):
    from renouveau.territories.services import territories_load

    territories_load()
    assert Commune.objects.count() == 92
    assert Territory.objects.count() == 6


def test_api_lists_territories_with_communes(client, territories):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/territories/")
    assert response.status_code == 200
    data = response.json()
    assert {t["name"]: len(t["communes"]) for t in data} == EXPECTED
    commune = next(c for t in data for c in t["communes"] if c["insee"] == "13001")
    assert commune["name"] == "Aix-en-Provence" and commune["population"] > 100_000
    assert len(ctx.captured_queries) <= 4


def test_schema_documents_the_territories_endpoint(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert b"/api/v1/territories/" in response.content
    assert b"/api/v1/chantiers/" in response.content


def test_territories_page(client, territories):
    response = client.get("/territoires/")
    assert response.status_code == 200
    assert "Pays de Martigues" in response.content.decode()


@pytest.mark.parametrize("bad", ["not json", '{"metropolis": {}}'])
def test_malformed_file_is_refused_by_the_command(tmp_path, db, bad):
    from django.core.management import CommandError, call_command

    file = tmp_path / "bad.json"
    file.write_text(bad)
    with pytest.raises(CommandError):
        call_command("load_territories", str(file))


def test_communes_are_listed_in_french_alphabetical_order(territories, client):
    """Accents, case and hyphens do not count: both databases sort plain text by bytes here,
    which put « Éguilles » after « Vitrolles » and « Gémenos » after « Gignac-la-Nerthe »."""
    names = list(Commune.objects.values_list("name", flat=True))
    assert names.index("Éguilles") < names.index("Eyguières") < names.index("Fos-sur-Mer")
    assert names.index("Cuges-les-Pins") < names.index("Éguilles")
    assert names.index("Gémenos") < names.index("Gignac-la-Nerthe")
    assert names[-1] == "Vitrolles"
    # The residents' commune choice on the sign-up form follows the same order.
    page = client.get(reverse("account_signup")).content.decode()
    assert page.index(">Éguilles<") < page.index(">Eyguières<") < page.index(">Vitrolles<")


def test_a_renamed_commune_moves_in_the_list(territories):
    commune = Commune.objects.get(insee="13055")
    commune.name = "Écrins-sur-Mer"
    commune.save(update_fields=["name"])
    commune.refresh_from_db()
    assert commune.sort_name == "ecrins sur mer"
    names = list(Commune.objects.values_list("name", flat=True))
    assert names.index("Écrins-sur-Mer") < names.index("Ensuès-la-Redonne")
