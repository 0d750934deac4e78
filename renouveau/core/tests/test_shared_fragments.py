"""The layout's header and footer are partly rendered once per process
(``{% shared_fragment %}``, core/templatetags/fragments.py): nothing of one person or one
request may reach another, and the page stays the same as when rendered in full."""

from __future__ import annotations

import re

import pytest
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse

from renouveau.core.templatetags import fragments

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_each_kind_of_user_gets_its_own_menu_and_its_own_token(
    client, django_user_model, personas, plan
):
    from django.test import Client

    agent, resident = Client(), Client()
    agent.force_login(personas["administrator"])  # staff: the back office link
    resident.force_login(personas["resident"])
    anonymous = client
    for _ in range(2):  # the second round is served from the fragments
        pages = {
            "agent": agent.get("/plan/").content.decode(),
            "resident": resident.get("/plan/").content.decode(),
            "anonymous": anonymous.get("/plan/").content.decode(),
        }
        assert "Back-office" in pages["agent"] and "Se déconnecter" in pages["agent"]
        assert "Back-office" not in pages["resident"] and "Se déconnecter" in pages["resident"]
        assert "Se connecter" in pages["anonymous"] and "Se déconnecter" not in pages["anonymous"]
        assert "Se connecter" not in pages["agent"] + pages["resident"]
        assert "Mon compte" not in pages["anonymous"]
        # The logout form carries each session's own CSRF token (masked per response).
        tokens = {who: TOKEN.findall(page) for who, page in pages.items()}
        assert len(tokens["agent"]) == 1 and len(tokens["resident"]) == 1
        assert not tokens["anonymous"]
        assert tokens["agent"] != tokens["resident"]
    # Each token is valid for its own session: the resident can sign out with it.
    cookies, resident = resident.cookies, Client(enforce_csrf_checks=True)
    resident.cookies = cookies
    response = resident.post(
        reverse("account_logout"), {"csrfmiddlewaretoken": tokens["resident"][0]}
    )
    assert response.status_code == 302
    assert "Se connecter" in resident.get("/plan/").content.decode()


def test_what_belongs_to_the_request_is_never_reused(client, plan):
    first = client.get("/recherche/?q=secret-premier").content.decode()
    assert 'value="secret-premier"' in first
    second = client.get("/recherche/?q=autre").content.decode()
    assert "secret-premier" not in second and 'value="autre"' in second
    # The language form comes back to the page it was on, escaped.
    page = client.get("/plan/?x=%22%3Cb%3E").content.decode()
    assert 'name="next" type="hidden" value="/plan/?x=%22%3Cb%3E"' in page
    assert "secret-premier" not in page and 'name="q" type="search" value=""' in page
    assert 'name="next" type="hidden" value="/plan/"' in client.get("/plan/").content.decode()


def test_the_current_page_is_marked_in_the_navigation(client, plan):
    aids = client.get("/aides/").content.decode()
    assert re.search(r'href="/aides/" aria-current="page"', aids)
    home = client.get("/").content.decode()
    assert 'aria-current="page"' not in home
    assert re.search(r'href="/aides/" aria-current="page"', client.get("/aides/").content.decode())


def test_each_language_gets_its_own_header(client, plan):
    french = client.get("/plan/").content.decode()
    assert '<label for="site-search-q">Rechercher</label>' in french
    client.get("/langue/?language=en&next=/plan/")
    english = client.get("/plan/").content.decode()
    assert '<label for="site-search-q">Search</label>' in english
    assert '<option value="en" lang="en" selected>' in english
    assert '<option value="fr" lang="fr" selected>' in french


def test_the_skip_link_comes_first_and_no_inline_script(client, plan):
    for _ in range(2):
        page = client.get("/plan/").content.decode()
        body = page.split("<body>", 1)[1].lstrip()
        assert body.startswith('<a class="skip-link" href="#contenu">Aller au contenu</a>')
        assert 'id="contenu"' in page
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # CSP: no inline script
        assert " style=" not in page.split("<main", 1)[0]


def test_a_fragment_sees_only_the_values_it_is_keyed_on(personas):
    fragments.clear()
    template = Template(
        '{% load fragments %}{% shared_fragment "probe" kind=kind %}'
        "[{{ kind }}|{{ user.email }}|{{ secret }}|{% csrf_token %}]{% endshared_fragment %}"
    )
    request = RequestFactory().get("/")
    request.user = personas["resident"]
    context = RequestContext(request, {"kind": "resident", "secret": "a"})
    assert template.render(context) == "[resident|||]"
    # Same key, another person and value: the same (impersonal) output.
    context = Context({"kind": "resident", "secret": "b", "user": personas["elected"]})
    assert template.render(context) == "[resident|||]"
    assert template.render(Context({"kind": "agent"})) == "[agent|||]"


def test_fragments_are_kept_per_key_and_language_and_bounded(settings):
    from django.utils import translation

    fragments.clear()
    template = Template(
        '{% load fragments i18n %}{% shared_fragment "t" n=n %}{{ n }} {% translate "Rechercher" %}'
        "{% endshared_fragment %}"
    )
    with translation.override("fr"):
        assert template.render(Context({"n": 1})) == "1 Rechercher"
    with translation.override("en"):
        assert template.render(Context({"n": 1})) == "1 Search"
    for n in range(fragments.MAX_ENTRIES + 10):
        template.render(Context({"n": n}))
    assert len(fragments._fragments) <= fragments.MAX_ENTRIES
    settings.DEBUG = True  # a changed setting empties the cache; DEBUG renders every time
    assert not fragments._fragments
    template.render(Context({"n": 1}))
    assert not fragments._fragments


@pytest.mark.parametrize(
    "source",
    [
        "{% shared_fragment %}{% endshared_fragment %}",
        "{% shared_fragment name %}{% endshared_fragment %}",
        '{% shared_fragment "x" user %}{% endshared_fragment %}',
    ],
)
def test_malformed_fragments_are_refused(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}" + source)
