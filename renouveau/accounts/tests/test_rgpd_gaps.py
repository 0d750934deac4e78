"""The RGPD gaps the guard found that the end-to-end resident cannot show (what only agents and
administrators have, what only a task queue in production keeps), each with its fix's test."""

from __future__ import annotations

import json

from conftest import PASSWORD, make_user
from renouveau.accounts.services import user_erase


def test_an_agents_funders_are_in_their_export_and_go_with_the_account(client, marseille):
    from renouveau.aids.models import Funder, FunderMembership

    agent = make_user("agent.financeur@example.org", commune=marseille)
    funder = Funder.objects.create(slug="region-sud", name="Région Sud", kind="region")
    FunderMembership.objects.create(funder=funder, user=agent)
    client.force_login(agent)
    export = json.loads(client.get("/compte/mes-donnees/").content)
    assert export["aid_funders"] == [{"funder": "Région Sud", "role": "editor"}]
    user_erase(user=agent)
    assert not FunderMembership.objects.filter(user=agent).exists()


def test_an_agents_routing_rules_are_in_their_export_and_lose_them_at_erasure(client, marseille):
    from renouveau.ideas.models import RoutingRule

    agent = make_user("agent.voirie@example.org", commune=marseille)
    rule = RoutingRule.objects.create(service="Voirie de Marseille", commune=marseille)
    rule.agents.add(agent)
    client.force_login(agent)
    export = json.loads(client.get("/compte/mes-donnees/").content)
    assert export["ideas"]["routing_rules"] == ["Voirie de Marseille"]
    user_erase(user=agent)
    assert not rule.agents.exists()
    assert RoutingRule.objects.filter(pk=rule.pk).exists()  # the service's rule stays


def test_the_emails_queued_for_a_person_leave_the_task_queue_at_erasure(
    client, transactional_db, settings
):
    """In production e-mails go through the database queue (``django_tasks_db``), whose rows
    keep the recipient's address and the message after sending: they stayed after erasure."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "emails"]}
    }
    from django_tasks_db.models import DBTaskResult

    from renouveau.core.tasks import send_email

    resident = make_user("Zoe.Queue@example.org")
    send_email.enqueue(subject="Bienvenue", body="Bonjour Zoé", to=["zoe.queue@example.org"])
    send_email.enqueue(subject="Autre", body="Bonjour", to=["zoe.queue2@example.org"])
    send_email.enqueue(
        subject="Alerte", body="Crue", to=["zoe.queue@example.org", "voisin.queue@example.org"]
    )
    assert DBTaskResult.objects.count() == 3
    client.force_login(resident)
    response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    remaining = DBTaskResult.objects.all()
    # The e-mail to several people still goes to the others.
    assert sorted(r.args_kwargs["kwargs"]["to"] for r in remaining) == [
        ["voisin.queue@example.org"],
        ["zoe.queue2@example.org"],
    ]
    from django.core import mail
    from django.core.management import call_command

    call_command("db_worker", batch=True, queue_name="*", interval=0)
    assert sorted(m.to for m in mail.outbox) == [
        ["voisin.queue@example.org"],
        ["zoe.queue2@example.org"],
    ]


def test_the_back_offices_own_history_no_longer_names_an_erased_person(rf, marseille, personas):
    """Django's admin history (``django_admin_log``) named the account (its display name) and
    the rows named after the person, after erasure."""
    from django.contrib import admin
    from django.contrib.admin.models import LogEntry

    from renouveau.accounts.models import Organisation, User

    person = make_user("ninon.vasseur@example.org", commune=marseille, display_name="Ninon Vasseur")
    request = rf.post("/back-office/")
    request.user = personas["administrator"]
    admin.site._registry[User].log_change(request, person, [{"changed": {"fields": ["commune"]}}])
    club = Organisation.objects.create(name="Club de Ninon Vasseur", kind="collective")
    other = Organisation.objects.create(name="Club des voisins", kind="collective")
    admin.site._registry[Organisation].log_change(request, club, "")
    admin.site._registry[Organisation].log_change(request, other, "")
    user_erase(user=person)
    assert not LogEntry.objects.filter(object_repr__icontains="Vasseur").exists()
    assert set(LogEntry.objects.values_list("object_repr", flat=True)) == {
        "Compte supprimé",
        "Club des voisins",
    }
    assert LogEntry.objects.count() == 3  # the history stays
