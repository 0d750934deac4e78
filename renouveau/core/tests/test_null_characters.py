"""A NUL character that reaches PostgreSQL answers 400 with a French message, not 500 (views
and forms that refuse or strip it themselves keep their own answers)."""

import json

import pytest
from django.db import DataError, connection
from django.test import RequestFactory

from renouveau.core.middleware import NullCharacterMiddleware

NUL_ERROR = "PostgreSQL text fields cannot contain NUL (0x00) bytes"


@pytest.mark.parametrize("path", ["/journal/ideas/idea%00/1/", "/appels/invitations/abc%00def/"])
def test_unguarded_views_answer_400(client, personas, path):
    client.force_login(personas["metropolis_agent"])
    response = client.get(path)
    if connection.vendor == "postgresql":
        assert response.status_code == 400
        assert "caractère nul" in response.content.decode()
    else:  # SQLite stores NUL characters: simply nothing found
        assert response.status_code == 404


def test_the_net_answers_400_and_json_under_the_api(db):
    middleware = NullCharacterMiddleware(lambda request: None)
    factory = RequestFactory()
    page = factory.get("/idees/")
    from django.contrib.auth.models import AnonymousUser

    page.user = AnonymousUser()
    response = middleware.process_exception(page, DataError(NUL_ERROR))
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    api = middleware.process_exception(factory.get("/api/v1/projects/"), DataError(NUL_ERROR))
    assert api.status_code == 400
    assert "caractère nul" in json.loads(api.content)["detail"]
    # Other database errors are not the client's: left to the 500 handler.
    assert middleware.process_exception(page, DataError("value too long")) is None


def test_the_api_format_suffix_of_a_calls_projects_list(client, db):
    from renouveau.calls.models import Phase
    from renouveau.calls.tests.factories import make_call

    call = make_call(Phase.VOTE)
    response = client.get(f"/api/v1/calls/{call.pk}/projects.json")
    assert response.status_code == 200
    assert response.json()["results"] == []
