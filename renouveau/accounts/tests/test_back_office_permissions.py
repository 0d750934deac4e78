"""The back office (Django's admin) answers to the roles' Django model permissions only: the
apps' rules that share names with them (``ideas.add_idea``: any signed-in person may post an
idea on /idees/) must not open the admin's add or change pages to every staff agent."""

import pytest

from renouveau.ideas.models import Idea


@pytest.mark.parametrize("persona", ["commune_agent", "moderator", "crisis_agent"])
def test_staff_agents_cannot_write_ideas_through_the_back_office(client, personas, persona):
    user = personas[persona]
    assert user.is_staff
    assert user.has_perm("ideas.add_idea")  # on the public pages, they may post an idea
    client.force_login(user)
    assert client.get("/back-office/ideas/idea/add/").status_code == 403
    response = client.post(
        "/back-office/ideas/idea/add/",
        {"title": "Fausse idée", "kind": "problem", "description": "x", "category": "roads"},
    )
    assert response.status_code == 403
    assert not Idea.objects.filter(title="Fausse idée").exists()


def test_agents_manage_plan_projects_on_their_pages_not_in_the_back_office(client, personas):
    agent = personas["metropolis_agent"]
    assert agent.has_perm("monitoring.add_project")  # /suivi/ lets them
    client.force_login(agent)
    assert client.get("/back-office/monitoring/project/add/").status_code == 403
    assert client.get("/back-office/monitoring/project/").status_code == 403
    # What the role's group permissions give stays open.
    assert client.get("/back-office/plan/workstream/").status_code == 200


def test_administrators_keep_their_back_office(client, personas):
    client.force_login(personas["administrator"])
    assert client.get("/back-office/plan/workstream/add/").status_code == 200
    assert client.get("/back-office/reserve/mission/").status_code == 200
