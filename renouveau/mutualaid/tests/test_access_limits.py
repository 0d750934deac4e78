"""Who reads an offer's audit log (the agents of its commune, of the metropolis, moderators —
not the agents of another commune), and who sees an organisation not yet verified (its
members and the agents who verify organisations; a 404 for everyone else)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from renouveau.accounts.models import Organisation
from renouveau.accounts.roles import Role
from renouveau.accounts.services import organisation_create
from renouveau.territories.models import Commune

from .factories import make_offer, make_request

pytestmark = pytest.mark.django_db


def _journal(post) -> str:
    return reverse("core:audit_log", args=["mutualaid", post._meta.model_name, post.pk])


def _status(user, path: str) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(path).status_code


@pytest.fixture
def aix_agent(personas):
    agent = make_user("agent.aix@example.org", roles=[Role.COMMUNE_AGENT])
    agent.agent_communes.add(Commune.objects.get(insee="13001"))
    return agent


def test_an_offers_audit_log_is_read_by_the_agents_in_charge_only(personas, aix_agent):
    offer = make_offer(personas["resident"])  # in Marseille
    request = make_request(personas["resident"])
    for post in (offer, request):
        path = _journal(post)
        for name in ("commune_agent", "metropolis_agent", "moderator", "administrator"):
            assert _status(personas[name], path) == 200, (name, path)
        # The agent of another commune, residents, the author, anonymous: refused.
        assert _status(aix_agent, path) == 403, path
        for name in ("resident", "outsider", "elected"):
            assert _status(personas[name], path) in (302, 403), (name, path)
        assert _status(None, path) in (302, 403)
    # The Aix agent reads the log of an offer in Aix.
    aix_offer = make_offer(personas["resident"], insee="13001")
    assert _status(aix_agent, _journal(aix_offer)) == 200
    assert _status(personas["commune_agent"], _journal(aix_offer)) == 403


def test_the_rule_is_checked_with_the_object(personas, aix_agent):
    offer = make_offer(personas["resident"])
    assert personas["commune_agent"].has_perm("mutualaid.view_auditlog_helpoffer", offer)
    assert not aix_agent.has_perm("mutualaid.view_auditlog_helpoffer", offer)
    assert not personas["resident"].has_perm("mutualaid.view_auditlog_helpoffer", offer)


def test_an_unverified_organisations_page_is_a_404_for_residents_and_anonymous(
    personas, aix_agent, marseille
):
    member = make_user("membre@example.org", commune=marseille)
    organisation = organisation_create(
        creator=member,
        data={"name": "Collectif pas vérifié", "kind": Organisation.Kind.COLLECTIVE,
              "commune": marseille},
    )  # fmt: skip
    assert not organisation.is_verified
    path = reverse("accounts:organisation", args=[organisation.pk])
    for user in (None, personas["resident"], personas["outsider"], personas["moderator"]):
        assert _status(user, path) == 404, user
    # Its members, and the agents who verify organisations (accounts.verify_organisation).
    assert _status(member, path) == 200
    for agent in (personas["commune_agent"], personas["metropolis_agent"], aix_agent):
        assert agent.has_perm("accounts.verify_organisation")
        assert _status(agent, path) == 200
    # Once verified, the page is as before: members and agents; others refused, not 404.
    organisation.is_verified = True
    organisation.save()
    assert _status(personas["resident"], path) == 403
    assert _status(None, path) == 302
    assert _status(member, path) == 200
