"""Detail URLs of the API: a control character in a slug or code is a 404, never a 500."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/territories/%00/",
        "/api/v1/territories/%00.json/",
        "/api/v1/chantiers/%00/",
        "/api/v1/chantiers/x%1F/",
        "/api/v1/projects/%00/",
        "/api/v1/aids/%00/",
    ],
)
def test_control_characters_in_a_lookup_are_a_404(client, plan, path):
    """A NUL byte reached PostgreSQL, which refuses it (a 500; found by the security crawl)."""
    assert client.get(path).status_code == 404


def test_ordinary_lookups_still_resolve(client, plan):
    from renouveau.plan.models import Workstream
    from renouveau.territories.models import Territory

    territory = Territory.objects.order_by("code").first()
    workstream = Workstream.objects.order_by("number").first()
    assert client.get(f"/api/v1/territories/{territory.code}/").status_code == 200
    assert client.get(f"/api/v1/chantiers/{workstream.slug}/").status_code == 200
    assert client.get(f"/api/v1/chantiers/{workstream.slug}.json").status_code == 200
