import pytest

from renouveau.accounts.models import Membership, Organisation
from renouveau.core.models import AuditLog

from .factories import UserFactory


@pytest.fixture
def organisation(association_member):
    return Organisation.objects.get(name="Entraide Belsunce")


def test_admin_adds_and_removes_a_member(client, association_member, organisation):
    newcomer = UserFactory(email="nouveau@example.org")
    client.force_login(association_member)
    url = f"/compte/organisations/{organisation.pk}/"
    response = client.post(url, {"email": "inconnu@example.org", "role": "member"})
    assert response.status_code == 400
    assert "Aucun compte actif" in response.content.decode()
    response = client.post(url, {"email": "NOUVEAU@example.org", "role": "member"})
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=organisation, user=newcomer)
    assert AuditLog.objects.filter(action="accounts.member_added").exists()
    # The last manager cannot be removed.
    own = Membership.objects.get(organisation=organisation, user=association_member)
    client.post(url, {"remove": own.pk})
    assert Membership.objects.filter(pk=own.pk).exists()
    client.post(url, {"remove": membership.pk})
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    "persona,status_get,can_post",
    [
        ("association_member", 200, True),
        ("resident", 403, False),
        ("metropolis_agent", 200, False),
        ("outsider", 403, False),
    ],
)
def test_organisation_page_permissions(
    client, personas, organisation, persona, status_get, can_post
):
    client.force_login(personas[persona])
    url = f"/compte/organisations/{organisation.pk}/"
    assert client.get(url).status_code == status_get
    UserFactory(email="x@example.org")
    response = client.post(url, {"email": "x@example.org", "role": "member"})
    assert (response.status_code == 302) is can_post
    assert (
        Membership.objects.filter(organisation=organisation, user__email="x@example.org").exists()
        is can_post
    )


def test_members_email_is_shown_only_to_managers(client, personas, organisation):
    client.force_login(personas["metropolis_agent"])
    body = client.get(f"/compte/organisations/{organisation.pk}/").content.decode()
    assert "asso@example.org" not in body and "Bruno" in body


@pytest.mark.parametrize("remove", ["", "abc", "\x01", "NaN", "-1", "٣", "x" * 10_000])
def test_removing_a_member_that_is_not_a_number_is_a_400(
    client, association_member, organisation, remove
):
    """Was a 500 (the value went straight to the query); found by the POST fuzz."""
    client.force_login(association_member)
    count = Membership.objects.filter(organisation=organisation).count()
    response = client.post(f"/compte/organisations/{organisation.pk}/", {"remove": remove})
    assert response.status_code == 400
    assert "Ce membre n&#x27;existe pas dans cette organisation." in response.content.decode()
    assert Membership.objects.filter(organisation=organisation).count() == count
