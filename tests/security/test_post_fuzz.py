"""POSTs of garbage, with the CSRF check passed: no form or API endpoint answers 500.

The crawl (``test_crawl.py``) proves that a POST without a CSRF token is refused everywhere; here
the client does not enforce CSRF (``Client(enforce_csrf_checks=False)``), so every POST reaches
the view. The POST endpoints are found from the pages themselves: every page of the project is
read as resident A and as the administrator (and, when neither gets it, as the crisis cell and
anonymously: the crisis cell's forms, sign-in, sign-up), its ``<form method="post">`` parsed
(``html.parser``) for the names of its inputs, selects, textareas and buttons, and its
``action`` resolved to a URL pattern; a pattern that answers 405 to a GET is a POST endpoint
too. Each endpoint is POSTed as the persona whose page had the form (a 405 pattern's: resident
A, the owner of the crawl's private objects, else the administrator, else the crisis cell,
whoever is not refused the empty body), with:

- an empty body;
- every field at once filled with one absurd value: a 10 000-character string, a control
  character ``\\x01``, ``-1``, ``99999999999999999999``, ``NaN``, the date ``2026-02-30``, an
  unknown choice, the id of another object (an idea's, as good as any for a field naming
  something else);
- every field repeated (``a=1&a=<10 000 characters>``);
- for a form with file inputs, a file of junk bytes named ``photo.jpg`` and an empty file;

and, when that persona is an agent, empty and with the 10 000 characters as resident B. The
rate limits start again for each POST (a cache of the test's own, emptied), so that a 429 does
not stand for the view's answer to the bodies after it.

Each answer must be below 500 (a 4xx, a redirect, or the page again with the form's errors).
Each POST runs in a savepoint: what it writes is undone before the next one, so the world is
the same for every endpoint, and a database error in one view cannot poison the others.
Logging out and erasing one's account end the session: they are POSTed last, and the clients
are signed in again after each of their POSTs.

Size and time, 2026-11-23, ``pytest tests/security/test_post_fuzz.py --reuse-db`` on the shared
2-core machine (other engineers' suites running): 298 URLs, 127 of them the target of a page's
form; some 600 GETs to read the pages (two personas, four for the pages neither may read) and
1,900 POSTs, 50 to 60 s for the test (the world's building adds 15 to 20 s: 70 to 80 s for
the module). Answers of the last run: 792 × 400, 452 × 302, 212 × 200, 74 × 405, 54 × 404,
34 × 403 (no 429: the rate limits start again for each POST). The URLs no form targets (most
are plain pages that ignore a POST) get two bodies only (the usual names with 10 000
characters, once and repeated).

Found and fixed: ``accounts:organisation_verify`` (any ``next`` that was not a path: a 500, or
an open redirect) and ``accounts:organisation`` (a ``remove`` that was not a number: a 500).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from .record import record
from .urls import build_path, iter_routes, route_kwargs
from .world import RESIDENTS

LONG = "x" * 10_000
ABSURD = (LONG, "\x01", "-1", "99999999999999999999", "NaN", "2026-02-30", "choix-inconnu")
# Files for a form's file inputs: bytes that are no image, no CSV, no PDF; and an empty file.
JUNK_FILES = ((b"\x00\xff\xfe" * 2000 + b"\x01;,\n" * 100, "photo.jpg"), (b"", "vide.csv"))
# Views that end the session: POSTed after all the others.
SESSION_ENDERS = {"account_logout", "accounts:delete"}
# Who reads the pages for their forms: the last two only where the first two had no page.
DISCOVERERS = ("resident_a", "administrator", "crisis_agent", "anonymous")
# Who POSTs to a pattern no page's form targets, when the one before is refused.
FALLBACK = ("resident_a", "administrator", "crisis_agent")


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: tag})."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                self._current = {}
                self.forms.append((attributes.get("action") or "", self._current))
            else:
                self._current = None
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                kind = "file" if (attributes.get("type") or "").lower() == "file" else tag
                self._current.setdefault(name, kind)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


def client_for(world, persona: str) -> Client:
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return ""  # files and exports: no forms
    if "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode("utf-8", "replace")


@dataclass
class Endpoint:
    """A URL that takes POSTs: where, with which fields, as whom (None: A, else an agent)."""

    path: str
    fields: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)  # the fields that are file inputs
    persona: str | None = None
    form: bool = True  # False: no form targets it, a page that may take a POST all the same


def _endpoints(world) -> dict[str, Endpoint]:
    """URL name -> endpoint: the targets of the POST forms of every page, as resident A and the
    administrator, and for the pages they may not see (the crisis cell's; sign-in, sign-up and
    password pages, that send a signed-in person away) as the crisis cell and anonymously; the
    patterns that answer 405 to a GET; then the other pages (``form=False``)."""
    endpoints: dict[str, Endpoint] = {}
    others: dict[str, Endpoint] = {}
    clients = {p: client_for(world, p) for p in DISCOVERERS}
    for route in iter_routes():
        if route.name.startswith("admin:") or "format" in route.params:
            continue
        path = build_path(route, route_kwargs(route, world))
        seen: dict[str, int] = {}  # persona -> the status of the page's GET
        for persona, client in clients.items():
            if persona in DISCOVERERS[2:] and 200 in seen.values():
                break
            response = client.get(path)
            seen[persona] = response.status_code
            if response.status_code == 405:
                endpoints.setdefault(route.name, Endpoint(path))
                break
            for action, fields in post_forms(_text(response)):
                target = urlsplit(action).path or path
                try:
                    name = resolve(target).view_name
                except Resolver404:
                    continue
                if name.startswith("admin:"):
                    continue
                endpoint = endpoints.setdefault(name, Endpoint(target, persona=persona))
                endpoint.fields.update(fields)
                endpoint.files.update(n for n, kind in fields.items() if kind == "file")
        if route.name not in endpoints:
            who = next((p for p, status in seen.items() if status == 200), None)
            others[route.name] = Endpoint(path, persona=who, form=False)
    for name, endpoint in others.items():
        endpoints.setdefault(name, endpoint)
    return endpoints


def bodies(endpoint: Endpoint, other_id: str) -> list[dict[str, object]]:
    names = sorted(endpoint.fields)
    tries: list[dict[str, object]] = [{}]
    if not names:
        # no form known: the names views most often read
        names = ["action", "body", "reason", "status", "text", "title", "email", "next"]
    if not endpoint.form:
        # a page that is not a form's target: junk in the usual names, once and repeated
        return [dict.fromkeys(names, LONG), {name: ["1", LONG] for name in names}]
    tries += [dict.fromkeys(names, value) for value in (*ABSURD, other_id)]
    tries.append({name: ["1", LONG] for name in names})
    for content, filename in JUNK_FILES:
        if endpoint.files:
            data = dict.fromkeys(names, "1")
            data.update({n: SimpleUploadedFile(filename, content) for n in sorted(endpoint.files)})
            tries.append(data)
    return tries


def _post(client, path, data):
    with transaction.atomic():
        response = client.post(path, data)
        transaction.set_rollback(True)
    return response


@pytest.fixture(autouse=True)
def _quiet_request_log():
    """Thousands of 4xx answers: keep the log for 500s only."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def _short(value):
    if isinstance(value, list):
        return [_short(v) for v in value]
    if isinstance(value, SimpleUploadedFile):
        return f"<file {value.name}, {value.size} bytes>"
    return value if len(value) < 30 else f"<{len(value)} × {value[0]!r}>"


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "login" in response.get("Location", "")


def test_the_form_parser_reads_post_forms_only():
    html = (
        '<form method="get" action="/x/"><input name="q"></form>'
        '<form method="POST" action="/idees/1/soutenir/?next=/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="a"><select name="b"><option>1</option></select>'
        '<textarea name=c></textarea><input type="FILE" name="f"></form>'
        '<form method="post"><button>ok</button><input name="e"></form>'
        '<form method="post" action="/x/"><button name="action" value="a">ok</button></form>'
    )
    assert post_forms(html) == [
        ("/idees/1/soutenir/?next=/", {"a": "input", "b": "select", "c": "textarea", "f": "file"}),
        ("", {"e": "input"}),
        ("/x/", {"action": "button"}),
    ]


# A cache of this test's own: emptied before each POST, so that no rate limit (a 429 to the
# bodies after it) hides what the view does with them, without touching a cache (Redis) other
# processes may share.
OWN_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "post-fuzz"}
}


@override_settings(CACHES=OWN_CACHE)
def test_absurd_posts_never_fail(world, db):
    endpoints = _endpoints(world)
    # the crawl's pages do have forms: a parser that found nothing would prove nothing
    assert len(endpoints) > 100, sorted(endpoints)
    assert {"ideas:support", "mutualaid:offer_create", "alerts:create"} <= set(endpoints)
    other_id = str(world["idea"].pk)
    problems = []
    count = 0
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    clients: dict[str, Client] = {}

    def post(persona, path, data):
        cache.clear()  # this test's own (``OWN_CACHE``): the rate limits start again
        if persona not in clients:
            clients[persona] = client_for(world, persona)
        return _post(clients[persona], path, data)

    ordered = sorted(endpoints, key=lambda name: (name in SESSION_ENDERS, name))
    for name in ordered:
        endpoint = endpoints[name]
        persona = endpoint.persona
        for data in bodies(endpoint, other_id):
            if persona is None:  # nobody known: the first who is not refused
                for persona in FALLBACK:  # noqa: B007 - the persona kept is the last tried
                    response = post(persona, endpoint.path, data)
                    count += 1
                    if not _refused(response):
                        break
            else:
                response = post(persona, endpoint.path, data)
                count += 1
            record("postfuzz", persona, "POST", endpoint.path, "no5xx")
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                shown = {k: _short(v) for k, v in data.items()}
                problems.append(
                    f"{response.status_code} {name} {endpoint.path} as {persona}: {shown}"
                )
            if name in SESSION_ENDERS:
                clients.clear()  # signed out: a fresh session for the next POST
        if persona not in RESIDENTS:
            # an agent's form: a resident's junk is refused before it is read, never a 500
            for data in bodies(endpoint, other_id)[:2]:
                response = post("resident_b", endpoint.path, data)
                count += 1
                record("postfuzz", "resident_b", "POST", endpoint.path, "no5xx")
                if response.status_code >= 500:
                    shown = {k: _short(v) for k, v in data.items()}
                    problems.append(
                        f"{response.status_code} {name} {endpoint.path} as resident_b: {shown}"
                    )
    forms = sum(e.form for e in endpoints.values())
    elapsed = time.monotonic() - started
    print(
        f"{count} POSTs to {len(endpoints)} URLs ({forms} form targets) in {elapsed:.0f} s: {dict(sorted(statuses.items()))}"
    )  # noqa: T201
    assert problems == [], "\n".join(problems)
