"""The authentication backends' cheaper get_user must return exactly what Django's returns."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renouveau.accounts.backends import AuthenticationBackend, ModelBackend
from renouveau.accounts.models import User

PASSWORD = "motdepasse-solide-2026"


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_get_user_returns_the_same_user_as_django_in_one_query(backend_class, resident, marseille):
    resident.last_login = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    resident.birth_year = 1987
    resident.is_staff = True
    resident.save()
    with CaptureQueriesContext(connection) as queries:
        user = backend_class().get_user(str(resident.pk))  # the session stores a string
    assert len(queries) == 1
    expected = DjangoModelBackend().get_user(resident.pk)
    assert isinstance(user, User) and user.pk == resident.pk
    assert _fields(user) == _fields(expected)
    assert user.last_login == resident.last_login and user.is_staff is True
    assert user.commune == marseille and user.birth_year == 1987
    assert user._state.db == "default" and not user._state.adding
    user.display_name = "Renommée"
    user.save(update_fields=["display_name"])  # a normal, saveable instance
    assert User.objects.get(pk=resident.pk).display_name == "Renommée"


@pytest.mark.parametrize("user_id", ["999999", 999999, "abc", "", None])
def test_get_user_is_none_for_unknown_or_malformed_ids(db, user_id):
    assert ModelBackend().get_user(user_id) is None


def test_get_user_is_none_for_an_inactive_user(resident):
    User.objects.filter(pk=resident.pk).update(is_active=False)
    assert ModelBackend().get_user(resident.pk) is None
    assert AuthenticationBackend().get_user(resident.pk) is None


def test_a_login_through_the_site_uses_the_fast_backend_and_stays_logged_in(client, resident):
    response = client.post("/compte/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] in (
        "renouveau.accounts.backends.ModelBackend",
        "renouveau.accounts.backends.AuthenticationBackend",
    )
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert page.context["user"].pk == resident.pk


def test_a_deactivated_user_is_logged_out_on_the_next_request(client, resident):
    client.post("/compte/login/", {"login": resident.email, "password": PASSWORD})
    User.objects.filter(pk=resident.pk).update(is_active=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
