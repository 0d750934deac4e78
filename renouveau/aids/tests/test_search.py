from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from renouveau.aids.models import Aid

from .conftest import make_aid

pytestmark = pytest.mark.django_db


def _titles(response):
    return [aid.title for aid in response.context["page"]]


@pytest.mark.parametrize("q", ["energie", "énergie", "ENERGIES", "Énergie"])
def test_accents_case_and_plural_find_the_energy_aids(client, energy_aids, q):
    response = client.get("/aides/", {"q": q})
    assert response.status_code == 200
    titles = _titles(response)
    assert "Chèque énergie métropolitain" in titles
    assert "Rénovation énergétique des logements" in titles or connection.vendor != "postgresql"
    assert "Prêt d'honneur pour créer son entreprise" not in titles


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="trigram typo tolerance")
def test_a_typo_still_finds_the_energy_aids_on_postgresql(client, energy_aids):
    titles = _titles(client.get("/aides/", {"q": "enrgie"}))
    assert "Chèque énergie métropolitain" in titles
    assert "Prêt d'honneur pour créer son entreprise" not in titles


@pytest.mark.parametrize("q", ["loyer", "loyers"])
def test_singular_and_plural_find_each_other(client, funders, q):
    """The French stemmer gives "loyer" -> loi but "loyers" -> loyer: the query asks for both
    numbers, so each finds the other."""
    owner = funders["metropolis"]
    make_aid(owner, title="Aide au loyer", promise="x")
    make_aid(owner, title="Impayés de loyers", promise="x")
    make_aid(owner, title="Prêt d'honneur", promise="Pour créer son entreprise")
    assert sorted(_titles(client.get("/aides/", {"q": q}))) == [
        "Aide au loyer",
        "Impayés de loyers",
    ]


def test_number_variants():
    from renouveau.aids.search import number_variant

    assert number_variant("loyer") == "loyers" and number_variant("loyers") == "loyer"
    assert number_variant("bus") is None and number_variant("prix") is None  # too short / x
    assert number_variant("stress") is None and number_variant("gaz") is None
    assert number_variant("2024") is None


IRREGULAR_PAIRS = [
    ("travail", "travaux"),
    ("cheval", "chevaux"),
    ("vitrail", "vitraux"),
    ("bail", "baux"),
    ("jeu", "jeux"),
    ("genou", "genoux"),
    ("cheveu", "cheveux"),
    ("œil", "yeux"),
]


@pytest.mark.parametrize("singular,plural", IRREGULAR_PAIRS)
def test_irregular_plurals_find_each_other(client, funders, singular, plural):
    """ "travail" finds "Travaux de rénovation" and "travaux" finds "Aide au retour au
    travail" (the French stemmer gives ``travail`` and ``traval``), on both databases."""
    owner = funders["metropolis"]
    make_aid(owner, title=f"Aide au {singular} de quartier", promise="Une aide")
    make_aid(owner, title=f"Des {plural} pour tous", promise="Une aide")
    make_aid(owner, title="Prêt d'honneur", promise="Pour créer son entreprise")
    expected = [f"Aide au {singular} de quartier", f"Des {plural} pour tous"]
    for q in (singular, plural, plural.upper()):
        assert sorted(_titles(client.get("/aides/", {"q": q}))) == expected, q


def test_irregular_plurals_in_the_backoffice_filter(client, personas, funders):
    make_aid(funders["marseille"], title="Travaux d'isolation", promise="x")
    make_aid(funders["marseille"], title="Santé", promise="x")
    client.force_login(personas["commune_agent"])
    body = client.get("/aides/gestion/", {"q": "travail"}).content.decode()
    assert "Travaux d&#x27;isolation" in body and "Santé" not in body


def test_irregular_variants():
    from renouveau.aids.search import irregular_variants, stem

    assert irregular_variants("travail") == ["travaux"]
    assert irregular_variants("travaux") == ["travail"]
    assert irregular_variants("jeu") == ["jeux"] and irregular_variants("genoux") == ["genou"]
    assert irregular_variants("oeil") == ["yeux"] and irregular_variants("loyer") == []
    assert stem("travail") == stem("travaux") == stem("travails")
    assert stem("oeil") == stem("yeux") and stem("bail") == stem("baux")


def test_title_matches_rank_first(client, funders):
    owner = funders["metropolis"]
    make_aid(owner, title="Aide aux associations", promise="x", description="Parle de loyer.")
    make_aid(owner, title="Aide au loyer", promise="Payez votre loyer")
    assert _titles(client.get("/aides/", {"q": "loyer"}))[0] == "Aide au loyer"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="relevance groups")
def test_relevance_groups_then_newest_first(client, funders):
    """Relevance: every word in the title, promise or keywords first, then the other
    matches (description...); the most recent first within each group (docs/aids.md)."""
    owner = funders["metropolis"]
    now = timezone.now()
    make_aid(owner, title="Aide A", description="Pour le loyer.", published_at=now)
    make_aid(owner, title="Aide B", keywords="loyer", published_at=now - dt.timedelta(days=1))
    make_aid(owner, title="Aide au loyer", published_at=now - dt.timedelta(days=3))
    make_aid(
        owner, title="Aide C", promise="Un loyer moindre", published_at=now - dt.timedelta(days=2)
    )
    make_aid(
        owner,
        title="Aide D",
        eligibility="Loyer impayé.",
        published_at=now - dt.timedelta(days=4),
    )
    assert _titles(client.get("/aides/", {"q": "loyer"})) == [
        "Aide B", "Aide C", "Aide au loyer", "Aide A", "Aide D"
    ]  # fmt: skip


def test_every_page_of_the_relevance_order_is_the_querysets_order(funders):
    """The page reads a slice of the relevance order through its fast path (PostgreSQL:
    one short query per group); it must give exactly the rows of the plain queryset."""
    from renouveau.aids.selectors import AidFilters, aid_search_results

    owner = funders["metropolis"]
    now = timezone.now()
    for i in range(23):
        fields = {"title": f"Aide {i} au loyer"} if i % 3 == 0 else {"description": "Loyer."}
        if i % 3 == 2:
            fields = {"title": f"Aide {i}", "keywords": "loyer", "description": "loyer"}
        make_aid(owner, published_at=now - dt.timedelta(hours=i % 7, minutes=i), **fields)
    for plain_below in (0, 1000):  # the fast path, then the plain queryset (few results)
        results = aid_search_results(filters=AidFilters(q="loyer"), count_cap=20)
        results.plain_below = plain_below
        assert results.count() == 21
        expected = list(results.queryset.values_list("pk", flat=True))
        assert len(expected) == 23
        for start, stop in [(0, 5), (5, 10), (0, 23), (20, 30), (22, 23)]:
            assert [a.pk for a in results[start:stop]] == expected[start:stop]


def test_filters_audience_type_place_and_dates(client, funders, marseille, territories):
    from renouveau.territories.models import Commune, Territory

    owner = funders["metropolis"]
    aix = Commune.objects.get(insee="13001")
    today = dt.date.today()
    everywhere = make_aid(owner, title="Partout", audiences=["student"], aid_types=["grant"])
    in_marseille = make_aid(
        owner, title="À Marseille", scope="communes", communes=[marseille], audiences=["student"]
    )
    in_aix_territory = make_aid(
        owner,
        title="Pays d'Aix",
        scope="territories",
        territories=[aix.territory],
        audiences=["senior"],
        aid_types=["loan"],
    )
    closing = make_aid(owner, title="Bientôt close", closes_on=today + dt.timedelta(days=5))
    closed = make_aid(
        owner,
        title="Close",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
    )
    make_aid(owner, title="Brouillon", status=Aid.Status.DRAFT, audiences=["student"])

    assert set(_titles(client.get("/aides/", {"public": "student"}))) == {
        everywhere.title,
        in_marseille.title,
    }
    assert _titles(client.get("/aides/", {"type": "loan"})) == [in_aix_territory.title]
    assert in_marseille.title in _titles(client.get("/aides/", {"commune": "13055"}))
    assert in_aix_territory.title not in _titles(client.get("/aides/", {"commune": "13055"}))
    in_aix = _titles(client.get("/aides/", {"commune": "13001"}))
    assert in_aix_territory.title in in_aix and in_marseille.title not in in_aix
    pays_aix = Territory.objects.get(code=aix.territory.code)
    assert in_aix_territory.title in _titles(client.get("/aides/", {"territoire": pays_aix.code}))
    open_now = _titles(client.get("/aides/", {"ouvert": "on"}))
    assert closed.title not in open_now and closing.title in open_now
    before = _titles(client.get("/aides/", {"avant": (today + dt.timedelta(days=10)).isoformat()}))
    assert closing.title in before and everywhere.title not in before
    by_closing = _titles(client.get("/aides/", {"tri": "cloture"}))
    assert by_closing[0] == closed.title and by_closing[1] == closing.title
    assert "Brouillon" not in _titles(client.get("/aides/"))


def test_workstream_filter(client, funders, plan):
    from renouveau.plan.models import Workstream

    transport = Workstream.objects.get(number=5)
    make_aid(funders["metropolis"], title="Vélo", workstreams=[transport])
    make_aid(funders["metropolis"], title="Autre")
    assert _titles(client.get("/aides/", {"chantier": transport.slug})) == ["Vélo"]


@pytest.mark.parametrize(
    "params",
    [
        {"public": "martien"},
        {"type": "cadeau"},
        {"chantier": "inexistant"},
        {"territoire": "atlantide"},
        {"commune": "99999"},
        {"avant": "demain"},
        {"tri": "hasard"},
        {"q": "x" * 10_000},
    ],
)
def test_bad_filters_answer_400_with_a_clear_message(client, funders, params):
    response = client.get("/aides/", params)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Certains critères ne sont pas valables" in body
    assert response.context["page"] is None


def test_long_query_message_says_the_limit(client, funders):
    body = client.get("/aides/", {"q": "x" * 10_000}).content.decode()
    assert "200 caractères au plus" in body


@pytest.mark.parametrize("page,status", [("-1", 400), ("abc", 400), ("0", 400), ("99999", 404)])
def test_bad_pages(client, energy_aids, page, status):
    assert client.get("/aides/", {"page": page}).status_code == status


def test_query_count_does_not_depend_on_the_number_of_results(
    client, funders, django_assert_max_num_queries
):
    owner = funders["metropolis"]
    make_aid(owner, title="Aide au loyer 0")
    with django_assert_max_num_queries(30) as few:
        client.get("/aides/", {"q": "loyer", "public": "resident"})
    for i in range(1, 25):
        make_aid(owner, title=f"Aide au loyer {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/aides/", {"q": "loyer", "public": "resident"})
    assert response.context["page"].paginator.count == 25


def test_htmx_gets_the_results_partial_only(client, energy_aids):
    response = client.get("/aides/", {"q": "énergie"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="aid-results"' in body and "<html" not in body
    assert "Chèque énergie" in body


def test_search_page_without_javascript_has_a_submit_button_and_alert_form(client, energy_aids):
    body = client.get("/aides/", {"q": "énergie"}).content.decode()
    assert 'action="/aides/"' in body and 'type="submit"' in body
    assert 'action="/aides/alertes/"' in body
    assert 'name="q" id="id_q" value="énergie"' in body


def test_detail_page_and_unpublished_aid_is_404(client, funders):
    aid = make_aid(funders["metropolis"], title="Publiée", description="**Gras**")
    draft = make_aid(funders["metropolis"], title="Pas encore", status=Aid.Status.DRAFT)
    response = client.get(aid.get_absolute_url())
    assert response.status_code == 200 and "<strong>Gras</strong>" in response.content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


# --- API --------------------------------------------------------------------------------


def test_api_list_filters_and_detail(client, energy_aids):
    data = client.get("/api/v1/aids/", {"q": "énergie"}).json()
    assert set(data) >= {"count", "next", "results"}
    assert data["count"] == 2
    first = data["results"][0]
    assert {"title", "promise", "audiences", "aid_types", "url"} <= set(first)
    detail = client.get(f"/api/v1/aids/{first['id']}/").json()
    assert detail["title"] == first["title"] and "funders" in detail
    assert client.get("/api/v1/aids/", {"type": "honour_loan"}).json()["count"] == 1


def test_api_pagination_has_next(client, funders):
    for i in range(3):
        make_aid(funders["metropolis"], title=f"Aide {i}")
    data = client.get("/api/v1/aids/", {"page_size": 2}).json()
    assert data["count"] == 3 and data["next"] and len(data["results"]) == 2


@pytest.mark.parametrize(
    "params,status",
    [
        ({"public": "martien"}, 400),
        ({"q": "x" * 10_000}, 400),
        ({"page": "-1"}, 400),
        ({"page": "99999"}, 404),
    ],
)
def test_api_bad_input(client, energy_aids, params, status):
    response = client.get("/api/v1/aids/", params)
    assert response.status_code == status
    assert response.json()


def test_api_unpublished_detail_is_404(client, funders):
    draft = make_aid(funders["metropolis"], status=Aid.Status.DRAFT)
    assert client.get(f"/api/v1/aids/{draft.pk}/").status_code == 404


def test_api_in_openapi_schema(client):
    schema = client.get("/api/v1/schema/", headers={"Accept": "application/json"})
    text = schema.content.decode()
    assert "/api/v1/aids/" in text and "/api/v1/aids/{id}/" in text


def test_search_page_in_english(client, energy_aids):
    client.cookies["django_language"] = "en"
    body = client.get("/aides/", {"q": "énergie"}).content.decode()
    assert "The panorama of aid schemes" in body and "2 aids found" in body


def test_count_is_capped_for_very_common_words(client, funders, monkeypatch):
    from renouveau.aids import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for i in range(5):
        make_aid(funders["metropolis"], title=f"Aide au loyer {i}")
    response = client.get("/aides/", {"q": "loyer"})
    assert "Plus de 3 aides trouvées" in response.content.decode()
    # Pages stop after the cap (+1): beyond, the resident is asked to refine the search.
    assert response.context["page"].paginator.count == 4
    assert len(response.context["page"].object_list) == 4
