"""The security crawl's world: built once per module inside a transaction that is rolled back
at the module's end (each test then runs in a savepoint of it, as pytest-django's ``db``
does). Not per session: pytest-django runs the transactional tests of the whole suite last,
and a transaction left open until then broke them (their users already existed, their
connection was closed under them)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from .world import build_world

TEST_SETTINGS = {
    "TASKS": {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "emails"],
        }
    },
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "DEMO_DATA": True,
    "PAGE_CACHE_SECONDS": 0,
    # As in production, where Redis is the cache: sessions read through the cache (written to
    # the database all the same), not one PostgreSQL query per request of a signed-in persona.
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(**TEST_SETTINGS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
