import json

from renouveau.territories.models import Commune, Metropolis
from renouveau.territories.services import territories_load


def test_another_metropolis_loads_the_same_way(tmp_path, db):
    data = {
        "source": {"name": "test", "url": None},
        "metropolis": {
            "name": "Métropole de Lyon",
            "short_name": "ML",
            "siren": "200046977",
            "slug": "lyon",
        },
        "territories": [
            {
                "code": "centre",
                "name": "Centre",
                "communes": [
                    {
                        "insee": "69123",
                        "name": "Lyon",
                        "population": 522250,
                        "latitude": 45.76,
                        "longitude": 4.83,
                    },
                    {"insee": "69266", "name": "Villeurbanne", "population": 156928},
                ],
            }  # fmt: skip
        ],
    }
    file = tmp_path / "lyon.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    metropolis = territories_load(path=file)
    assert metropolis == Metropolis.objects.get(slug="lyon")
    assert list(Commune.objects.of_metropolis(metropolis).values_list("name", flat=True)) == [
        "Lyon",
        "Villeurbanne",
    ]
