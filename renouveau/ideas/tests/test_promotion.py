"""An idea promoted into a project of the plan's monitoring is linked to it: the idea's page
shows the project's state, progress and cost, the project's page the ideas it took up, and the
API gives the project's slug — what residents ask, followed to how public money is spent."""

import pytest
from django.urls import reverse

from renouveau.ideas import services
from renouveau.ideas.models import Status
from renouveau.monitoring.tests.factories import make_project

from .test_ideas import make_idea


@pytest.fixture
def supported_idea(personas, marseille, settings):
    settings.IDEAS_PROMOTION_THRESHOLD = 2
    idea = make_idea(personas["resident"], marseille, title="Un abri vélo à la gare")
    for name in ("outsider", "elected"):
        services.idea_support(user=personas[name], idea=idea)
    idea.refresh_from_db()
    return idea


def _promote(client, idea, url):
    return client.post(
        reverse("ideas:status", args=[idea.pk]),
        {
            "status": "promoted",
            "answer": "Reprise dans le plan vélo.",
            "promoted_to": "Plan vélo",
            "promoted_url": url,
        },
    )


@pytest.mark.parametrize(
    "make_url",
    [
        lambda project, settings: project.get_absolute_url(),
        lambda project, settings: settings.SITE_URL + project.get_absolute_url(),
    ],
    ids=["path", "absolute"],
)
def test_a_promotion_to_a_plan_project_links_both_ways(
    client, personas, supported_idea, settings, make_url
):
    project = make_project(title="Plan vélo métropolitain", progress=40)
    client.force_login(personas["metropolis_agent"])
    response = _promote(client, supported_idea, make_url(project, settings))
    assert response.status_code == 302
    supported_idea.refresh_from_db()
    assert supported_idea.status == Status.PROMOTED and supported_idea.project == project
    client.logout()
    idea_page = client.get(supported_idea.get_absolute_url()).content.decode()
    assert f'href="{project.get_absolute_url()}"' in idea_page
    assert "avancement 40 %" in idea_page
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert "Idées d'habitants reprises par ce projet" in project_page
    assert f'href="{supported_idea.get_absolute_url()}"' in project_page
    api = client.get(f"/api/v1/ideas/{supported_idea.pk}/").json()
    assert api["project"] == project.slug


def test_a_link_elsewhere_is_kept_as_a_plain_link(client, personas, supported_idea):
    make_project(title="Plan vélo métropolitain")
    client.force_login(personas["metropolis_agent"])
    for url in ("/appels/", "https://ailleurs.example/suivi/projets/plan-velo-metropolitain/"):
        assert _promote(client, supported_idea, url).status_code == 302
        supported_idea.refresh_from_db()
        assert supported_idea.project is None, url
        assert supported_idea.promoted_url == url


def test_an_unpublished_project_is_not_linked_nor_shown(client, personas, supported_idea):
    from renouveau.monitoring.models import Project

    project = make_project(title="Plan vélo métropolitain")
    client.force_login(personas["metropolis_agent"])
    _promote(client, supported_idea, project.get_absolute_url())
    Project.objects.filter(pk=project.pk).update(is_published=False)
    client.logout()
    idea_page = client.get(supported_idea.get_absolute_url()).content.decode()
    assert "État du projet" not in idea_page
    assert client.get(f"/api/v1/ideas/{supported_idea.pk}/").json()["project"] is None


def test_a_hidden_idea_is_not_listed_on_the_project(client, personas, supported_idea):
    from renouveau.ideas.models import Idea

    project = make_project(title="Plan vélo métropolitain")
    client.force_login(personas["metropolis_agent"])
    _promote(client, supported_idea, project.get_absolute_url())
    Idea.objects.filter(pk=supported_idea.pk).update(is_hidden=True)
    client.logout()
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert "Idées d'habitants reprises par ce projet" not in project_page
