"""The public chantier and project pages cost a fixed, small number of queries for a signed-in
visitor (who gets no page cache), whatever the number of projects; what they cache per
generation of the page cache shows an audited change at once."""

from __future__ import annotations

from datetime import date

import pytest

from renouveau.budgets.tests.test_budgets import _vote_scenario, voting  # noqa: F401
from renouveau.core.services import log_action
from renouveau.monitoring import services
from renouveau.plan.models import Target, Workstream

from .factories import make_project

pytestmark = pytest.mark.django_db

PLAN_CHANTIER = "/plan/chantiers/transports-alternatifs-voiture/"
MONITORING_CHANTIER = "/suivi/chantiers/transports-alternatifs-voiture/"


@pytest.fixture
def transport(plan):
    return Workstream.objects.get(number=5)


@pytest.fixture
def projects(transport, marseille):
    """Twelve projects of the chantier, with spending, and indicators towards the 200 km."""
    cycle_target = Target.objects.get(code="plan-velo-voies-cyclables")
    made = []
    for n in range(12):
        project = make_project(
            title=f"Projet {n:02d}", workstreams=[transport], communes=[marseille]
        )
        indicator = services.indicator_create(
            actor=None,
            project=project,
            data={"label": "Voies", "unit": "km", "target": cycle_target, "target_value": 10},
        )
        for year, value in ((2025, n), (2026, 2 * n)):
            services.measurement_record(
                actor=None, indicator=indicator, measured_on=date(year, 1, 1), value=value
            )
        made.append(project)
    return made


def test_plan_chantier_page_queries(client, resident, transport, django_assert_max_num_queries,
                                    django_assert_num_queries, django_capture_on_commit_callbacks):  # fmt: skip
    client.get("/mentions-legales/")  # core's own cached reads (metropolis, situation banner)
    with django_assert_max_num_queries(5):  # the plan, the chantier, targets, imperatives, siblings
        first = client.get(PLAN_CHANTIER)
    assert first.status_code == 200 and "<h1>5. Viser 350" in first.content.decode()
    with django_assert_num_queries(0):  # reference data, cached per generation
        assert client.get(PLAN_CHANTIER).content == first.content
    client.force_login(resident)
    with django_assert_num_queries(2):  # the session and the user; no permission query
        page = client.get(PLAN_CHANTIER).content.decode()
    assert "Journal des modifications" not in page and "<h1>5. Viser 350" in page
    # An audited change shows at once (it moves the generation).
    with django_capture_on_commit_callbacks(execute=True):
        Workstream.objects.filter(pk=transport.pk).update(title="Mobilités du quotidien")
        log_action(actor=None, action="plan.workstream_changed", obj=transport)
    assert "Mobilités du quotidien" in client.get(PLAN_CHANTIER).content.decode()
    assert client.get("/plan/chantiers/inexistant/").status_code == 404


def test_plan_chantier_page_shows_the_change_log_link_to_agents(client, metropolis_agent, plan):
    client.force_login(metropolis_agent)
    assert "Journal des modifications" in client.get(PLAN_CHANTIER).content.decode()


def test_monitoring_chantier_page_queries_do_not_grow_with_projects(
    client, resident, projects, django_assert_max_num_queries
):
    client.force_login(resident)
    first = client.get(MONITORING_CHANTIER).content.decode()
    assert first.count('role="img"') == 2 and "Projet 11" in first
    # session, user, roles, then the page of projects: count, rows, chantiers, Territoires
    with django_assert_max_num_queries(7):
        again = client.get(MONITORING_CHANTIER).content.decode()
    assert again.count('role="img"') == 2 and "Projet 11" in again
    # 66 km achieved (0+1+...+11, doubled in 2026 = 132) is in the cached progress.
    assert "132" in again


def test_project_page_queries_and_changes_show_at_once(
    client, resident, projects, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    project = projects[3]
    client.force_login(resident)
    assert client.get(project.get_absolute_url()).status_code == 200
    # session, user, roles, the ideas taken up; up to two more for the follow button (the
    # participatory budget link is read with the cached project)
    with django_assert_max_num_queries(6):
        page = client.get(project.get_absolute_url()).content.decode()
    assert page.count('role="img"') == 2 and "Mettre à jour le suivi" not in page
    with django_capture_on_commit_callbacks(execute=True):
        services.spending_set(
            actor=None,
            project=project,
            year=2027,
            planned_eur=4_321_000,
            committed_eur=0,
            paid_eur=0,
        )
    page = client.get(project.get_absolute_url()).content.decode()
    assert "2027" in page and ("4\u202f321\u202f000" in page or "4 321 000" in page)
    assert client.get("/suivi/projets/nexiste-pas/").status_code == 404
    # A slug longer than any project's never reaches the cache (memcached keys: 250 characters).
    assert client.get(f"/suivi/projets/{'a' * 300}/").status_code == 404
    assert client.get(f"/suivi/chantiers/{'a' * 300}/").status_code == 404


def test_project_page_hides_unpublished_projects_even_when_cached_for_agents(
    client, resident, metropolis_agent, transport
):
    secret = make_project(title="Projet confidentiel", workstreams=[transport], is_published=False)
    client.force_login(metropolis_agent)
    page = client.get(secret.get_absolute_url()).content.decode()
    assert "Projet confidentiel" in page and "Mettre à jour le suivi" in page
    client.force_login(resident)
    assert client.get(secret.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_a_winners_project_page_reads_its_budget_link_with_the_cached_project(
    voting,  # noqa: F811 (the budgets tests' fixture, imported above)
    marseille,
    client,
    resident,
    django_assert_max_num_queries,
):
    from django.urls import reverse

    from renouveau.budgets import services as budget_services
    from renouveau.budgets.models import TrackedProject
    from renouveau.calls.models import Phase
    from renouveau.calls.tests.factories import move_call

    call, _envelope, _projects = _vote_scenario(voting, marseille)
    move_call(call, Phase.RESULTS)
    budget_services.results_compute(call=call)
    winner = TrackedProject.objects.select_related("plan_project").first()
    url = winner.plan_project.get_absolute_url()
    link = reverse("budgets:tracked", args=[winner.pk])
    client.force_login(resident)
    assert link in client.get(url).content.decode()
    with django_assert_max_num_queries(6):  # as any project page: the link costs no query
        assert link in client.get(url).content.decode()
