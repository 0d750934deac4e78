"""API pagination: bad page numbers and sizes are 400 with a French message, never a 500."""

import pytest


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "²"}, "page"),  # str.isdigit() accepts it, int() does not
        ({"page": "0"}, "page"),
        ({"page": "1" * 5000}, "page"),
        ({"page_size": "²"}, "page_size"),
        ({"page_size": "-3"}, "page_size"),
    ],
)
def test_bad_pagination_is_400(client, plan, query, field):
    response = client.get("/api/v1/aids/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_good_pagination(client, plan):
    response = client.get("/api/v1/aids/", {"page": "1", "page_size": "3"})
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["results"] == []
    assert client.get("/api/v1/aids/", {"page": "2"}).status_code == 404
