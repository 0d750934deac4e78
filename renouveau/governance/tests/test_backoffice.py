"""The back office (Django admin at /back-office/) keeps the agents' forms' rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renouveau.core.models import AuditLog
from renouveau.governance import services
from renouveau.governance.models import Body, Draw, Place

from .test_governance import CONVENTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(personas):
    admin = personas["administrator"]
    admin.is_superuser = True
    admin.save()
    return admin


def _draw_form(body, **changes):
    data = {
        "body": body.pk,
        "title": "Convention 2027",
        "description": "Tirage",
        "seats": "4",
        "quotas": '{"gender": {"woman": 2, "man": 2}}',
        "closes_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }
    return {**data, **changes}


def test_a_draw_prepared_in_the_back_office_gets_the_quota_checks(client, superuser, plan):
    services.reference_load()
    body = Body.objects.get(code=CONVENTION)
    client.force_login(superuser)
    url = "/back-office/governance/draw/add/"
    for quotas in ("[1, 2]", "5", '{"gender": [2, 2]}', '{"colour": {"blue": 4}}',
                   '{"gender": {"woman": 2, "man": "2"}}', '{"gender": {"robot": 4}}',
                   '{"gender": {"woman": 3, "man": -1}}'):  # fmt: skip
        response = client.post(url, _draw_form(body, quotas=quotas))
        assert response.status_code == 200, quotas
        assert "Quotas attendus sous la forme" in response.content.decode(), quotas
    response = client.post(url, _draw_form(body, quotas='{"gender": {"woman": 3, "man": 2}}'))
    assert response.status_code == 200
    assert "doit être égal au nombre de" in response.content.decode()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, _draw_form(body, closes_on=yesterday))
    assert response.status_code == 200 and "déjà passée" in response.content.decode()
    assert not Draw.objects.exists()

    assert client.post(url, _draw_form(body)).status_code == 302
    draw = Draw.objects.get()
    assert draw.quotas == {"gender": {"woman": 2, "man": 2}}
    assert AuditLog.objects.filter(action="governance.draw_created", actor=superuser).exists()
    # Its public page works (a list typed as quotas made it a 500 before).
    assert client.get(draw.get_absolute_url()).status_code == 200


def test_every_back_office_save_is_audited(client, superuser, marseille):
    client.force_login(superuser)
    response = client.post(
        "/back-office/governance/place/add/",
        {
            "name": "Tiers-lieu de la Belle de Mai",
            "kind": "third_place",
            "commune": marseille.pk,
            "address": "41 rue Jobin",
        },
    )
    assert response.status_code == 302
    place = Place.objects.get()
    log = AuditLog.objects.get(action="governance.place_created")
    assert log.actor == superuser and log.object_id == str(place.pk)
    assert log.data["via"] == "admin"


@pytest.mark.django_db(transaction=True)
def test_two_agents_publishing_the_same_recommendation_number_at_once(plan, personas):
    """The check before the insert can be raced: the unique constraint decides, and the loser
    gets the French message, not an IntegrityError (a 500)."""
    from django.db import connection

    from .test_waitlist import _threads

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; this test runs on PostgreSQL (DATABASE_URL).")
    services.reference_load()
    body = Body.objects.get(code=CONVENTION)
    data = {
        "body": body,
        "number": "R-12",
        "title": "Des bancs à l'ombre",
        "text": "Texte",
        "made_on": timezone.localdate(),
    }

    def publish(_n):
        try:
            services.recommendation_create(actor=personas["metropolis_agent"], data=data)
        except ValidationError as exc:
            return exc.message_dict["number"][0]
        return "ok"

    outcomes = _threads(list(range(12)), publish, workers=12)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) == {"ok", "Ce numéro existe déjà pour cette instance."}, outcomes
    assert AuditLog.objects.filter(action="governance.recommendation_created").count() == 1
