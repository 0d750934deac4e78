import pytest
from django.core.checks import run_checks
from django.test import override_settings


def test_healthz_reports_database_and_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_home_and_static_pages(client, plan):
    for url in ["/", "/accessibilite/", "/mentions-legales/", "/confidentialite/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get("/accessibilite/").content.decode()
    assert "Défenseur des droits" in body and "RGAA" in body


def test_friendly_404(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_csp_header_has_no_unsafe_inline(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_no_inline_script_or_style_in_pages(client, plan):
    import re

    for url in ["/", "/plan/", "/compte/login/", "/compte/signup/"]:
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert "<style" not in body and " style=" not in body, url


def test_language_switch_to_english(client, plan):
    response = client.get("/langue/", {"language": "en", "next": "/plan/"})
    assert response.status_code == 302
    body = client.get("/plan/").content.decode()
    assert 'lang="en"' in body
    assert "Skip to content" in body


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ({"SECRET_KEY": "insecure-development-key-do-not-use-in-production"}, "renouveau.E001"),
        ({"DEBUG": True}, "renouveau.E002"),
        ({"ALLOWED_HOSTS": ["*"]}, "renouveau.E003"),
        ({"SESSION_COOKIE_SECURE": False}, "renouveau.E004"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "renouveau.E005"),
    ],
)
def test_deploy_checks_refuse_insecure_settings(overrides, expected):
    secure = {
        "SECRET_KEY": "x" * 64,
        "DEBUG": False,
        "ALLOWED_HOSTS": ["renouveau.example.org"],
        "SESSION_COOKIE_SECURE": True,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    with override_settings(**secure):
        ids = {e.id for e in run_checks(include_deployment_checks=True)}
        assert not {i for i in ids if i.startswith("renouveau.E")}
    with override_settings(**{**secure, **overrides}):
        ids = {e.id for e in run_checks(include_deployment_checks=True)}
        assert expected in ids


@pytest.mark.parametrize(
    "name,value",
    [("DEBUG", "maybe"), ("DATABASE_CONN_MAX_AGE", "abc"), ("TASKS_BACKEND", "celery")],
)
def test_bad_environment_values_refuse_to_start(name, value):
    import os
    import subprocess
    import sys

    env = {**os.environ, name: value}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_bad_page_numbers_are_4xx(rf):
    from django.core.exceptions import BadRequest
    from django.http import Http404

    from renouveau.core.pagination import paginate

    # "²" and "٣" pass str.isdigit() but int() refuses the first: both were a 500.
    for bad in ["-1", "abc", "0", "²", "٣", "1" * 5000, " 2 2"]:
        with pytest.raises(BadRequest):
            paginate(rf.get("/", {"page": bad}), list(range(10)), per_page=5)
    with pytest.raises(Http404):
        paginate(rf.get("/", {"page": "99999"}), list(range(10)), per_page=5)
    assert list(paginate(rf.get("/", {"page": "2"}), list(range(10)), per_page=5)) == [
        5,
        6,
        7,
        8,
        9,
    ]


def test_audit_log_page_is_for_agents_only(client, plan, personas):
    from renouveau.plan.models import Workstream

    workstream = Workstream.objects.first()
    url = f"/journal/plan/workstream/{workstream.pk}/"
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403
    client.force_login(personas["metropolis_agent"])
    assert client.get(url).status_code == 200
    assert client.get("/journal/plan/workstream/999999/").status_code == 404
    assert client.get("/journal/nope/nope/1/").status_code == 404


def test_audit_log_shows_agents_emails_but_not_residents(client, plan, personas):
    """Personal data minimised: an agent reading a journal sees who acted; the e-mail address
    only of staff acting in their role, never a resident's."""
    from renouveau.core.services import log_action
    from renouveau.plan.models import Workstream

    workstream = Workstream.objects.first()
    resident, agent = personas["resident"], personas["metropolis_agent"]
    log_action(actor=resident, action="plan.test_resident", obj=workstream)
    log_action(actor=agent, action="plan.test_agent", obj=workstream)
    client.force_login(personas["commune_agent"])
    html = client.get(f"/journal/plan/workstream/{workstream.pk}/").content.decode()
    assert "plan.test_resident" in html and resident.public_name in html
    assert resident.email not in html
    assert agent.email in html


def test_rate_limit_returns_429(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from renouveau.core.ratelimit import rate_limited

    @rate_limited("t", limit=2, period=60)
    def view(request):
        return HttpResponse("ok")

    codes = []
    for _ in range(3):
        request = rf.post("/")
        request.user = AnonymousUser()
        codes.append(view(request).status_code)
    assert codes == [200, 200, 429]


def test_out_of_range_input_is_a_400(rf, db):
    """SQLite's OverflowError on an integer beyond 64 bits (a forged id) becomes a 400."""
    from renouveau.core.middleware import OutOfRangeInputMiddleware

    middleware = OutOfRangeInputMiddleware(lambda request: None)
    request = rf.post("/x/")
    response = middleware.process_exception(request, OverflowError("int too large"))
    assert response.status_code == 400
    assert "dépasse les limites" in response.content.decode()
    assert middleware.process_exception(request, ValueError("other")) is None
