import pytest

from renouveau.monitoring.models import Project
from renouveau.portfolio.models import Programme, Scenario

pytestmark = pytest.mark.django_db


def test_demo_programme_fills_every_page(client, plan):
    from renouveau.portfolio import demo

    summary = demo.load()
    assert "scenarios computed" in summary
    assert demo.load().endswith("0 scenarios computed")  # idempotent
    assert Project.objects.filter(is_demo=True).count() >= 25
    statuses = {s.slug: s.programmes.get().status for s in Scenario.objects.filter(is_demo=True)}
    assert statuses == {
        "exemple-scenario-equilibre": Programme.Status.OPTIMAL,
        "exemple-priorite-climat": Programme.Status.OPTIMAL,
        "exemple-contraintes-incompatibles": Programme.Status.INFEASIBLE,
    }
    infeasible = Programme.objects.get(scenario__slug="exemple-contraintes-incompatibles")
    assert len(infeasible.conflict) >= 2
    for url in ["/suivi/", "/suivi/projets/", "/suivi/chantiers/transports-alternatifs-voiture/",
                "/priorisation/", "/priorisation/projets/", "/priorisation/scenarios/",
                "/priorisation/scenarios/exemple-scenario-equilibre/",
                infeasible.get_absolute_url()]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Démonstration" in response.content.decode(), url
    page = client.get("/suivi/chantiers/transports-alternatifs-voiture/").content.decode()
    assert page.count('role="img"') == 2  # 350 M€/an and 200 km
