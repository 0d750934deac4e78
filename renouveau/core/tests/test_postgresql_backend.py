"""The PostgreSQL backend skips the per-request health check only for a connection released
healthy less than half a second ago, and still replaces a dropped connection after a pause."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections

from renouveau.core.postgresql import base

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


def _request(sql="SELECT 1"):
    """What a request does to the connection: Django's start and end signals around a query."""
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        value = cursor.fetchone()[0]
    request_finished.send(sender=None)
    return value


@pytest.fixture
def checks(monkeypatch):
    """Counts the health checks (``is_usable``: Django's SELECT 1) of the real connection."""
    calls = []
    real = connection.is_usable

    def counted():
        calls.append(time.monotonic())
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    return calls


def test_the_engine_is_in_use_with_health_checks():
    assert isinstance(connections["default"], base.DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def test_back_to_back_requests_skip_the_check_and_a_pause_brings_it_back(checks):
    _request()
    for _ in range(5):
        _request()
    assert checks == []  # each reuse came within 0.5 s of a healthy release
    time.sleep(base.ALIVE_BYPASS_SECONDS + 0.1)
    _request()
    assert len(checks) == 1


def test_a_connection_dropped_during_a_pause_is_replaced_without_an_error(checks):
    pid = _request("SELECT pg_backend_pid()")
    params = connection.get_connection_params()
    with psycopg.connect(
        **{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(base.ALIVE_BYPASS_SECONDS + 0.1)
    new_pid = _request("SELECT pg_backend_pid()")  # no error: checked, closed, reconnected
    assert new_pid != pid and len(checks) == 1


def test_a_closed_connection_is_not_bypassed():
    _request()
    connection.close()
    assert connection.released_healthy_at is None
