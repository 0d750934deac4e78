import json

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from renouveau.accounts.models import Organisation, User
from renouveau.accounts.roles import Role
from renouveau.core.models import AuditLog

PASSWORD = "motdepasse-solide-2026"


def test_signup_sends_a_verification_email_and_login_requires_it(client, territories, marseille):
    response = client.post(
        "/compte/signup/",
        {
            "email": "nouvelle@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Nadia",
            "commune": marseille.pk,
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.commune == marseille and user.display_name == "Nadia"
    assert len(mail.outbox) == 1
    assert (
        "confirm" in mail.outbox[0].body.lower() or "/compte/confirm-email/" in mail.outbox[0].body
    )
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(
        "/compte/login/", {"login": "nouvelle@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session


def test_signup_refuses_bad_input_with_french_errors(client, territories):
    response = client.post(
        "/compte/signup/",
        {"email": "pas-une-adresse", "password1": "123", "password2": "456", "commune": "999999"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Saisissez une adresse e-mail valide" in body or "adresse e-mail valide" in body
    assert not User.objects.filter(email="pas-une-adresse").exists()


def test_failed_logins_are_rate_limited(client, resident):
    for _ in range(6):
        response = client.post("/compte/login/", {"login": resident.email, "password": "mauvais"})
        assert "_auth_user_id" not in client.session
    # Past the limit even the right password is refused for a while, with a French message.
    response = client.post("/compte/login/", {"login": resident.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in response.content.decode()


def test_login_works_with_the_right_password(client, resident):
    response = client.post("/compte/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_profile_update_is_validated_and_audited(client, resident, marseille):
    client.force_login(resident)
    response = client.post(
        "/compte/", {"display_name": "Awa B.", "commune": marseille.pk, "birth_year": "1850"}
    )
    assert response.status_code == 400
    assert "année de naissance plausible" in response.content.decode()
    response = client.post(
        "/compte/", {"display_name": "Awa B.", "commune": marseille.pk, "birth_year": "1990"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.birth_year == 1990
    assert AuditLog.objects.filter(action="accounts.profile_updated", actor=resident).exists()


def test_profile_requires_login(client, db):
    response = client.get("/compte/")
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_personal_data_export(client, association_member):
    client.force_login(association_member)
    response = client.get("/compte/mes-donnees/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "asso@example.org"
    assert data["organisations"][0]["name"] == "Entraide Belsunce"
    assert any(a["email"] == "asso@example.org" for a in data["email_addresses"])


def test_account_deletion_anonymises_and_keeps_contributions(client, association_member):
    from renouveau.core.services import log_action

    organisation = Organisation.objects.get(name="Entraide Belsunce")
    log_count = AuditLog.objects.filter(actor=association_member).count()
    assert log_count >= 1
    log_action(actor=None, action="accounts.test_about_user", obj=association_member)
    assert AuditLog.objects.filter(object_repr="Bruno").exists()
    client.force_login(association_member)
    response = client.post("/compte/supprimer/", {"password": "faux", "confirm": "on"})
    assert response.status_code == 400
    assert "mot de passe est incorrect" in response.content.decode()
    response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=association_member.pk)
    assert user.erased_at and not user.is_active
    assert "asso@example.org" not in user.email and user.display_name == ""
    assert user.public_name == "Compte supprimé"
    # No audit line names the person any more; the erasure itself is logged.
    assert not AuditLog.objects.filter(object_repr="Bruno").exists()
    about = AuditLog.objects.filter(object_id=str(user.pk), content_type__model="user")
    assert set(about.values_list("object_repr", flat=True)) == {"Compte supprimé"}
    assert about.filter(action="accounts.user_erased").exists()
    assert not EmailAddress.objects.filter(email="asso@example.org").exists()
    # Contributions stay: the audit trail and the organisation are kept.
    assert AuditLog.objects.filter(actor=user).count() >= log_count
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert (
        client.post(
            "/compte/login/", {"login": "asso@example.org", "password": PASSWORD}
        ).status_code
        != 302
    )


def test_organisation_declaration_validates_identifier(client, resident):
    client.force_login(resident)
    response = client.post(
        "/compte/organisations/nouvelle/",
        {"name": "Café répar", "kind": "association", "identifier": "123"},
    )
    assert response.status_code == 400
    assert "SIRET" in response.content.decode()
    response = client.post(
        "/compte/organisations/nouvelle/",
        {"name": "Café répar", "kind": "association", "identifier": "W131234567"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Café répar")
    assert not organisation.is_verified
    assert organisation.membership_set.get().user == resident


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("resident", False),
        ("association_member", False),
        ("commune_agent", True),
        ("metropolis_agent", True),
        ("moderator", False),
        ("elected", False),
        ("administrator", True),
        ("outsider", False),
    ],
)
def test_only_agents_verify_organisations(client, personas, persona, allowed):
    organisation = Organisation.objects.create(name="Jardins partagés", kind="collective")
    client.force_login(personas[persona])
    response = client.post(f"/compte/organisations/{organisation.pk}/verifier/")
    organisation.refresh_from_db()
    assert organisation.is_verified is allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.parametrize(
    "next_url,location",
    [
        ("", "/compte/"),
        ("/compte/organisations/", "/compte/organisations/"),
        ("x" * 10_000, "/compte/"),  # was a 500 (taken for a URL name)
        ("accounts:delete", "/compte/"),
        ("https://ailleurs.example.org/", "/compte/"),
        ("//ailleurs.example.org/", "/compte/"),
    ],
)
def test_verifying_an_organisation_goes_back_to_a_page_of_the_site_only(
    client, personas, next_url, location
):
    organisation = Organisation.objects.create(name="Jardins partagés", kind="collective")
    client.force_login(personas["metropolis_agent"])
    response = client.post(f"/compte/organisations/{organisation.pk}/verifier/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == location
    organisation.refresh_from_db()
    assert organisation.is_verified


def test_roles(personas):
    assert personas["commune_agent"].has_role(Role.COMMUNE_AGENT)
    assert not personas["resident"].has_role(Role.COMMUNE_AGENT)
    assert "Modérateur" in personas["moderator"].role_labels
