"""Project-wide pytest fixtures: reference data, personas (one user per role), e-mails.

Personas: ``resident``, ``association_member`` (with a verified organisation), ``commune_agent``
(agent of Marseille), ``metropolis_agent``, ``moderator``, ``elected``, ``administrator``, and
``outsider`` (a resident of no commune of the metropolis). ``anonymous`` is simply no login.
"""

from __future__ import annotations

import pytest
from django.conf import settings

PERSONAS = (
    "resident",
    "association_member",
    "commune_agent",
    "metropolis_agent",
    "moderator",
    "elected",
    "administrator",
    "crisis_agent",
    "outsider",
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "emails"],
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEMO_DATA = False
    settings.PAGE_CACHE_SECONDS = 0  # tested on its own in renouveau/core/tests/test_page_cache.py


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def territories(db):
    """The metropolis from its versioned file (92 communes, 6 Territoires)."""
    from renouveau.territories.services import territories_load

    return territories_load()


@pytest.fixture
def plan(territories):
    from renouveau.plan.services import plan_load

    return plan_load()


@pytest.fixture
def marseille(territories):
    from renouveau.territories.models import Commune

    return Commune.objects.get(insee="13055")


def make_user(
    email: str, *, roles=(), commune=None, verified=True, password="motdepasse-solide-2026", **extra
):
    from allauth.account.models import EmailAddress

    from renouveau.accounts.models import User
    from renouveau.accounts.services import role_grant

    user = User.objects.create_user(email=email, password=password, commune=commune, **extra)
    if verified:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for role in roles:
        role_grant(actor=None, user=user, role=role)
    return user


@pytest.fixture
def personas(territories, marseille):
    from renouveau.accounts.models import Organisation
    from renouveau.accounts.roles import Role
    from renouveau.accounts.services import organisation_create

    users = {
        "resident": make_user("habitante@example.org", commune=marseille, display_name="Awa"),
        "association_member": make_user(
            "asso@example.org", commune=marseille, display_name="Bruno"
        ),
        "commune_agent": make_user(
            "agent.commune@example.org", roles=[Role.COMMUNE_AGENT], commune=marseille
        ),
        "metropolis_agent": make_user("agent.metropole@example.org", roles=[Role.METROPOLIS_AGENT]),
        "moderator": make_user("moderation@example.org", roles=[Role.MODERATOR]),
        "elected": make_user("elu@example.org", roles=[Role.ELECTED]),
        "administrator": make_user("admin@example.org", roles=[Role.ADMINISTRATOR], is_staff=True),
        "crisis_agent": make_user("cellule.crise@example.org", roles=[Role.CRISIS_CELL]),
        "outsider": make_user("ailleurs@example.org"),
    }
    users["commune_agent"].agent_communes.add(marseille)
    organisation = organisation_create(
        creator=users["association_member"],
        data={
            "name": "Entraide Belsunce",
            "kind": Organisation.Kind.ASSOCIATION,
            "commune": marseille,
        },
    )
    organisation.is_verified = True
    organisation.save()
    return users


for _name in PERSONAS:

    def _make(name):
        @pytest.fixture(name=name)
        def _fixture(personas):
            return personas[name]

        return _fixture

    globals()[_name] = _make(_name)

PASSWORD = "motdepasse-solide-2026"  # noqa: S105 - test personas' password


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in a real Chromium through Playwright")
    assert settings.configured
