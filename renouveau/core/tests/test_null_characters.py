"""A NUL character in an address answers 400 with a French message everywhere (it used to reach
PostgreSQL, which refuses it, and answer 500 where a view had not guarded against it)."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/journal/ideas/idea%00/1/",
        "/appels/invitations/abc%00def/",
        "/idees/?statut=%00",
        "/idees/?%00=1",
        "/suivi/projets/?q=tram%00",
    ],
)
def test_nul_in_the_address_is_a_bad_request(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_nul_in_an_api_address_answers_json(client, db):
    response = client.get("/api/v1/projects/?chantier=%00")
    assert response.status_code == 400
    assert "caractère nul" in response.json()["detail"]


def test_the_api_format_suffix_of_a_calls_projects_list(client, db):
    from renouveau.calls.models import Phase
    from renouveau.calls.tests.factories import make_call

    call = make_call(Phase.VOTE)
    response = client.get(f"/api/v1/calls/{call.pk}/projects.json")
    assert response.status_code == 200
    assert response.json()["results"] == []
