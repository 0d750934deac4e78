"""The global search (``/recherche/?q=``): what it finds in each module, what it must never
show (drafts, hidden or withdrawn content, unpublished aids...), validation, bounded queries,
one failing provider, the header form and the English page."""

from __future__ import annotations

import copy
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renouveau.core.search import (
    MAX_QUERY_LENGTH,
    clean_query,
    fold,
    query_words,
    search_sections,
    text_filter,
)

WORD = "Zéphyrin"  # in every row below: one query reaches every module


def links(body: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', body))


# --- the query -------------------------------------------------------------------------------


def test_query_words_fold_accents_case_and_plurals_and_drop_stopwords():
    assert fold("Œuvre ÉNERGIE Çà") == "oeuvre energie ca"
    assert query_words("Les JARDINS partagés de la Cité") == ["jardin", "partage", "cite"]
    assert query_words("travaux sociaux") == ["trav", "soci"]  # travail, social alike
    assert query_words("de la pour") == []
    assert query_words("a b 13 13") == ["13"]
    assert len(query_words(" ".join(f"mot{n}" for n in range(20)))) == 8


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("x" * (MAX_QUERY_LENGTH + 1), "too_long"),
        ("vélo\x00", "control"),
        ("vélo\x1b[31m", "control"),
        ("vélo\ttrottinette", "control"),
    ],
)
def test_clean_query_refuses_long_queries_and_control_characters(raw, code):
    with pytest.raises(ValidationError) as error:
        clean_query(raw)
    assert error.value.code == code
    assert clean_query("  aide   au\u00a0logement ") == "aide au logement"
    assert clean_query("x" * MAX_QUERY_LENGTH) == "x" * MAX_QUERY_LENGTH


# --- content ---------------------------------------------------------------------------------


@pytest.fixture
def content(plan, personas, marseille):
    """In each module, a row the public sees and one it must not see, all with ``WORD``."""
    from renouveau.aids.models import Aid, Funder
    from renouveau.aids.tests.conftest import make_aid
    from renouveau.alerts import services as alert_services
    from renouveau.alerts.tests.factories import alert_data, published_alert
    from renouveau.calls.models import Submission
    from renouveau.calls.tests.factories import make_call, make_submission
    from renouveau.guides.models import Guide
    from renouveau.ideas.models import Idea
    from renouveau.monitoring.tests.factories import make_project
    from renouveau.mutualaid.tests.factories import make_initiative, make_offer, make_request
    from renouveau.reserve.models import MissionStatus
    from renouveau.reserve.tests.factories import make_mission

    resident, agent = personas["resident"], personas["metropolis_agent"]
    neighbour = personas["association_member"]
    funder = Funder.objects.create(slug="metropole", name="Métropole", kind="metropolis")
    rows = {
        "aid": make_aid(funder, title=f"Rénovation {WORD} des façades"),
        "aid_draft": make_aid(funder, title=f"Brouillon {WORD}", status=Aid.Status.DRAFT),
        "aid_review": make_aid(funder, title=f"Relecture {WORD}", status=Aid.Status.IN_REVIEW),
        "guide": Guide.objects.create(
            slug="guide", title=f"Guide {WORD}", summary="Résumé", body="Texte",
            status=Guide.Status.PUBLISHED, published_at=timezone.now(),
        ),
        "guide_draft": Guide.objects.create(
            slug="guide-brouillon", title=f"Guide brouillon {WORD}", summary="Résumé",
            body="Texte", status=Guide.Status.DRAFT,
        ),
        "offer": make_offer(resident, title=f"Courses avec {WORD}"),
        "offer_hidden": make_offer(resident, title=f"Offre masquée {WORD}", is_hidden=True),
        "offer_closed": make_offer(resident, title=f"Offre retirée {WORD}", status="closed"),
        "offer_expired": make_offer(
            resident, title=f"Offre expirée {WORD}",
            expires_on=timezone.localdate() - datetime.timedelta(days=1),
        ),
        "request": make_request(neighbour, title=f"Besoin de {WORD}"),
        "initiative": make_initiative(
            neighbour.organisations.first(), title=f"Paniers {WORD}"
        ),
        "idea": Idea.objects.create(
            author=resident, kind=Idea.Kind.PROBLEM, title=f"Trottoir {WORD}",
            description="Défoncé.", category="roads", commune=marseille,
        ),
        "idea_hidden": Idea.objects.create(
            author=resident, kind=Idea.Kind.PROBLEM, title=f"Idée masquée {WORD}",
            description="Injurieuse.", category="roads", commune=marseille, is_hidden=True,
        ),
        "mission": make_mission(agent, commune=marseille, title=f"Mission {WORD}"),
        "mission_draft": make_mission(
            agent, commune=marseille, title=f"Mission brouillon {WORD}",
            status=MissionStatus.DRAFT,
        ),
        "project": make_project(title=f"Pôle {WORD}"),
        "project_unpublished": make_project(title=f"Projet caché {WORD}", is_published=False),
        "alert": published_alert(
            personas["crisis_agent"], [marseille], headline=f"Crue {WORD}"
        ),
        "alert_draft": alert_services.alert_create(
            actor=personas["crisis_agent"],
            data=alert_data([marseille], headline=f"Brouillon d'alerte {WORD}"),
        ),
    }  # fmt: skip
    call = make_call(description=f"Règlement {WORD}", title=f"Appel {WORD}")
    rows["call"] = call
    rows["call_unpublished"] = make_call(
        slug="appel-cache", title=f"Appel caché {WORD}", is_published=False
    )
    rows["submission"] = make_submission(call, resident, commune=marseille, title=f"Jardin {WORD}")
    rows["submission_withdrawn"] = make_submission(
        call, resident, commune=marseille, title=f"Projet retiré {WORD}",
        status=Submission.Status.WITHDRAWN,
    )  # fmt: skip
    rows["submission_hidden_call"] = make_submission(
        rows["call_unpublished"], resident, commune=marseille, title=f"Dans un appel caché {WORD}"
    )
    return rows


PUBLIC = ("aid", "guide", "offer", "request", "initiative", "idea", "mission", "project",
          "alert", "call", "submission")  # fmt: skip
PRIVATE = ("aid_draft", "aid_review", "guide_draft", "offer_hidden", "offer_closed",
           "offer_expired", "idea_hidden", "mission_draft", "project_unpublished",
           "alert_draft", "call_unpublished", "submission_withdrawn",
           "submission_hidden_call")  # fmt: skip


def test_search_finds_public_content_of_every_module_accent_and_case_insensitively(client, content):
    response = client.get("/recherche/", {"q": "ZEPHYRIN"})
    assert response.status_code == 200
    body = response.content.decode()
    found = links(body)
    for name in PUBLIC:
        assert content[name].get_absolute_url() in found, name
    for heading in ("Aides", "Bonnes pratiques", "Entraide", "Idées et signalements",
                    "Appels à projets", "Suivi du plan", "Réserve citoyenne", "Alertes"):  # fmt: skip
        assert f'">{heading} <span class="search-count">' in body, heading
    assert "<title>Recherche « ZEPHYRIN »" in body
    assert "<h1>Résultats pour « ZEPHYRIN »</h1>" in body
    # The header form keeps the query.
    assert re.search(r'id="site-search-q" name="q" type="search" value="ZEPHYRIN"', body)
    # "Voir tous les résultats" goes to the module's list filtered by the query when it has ?q=.
    assert "/aides/?q=ZEPHYRIN" in body
    assert "/suivi/projets/?q=ZEPHYRIN" in body


def test_search_never_shows_drafts_hidden_withdrawn_or_unpublished_content(client, content):
    body = client.get("/recherche/", {"q": WORD}).content.decode()
    found = links(body)
    for name in PRIVATE:
        assert content[name].get_absolute_url() not in found, name
        title = getattr(content[name], "title", None) or content[name].headline
        assert title not in body, name
    assert content["offer"].address not in body and content["offer"].phone not in body


def test_blocked_authors_and_agents_visibility_follow_each_module(client, content, personas):
    """What differs from one user to another follows the module: a person's blocked authors
    disappear; an agent who manages projects and calls sees unpublished ones."""
    from renouveau.mutualaid.models import Block

    Block.objects.create(blocker=personas["resident"], blocked=personas["association_member"])
    client.force_login(personas["resident"])
    found = links(client.get("/recherche/", {"q": WORD}).content.decode())
    assert content["request"].get_absolute_url() not in found
    assert content["offer"].get_absolute_url() in found
    client.force_login(personas["metropolis_agent"])
    found = links(client.get("/recherche/", {"q": WORD}).content.decode())
    assert content["project_unpublished"].get_absolute_url() in found
    assert content["call_unpublished"].get_absolute_url() in found


def test_every_word_must_match_and_groups_show_five_results_with_their_count(
    client, content, marseille, personas
):
    from renouveau.ideas.models import Idea

    for n in range(7):
        Idea.objects.create(
            author=personas["resident"], kind=Idea.Kind.SOLUTION, title=f"Banc n° {n} {WORD}",
            description="Un banc à l'ombre.", category="roads", commune=marseille,
        )  # fmt: skip
    body = client.get("/recherche/", {"q": f"bancs {WORD.lower()}"}).content.decode()
    assert 'Idées et signalements <span class="search-count">(7)</span>' in body
    assert len(re.findall(r'href="/idees/\d+/"', body)) == 5
    assert "Trottoir" not in body  # has the name, not "banc"
    assert "Toutes les idées et tous les signalements" in body


def test_each_provider_reads_the_database_a_couple_of_times_at_most(
    content, personas, django_assert_max_num_queries
):
    from renouveau.core.discovery import app_modules

    user = personas["resident"]
    for _app, module in app_modules("sitesearch"):
        with CaptureQueriesContext(connection) as queries:
            module.search_section(WORD, user)
        # Aids: its lexicon's corrections, the count, the page; mutual aid: blocked authors,
        # offers, requests, initiatives; others one query per kind of content.
        assert len(queries) <= 4, (module.__name__, [q["sql"][:80] for q in queries])
    with django_assert_max_num_queries(25):
        search_sections(WORD, user)


def test_text_filter_without_a_real_word_finds_nothing(content):
    from renouveau.ideas.models import Idea

    assert not text_filter(Idea.objects.all(), ("title",), "de la").exists()
    assert text_filter(Idea.objects.all(), ("title", "description"), "défoncé trottoir").count()


# --- the page --------------------------------------------------------------------------------


def test_empty_query_explains_what_to_type_without_searching(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/recherche/", {"q": "   "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tapez un ou quelques mots" in body
    assert "Résultats pour" not in body and "Aucun résultat" not in body
    assert not any("LIKE" in q["sql"] or "@@" in q["sql"] for q in queries)
    assert client.get("/recherche/").status_code == 200


def test_query_of_stopwords_only_asks_for_a_real_word(client, db):
    body = client.get("/recherche/", {"q": "de la"}).content.decode()
    assert "ne contient que des mots trop courts ou trop courants" in body


def test_no_result_says_so_with_suggestions(client, content):
    response = client.get("/recherche/", {"q": "xylophone"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Aucun résultat pour « xylophone »." in body
    assert "vérifiez l" in body and "orthographe des mots" in body
    assert 'les <a href="/aides/">aides</a>' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * (MAX_QUERY_LENGTH + 1), "Votre recherche est trop longue : 200 caractères au plus."),
        ("vélo\x00", "caractères invisibles non autorisés"),
        ("vélo\x07", "caractères invisibles non autorisés"),
    ],
)
def test_bad_queries_are_a_400_with_a_french_message(client, db, query, message):
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "\x00" not in body


def test_search_is_rate_limited(client, db, monkeypatch):
    """A person does not search more than 30 times a minute. The limiter's minute is frozen:
    30 real searches on a busy machine could straddle two fixed windows (or outlast one) and
    never reach the limit; 28 of them are counted directly, as the view counts them."""
    from renouveau.core import ratelimit

    class Frozen:
        @staticmethod
        def time():
            return 1_800_000_000.0

    monkeypatch.setattr(ratelimit, "time", Frozen)
    for _ in range(28):
        assert ratelimit.hit("search:ip127.0.0.1", limit=30, period=60)
    for _ in range(2):
        assert client.get("/recherche/", {"q": "vélo"}).status_code == 200
    response = client.get("/recherche/", {"q": "vélo"})
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()


def test_a_failing_provider_hides_only_its_section(client, content, monkeypatch, caplog):
    import renouveau.ideas.sitesearch as ideas_search

    def broken(query, user):
        raise RuntimeError("panne")

    monkeypatch.setattr(ideas_search, "search_section", broken)
    response = client.get("/recherche/", {"q": WORD})
    body = response.content.decode()
    assert response.status_code == 200
    assert content["idea"].get_absolute_url() not in links(body)
    assert content["aid"].get_absolute_url() in links(body)
    assert "search section of renouveau.ideas.sitesearch failed" in caplog.text


def test_every_page_has_the_search_form(client, db):
    body = client.get("/").content.decode()
    assert 'role="search"' in body
    assert '<label for="site-search-q">Rechercher</label>' in body
    assert 'action="/recherche/"' in body


def test_search_page_is_translated(client, content):
    body = client.get("/recherche/", {"q": WORD}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Results for “Zéphyrin”" in body
    assert "Résultats pour" not in body
    body = client.get("/recherche/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Type one or a few words" in body


def test_governance_meetings_and_recommendations_are_found(client, content):
    from renouveau.governance.models import Body, Meeting, Recommendation
    from renouveau.governance.reference import load

    load()
    body = Body.objects.order_by("pk").first()
    start = timezone.now() + datetime.timedelta(days=5)
    meeting = Meeting.objects.create(
        body=body, title="Séance plénière", agenda=f"Point sur le quartier {WORD}",
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), location="Pharo",
    )  # fmt: skip
    recommendation = Recommendation.objects.create(
        body=body, number="R-1", title=f"Ombrager {WORD}", text="Planter des arbres.",
        made_on=timezone.localdate(),
    )  # fmt: skip
    page = client.get("/recherche/", {"q": "zéphyrin"}).content.decode()
    assert meeting.get_absolute_url() in links(page)
    assert recommendation.get_absolute_url() in links(page)
    assert "/gouvernance/recommandations/?q=z%C3%A9phyrin" in page


def test_the_plan_chantiers_and_deliberations_are_found(client, plan):
    from renouveau.plan.models import Deliberation, Workstream

    workstream = Workstream.objects.get(title__startswith="Engager un « Pacte de relocalisation")
    page = client.get("/recherche/", {"q": "pacte RELOCALISATION"}).content.decode()
    assert workstream.get_absolute_url() in links(page)
    deliberation = Deliberation.objects.filter(title__contains="AMP 2R").first()
    page = client.get("/recherche/", {"q": deliberation.number}).content.decode()
    assert 'href="/plan/deliberations/"' in page and "Délibérations" in page


def test_an_erased_account_s_posts_leave_the_search(client, content, personas):
    from renouveau.accounts.services import user_erase

    user_erase(user=personas["resident"])
    page = client.get("/recherche/", {"q": WORD}).content.decode()
    assert content["offer"].get_absolute_url() not in links(page)
    assert content["idea"].get_absolute_url() in links(page)  # kept, anonymously
    assert "Awa" not in page and "habitante@example.org" not in page


@pytest.mark.parametrize(
    "query",
    ["%", "_ %", "\\", "l'école", "vélo’s", "😀 vélo", "SELECT * FROM aids_aid;", "a & b | !c",
     "<script>alert(1)</script>", "œuvre", "x" * 200, "ß", "٣", "-1", "13055"],
)  # fmt: skip
def test_odd_queries_never_fail(client, content, query):
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200, query
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_commune_name_narrows_the_results_to_that_commune(client, content):
    found = links(client.get("/recherche/", {"q": f"{WORD} marseille"}).content.decode())
    for name in ("offer", "idea", "mission", "submission"):
        assert content[name].get_absolute_url() in found, name
    found = links(client.get("/recherche/", {"q": f"{WORD} Aubagne"}).content.decode())
    for name in ("offer", "idea", "mission", "submission"):
        assert content[name].get_absolute_url() not in found, name


# --- the index (PostgreSQL) ------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only"
)

FOLDED = [
    ("Œuvre ÉNERGIE Çà", "oeuvre energie ca"),
    ("cœur de VILLE", "coeur de ville"),
    ("Jardins PARTAGÉS à l'École", "jardins partages a l'ecole"),
    ("Æsir Ñandú ÿ", "aesir nandu y"),
    ("déjà-vu 13055", "deja-vu 13055"),
]


@pytest.mark.parametrize(("text", "folded"), FOLDED)
def test_the_database_folds_as_before(db, text, folded):
    """``renouveau_fold`` (the SQL function the index is built on) folds case, accents and
    ``œ``/``æ`` as :func:`fold` does, and on PostgreSQL exactly as the search did inline before
    the index (``lower(unaccent('unaccent'::regdictionary, ...))``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT renouveau_fold(%s)", [text])
        assert cursor.fetchone()[0] == folded == fold(text)
        cursor.execute("SELECT renouveau_fold(NULL)")
        assert cursor.fetchone()[0] is None
        if connection.vendor == "postgresql":
            cursor.execute("SELECT lower(unaccent('unaccent'::regdictionary, %s))", [text])
            assert cursor.fetchone()[0] == folded
            cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'renouveau_fold'")
            assert cursor.fetchone()[0] == "i"  # IMMUTABLE: usable in an index


def test_fields_are_searched_together_but_a_word_never_spans_two_fields(db, personas, marseille):
    """The row's fields are folded as one text (the indexed expression) with a space between
    them: a word found across the end of one field and the start of the next is no match, as
    when each field was matched alone; the commune's name still counts."""
    from renouveau.ideas.models import Idea

    def idea(title, description, place=""):
        return Idea.objects.create(
            author=personas["resident"], kind=Idea.Kind.PROBLEM, title=title,
            description=description, place=place, category="roads", commune=marseille,
        )  # fmt: skip

    split = idea("Le jar", "din du quartier")
    whole = idea("Le jardin", "du quartier")
    place = idea("Banc cassé", "Près de l'école", place="Square Œillet")
    fields = ("title", "description", "place", "commune__name")

    def found(query):
        return set(text_filter(Idea.objects.all(), fields, query))

    assert found("jardin") == {whole}
    assert found("quartier") == {split, whole}
    assert found("OEILLET banc") == {place}
    assert found("jardin marseille") == {whole}
    assert found("jardin aubagne") == set()
    assert found("cassé école") == {place}


def test_first_results_keep_the_list_s_order(db, personas, marseille):
    from renouveau.core.search import first_results
    from renouveau.ideas.models import Idea
    from renouveau.ideas.selectors import idea_list

    for n in range(8):
        Idea.objects.create(
            author=personas["resident"], kind=Idea.Kind.PROBLEM, title=f"Banc {n}",
            description="À l'ombre.", category="roads", commune=marseille,
            supports_count=n % 3,
        )  # fmt: skip
    for sort in ("recent", "support"):
        queryset = text_filter(idea_list(filters={"sort": sort}), ("title",), "banc")
        rows, count = first_results(queryset)
        assert count == 8
        assert rows == list(queryset[:5]), sort


def test_sqlite_neither_creates_the_trigram_index_nor_chokes_on_it(db):
    """SQLite does not know the operator class: the index is a comment there, including when
    SQLite rebuilds the table (any later change of a column of these models does)."""
    from django.db.utils import ConnectionHandler

    from renouveau.ideas.models import Idea

    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )
    sqlite = handler["default"]
    try:
        with sqlite.schema_editor() as editor:
            editor.create_model(Idea)
            old_field = Idea._meta.get_field("place")
            new_field = old_field.clone()
            new_field.set_attributes_from_name("place")
            new_field.max_length = 300
            editor.alter_field(Idea, old_field, new_field)  # a table rebuild on SQLite
        with sqlite.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            names = {row[0] for row in cursor.fetchall()}
        assert "idea_recent_idx" in names and "idea_search_trgm" not in names
    finally:
        sqlite.close()


def _explained(run) -> str:
    """The plans of the queries ``run()`` makes that search a text."""
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in captured:
            if "renouveau_fold" in sql:
                cursor.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n\n".join(plans)


def _copies(instance, count: int) -> None:
    """``count`` more rows like ``instance``, with other titles and descriptions, over all the
    communes (as real rows are: one commune's key is then a small part of the table)."""
    from renouveau.territories.models import Commune

    communes = list(Commune.objects.all())
    rows = []
    for n in range(count):
        row = copy.copy(instance)
        row.pk = row.id = None
        row.title, row.description = f"Ligne {n}", "Rien à voir."
        row.commune = communes[n % len(communes)]
        rows.append(row)
    type(instance).objects.bulk_create(rows)


@on_postgresql
def test_postgresql_finds_the_words_through_the_trigram_indexes(db, personas, marseille):
    """The providers' real queries (with their visibility filters, the commune's name, the
    count and the order) can be planned through the trigram index of each large table: the
    expression is the indexed one, and nothing else in the query (an ``OR`` with a join, the
    order under ``LIMIT``) rules the index out. Sequential and plain index scans are switched
    off so that the plan does not depend on the table's size (on 10 000 ideas PostgreSQL picks
    the index by itself: bench/search.py prints the plan)."""
    from django.contrib.auth.models import AnonymousUser

    from renouveau.core.search import first_results
    from renouveau.ideas import sitesearch as ideas_search
    from renouveau.ideas.models import Idea
    from renouveau.mutualaid import sitesearch as mutualaid_search
    from renouveau.mutualaid.models import HelpOffer, HelpRequest, Initiative
    from renouveau.mutualaid.tests.factories import make_initiative, make_offer, make_request

    idea = Idea.objects.create(
        author=personas["resident"], kind=Idea.Kind.PROBLEM, title="Lampadaire",
        description="Éteint depuis des mois.", category="roads", commune=marseille,
    )  # fmt: skip
    _copies(idea, 1000)
    _copies(make_offer(personas["resident"], title="Courses du samedi"), 1000)
    _copies(make_request(personas["association_member"], title="Courses"), 1000)
    organisation = personas["association_member"].organisations.first()
    _copies(make_initiative(organisation, title="Courses solidaires"), 1000)
    with connection.cursor() as cursor:
        for table in ("ideas_idea", "mutualaid_helpoffer", "mutualaid_helprequest",
                      "mutualaid_initiative"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")
        # Left to itself, PostgreSQL reads tables this small in full (or all of an index).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    try:
        user = AnonymousUser()
        plan = _explained(lambda: ideas_search.search_section("lampadaires éteints", user))
        assert "idea_search_trgm" in plan, plan
        # Mutual aid's lists also filter on an indexed status, which a table this small
        # prefers: the same text filter and order, without the status.
        for model, index in (
            (HelpOffer, "offer_search_trgm"),
            (HelpRequest, "request_search_trgm"),
            (Initiative, "initiative_search_trgm"),
        ):
            fields = (*mutualaid_search.FIELDS, "place") if model is Initiative else None
            queryset = text_filter(
                model.objects.order_by("-created_at", "-id"),
                fields or mutualaid_search.FIELDS,
                "courses marseille",
            )
            plan = _explained(lambda queryset=queryset: first_results(queryset))
            assert index in plan, (index, plan)
        # The commune's name is looked up once; the rows of that commune found by their key.
        assert "commune_id = ANY (" in plan, plan
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
