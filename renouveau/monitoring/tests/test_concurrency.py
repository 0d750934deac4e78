"""Two creations of projects with the same title at the same moment, on PostgreSQL (SQLite
serialises every write, so it cannot exercise concurrent inserts): both get a project, each
with its own address, and nobody gets a 500."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from renouveau.core.models import AuditLog
from renouveau.monitoring import services
from renouveau.monitoring.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent inserts need PostgreSQL (DATABASE_URL); SQLite serialises writes.")


def _both_check_before_either_inserts(monkeypatch, parties: int):
    """Make every creating thread compute its slug (the check) before any of them inserts, the
    window in which the check-then-insert used to collide; returns the slugs computed."""
    real = services._unique_slug
    barrier = threading.Barrier(parties, timeout=10)
    seen = threading.local()
    computed: list[str] = []

    def racing(title, **kwargs):
        slug = real(title, **kwargs)
        computed.append(slug)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return slug

    monkeypatch.setattr(services, "_unique_slug", racing)
    return computed


def test_two_agents_creating_the_same_title_at_once_both_succeed(
    monkeypatch, plan, metropolis_agent, marseille
):
    _require_postgresql()
    computed = _both_check_before_either_inserts(monkeypatch, parties=2)
    form = {
        "title": "Navette maritime de l'Estaque",
        "owner": "RTM",
        "status": "planned",
        "progress": 0,
        "jobs_created": 0,
        "jobs_kept": 0,
        "origin_kind": "workstream",
        "is_published": "on",
        "communes": [marseille.pk],
    }

    def create(_):
        client = Client(raise_request_exception=False)
        client.force_login(metropolis_agent)
        try:
            response = client.post("/suivi/projets/nouveau/", form)
            return response.status_code, response.get("Location", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(create, range(2)))

    assert [status for status, _ in outcomes] == [302, 302], outcomes
    # Both checked while the address was free, so both first tried the same one.
    assert computed[:2] == ["navette-maritime-de-lestaque"] * 2
    slugs = sorted(Project.objects.values_list("slug", flat=True))
    assert slugs == ["navette-maritime-de-lestaque", "navette-maritime-de-lestaque-2"]
    assert {location for _, location in outcomes} == {
        f"/suivi/projets/{slug}/gerer/" for slug in slugs
    }
    assert AuditLog.objects.filter(action="monitoring.project_created").count() == 2


def test_many_simultaneous_creations_of_one_title_get_distinct_addresses(monkeypatch, plan):
    _require_postgresql()
    _both_check_before_either_inserts(monkeypatch, parties=4)

    def create(_):
        try:
            return services.project_create(
                actor=None, data={"title": "Jardin partagé", "owner": "Association"}
            ).slug
        except Exception as exc:  # report, do not hide
            return repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(create, range(4)))

    expected = ["jardin-partage", "jardin-partage-2", "jardin-partage-3", "jardin-partage-4"]
    assert sorted(outcomes) == expected, outcomes
    assert sorted(Project.objects.values_list("slug", flat=True)) == expected
