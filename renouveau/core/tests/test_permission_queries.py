"""Permission checks in one request read the database at most once per user: the roles, the
communes an agent manages and the model permissions come in one query (``User.load_access``),
kept on the request's user object only, so nothing leaks to another user or outlives a role
change."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renouveau.accounts.models import User
from renouveau.accounts.roles import Role
from renouveau.accounts.services import role_grant, role_revoke

pytestmark = pytest.mark.django_db

PLAN_CHANTIER = "/plan/chantiers/transports-alternatifs-voiture/"
ACCESS_TABLES = ('"auth_group"', '"auth_permission"', '"accounts_user_agent_communes"')


def access_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if any(table in q["sql"] for table in ACCESS_TABLES)]


# Pages whose templates or views ask several permissions (perms.*, rules, has_role), with
# the whole page's query budget as measured after the change (session, user, one access
# query, the page's own).
PAGES = [
    ("/idees/", 7),
    ("/entraide/", 7),
    ("/aides/", 4),
    ("/appels/", 4),
    ("/alertes/", 8),
    ("/reserve-citoyenne/", 7),
    ("/compte/", 18),
]


@pytest.mark.parametrize("who", ["resident", "commune_agent", "metropolis_agent"])
def test_permission_checks_cost_one_query_per_request(
    client, personas, plan, who, django_assert_max_num_queries
):
    client.force_login(personas[who])
    for path, budget in PAGES:
        assert client.get(path).status_code == 200  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            with django_assert_max_num_queries(budget):
                assert client.get(path).status_code == 200
        assert len(access_queries(captured.captured_queries)) <= 1, (
            path,
            captured.captured_queries,
        )


def test_load_access_matches_djangos_permissions(personas, marseille):
    agent = personas["commune_agent"]
    agent.user_permissions.add(Permission.objects.get(codename="view_auditlog"))
    group = Group.objects.get(name=Role.COMMUNE_AGENT.value)
    group.permissions.add(Permission.objects.get(codename="add_group"))
    fresh = User.objects.get(pk=agent.pk)
    expected_user = DjangoModelBackend().get_user_permissions(User.objects.get(pk=agent.pk))
    expected_group = DjangoModelBackend().get_group_permissions(User.objects.get(pk=agent.pk))
    with CaptureQueriesContext(connection) as captured:
        assert fresh.role_names() == {Role.COMMUNE_AGENT.value}
        assert fresh.agent_commune_ids() == {marseille.pk}
        assert fresh.get_user_permissions() == expected_user == {"core.view_auditlog"}
        assert "auth.add_group" in fresh.get_group_permissions() == expected_group
        assert fresh.has_perm("core.view_auditlog") and fresh.has_perm("auth.add_group")
        assert not fresh.has_perm("auth.delete_group")
    assert len(captured.captured_queries) == 1
    resident = User.objects.get(pk=personas["resident"].pk)
    assert resident.role_names() == set() and resident.agent_commune_ids() == frozenset()
    assert resident.get_all_permissions() == set()


def test_superusers_keep_every_permission(territories):
    boss = User.objects.create_superuser(email="chef@example.org", password="x-solide-2026-a")
    fresh = User.objects.get(pk=boss.pk)
    assert fresh.role_names() == set()
    assert fresh.get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }


def test_cached_access_never_leaks_between_users(client, personas, plan):
    """Agent and resident in turn on the same server process: each request's user object is
    its own, with its own roles."""
    agent, resident = personas["metropolis_agent"], personas["resident"]
    for _ in range(2):
        client.force_login(agent)
        response = client.get(PLAN_CHANTIER)
        assert "Journal des modifications" in response.content.decode()
        assert response.wsgi_request.user.has_role(Role.METROPOLIS_AGENT)
        client.force_login(resident)
        response = client.get(PLAN_CHANTIER)
        assert "Journal des modifications" not in response.content.decode()
        assert response.wsgi_request.user.role_names() == set()
        assert not response.wsgi_request.user.has_perm("core.view_auditlog")


def test_a_role_change_shows_on_the_next_request(client, personas, plan):
    user = personas["resident"]
    client.force_login(user)
    first = client.get(PLAN_CHANTIER).wsgi_request.user
    assert not first.has_perm("core.view_auditlog")
    role_grant(actor=None, user=User.objects.get(pk=user.pk), role=Role.METROPOLIS_AGENT)
    response = client.get(PLAN_CHANTIER)
    assert "Journal des modifications" in response.content.decode()
    assert response.wsgi_request.user.has_perm("core.view_auditlog")
    role_revoke(actor=None, user=User.objects.get(pk=user.pk), role=Role.METROPOLIS_AGENT)
    response = client.get(PLAN_CHANTIER)  # still is_staff, but no role any more
    assert "Journal des modifications" not in response.content.decode()
    assert not response.wsgi_request.user.has_perm("core.view_auditlog")


def test_role_services_forget_the_cached_access_of_the_object_they_change(personas):
    user = User.objects.get(pk=personas["resident"].pk)
    assert not user.has_role(Role.MODERATOR) and not user.has_perm("core.view_auditlog")
    role_grant(actor=None, user=user, role=Role.MODERATOR)
    assert user.has_role(Role.MODERATOR) and user.has_perm("core.view_auditlog")
    role_revoke(actor=None, user=user, role=Role.MODERATOR)
    assert not user.has_role(Role.MODERATOR) and not user.has_perm("core.view_auditlog")


def test_a_change_of_communes_or_groups_forgets_the_cached_access_whatever_made_it(
    personas, marseille
):
    """The rules ask ``agent_commune_ids()`` (cached for the request): a user object whose
    communes or groups change by any path (the back office's form, a test, a script) forgets
    what it had cached, so a check after the change sees it."""
    from renouveau.territories.models import Commune

    agent = User.objects.get(pk=personas["commune_agent"].pk)
    aix = Commune.objects.get(insee="13001")
    assert marseille.pk in agent.agent_commune_ids() and aix.pk not in agent.agent_commune_ids()
    agent.agent_communes.add(aix)
    assert aix.pk in agent.agent_commune_ids()
    agent.agent_communes.remove(marseille)
    assert marseille.pk not in agent.agent_commune_ids()
    agent.agent_communes.clear()
    assert agent.agent_commune_ids() == frozenset()
    assert not agent.has_role(Role.MODERATOR)
    agent.groups.add(Group.objects.get(name=Role.MODERATOR.value))
    assert agent.has_role(Role.MODERATOR)
