"""Following a project of the plan: the button, « Mes suivis », the daily digest (what changed,
told once, public changes only, in the follower's language), RGPD, the scheduler."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from renouveau.follows import services
from renouveau.follows.models import Follow
from renouveau.monitoring import services as monitoring
from renouveau.monitoring.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(plan):
    return make_project(title="Pôle d'échanges de Saint-Antoine", is_published=True)


def _send(capture, send=None):
    """Run the digest and the e-mails it enqueues on commit."""
    with capture(execute=True):
        return (send or services.digests_send)()


def _toggle(client, project, action="follow", **extra):
    return client.post(
        reverse("follows:toggle", args=["monitoring.project", project.pk]),
        {"action": action, **extra},
    )


def test_following_from_the_project_page(client, personas, project):
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Connectez-vous pour suivre ce projet" in page
    anonymous = _toggle(client, project)
    assert anonymous.status_code == 302 and "/compte/" in anonymous["Location"]
    # Signed out meanwhile: after signing in, back to the project, not to the POST-only address.
    expired = _toggle(client, project, next=project.get_absolute_url())
    assert expired["Location"].startswith("/compte/login/")
    assert f"next={quote(project.get_absolute_url())}" in expired["Location"]
    assert not Follow.objects.exists()

    resident = personas["resident"]
    client.force_login(resident)
    assert "Suivre ce projet" in client.get(project.get_absolute_url()).content.decode()
    response = _toggle(client, project, next=project.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert _toggle(client, project).status_code == 302  # a double click: still one follow
    follow = Follow.objects.get()
    assert follow.user == resident and follow.object_id == project.pk
    assert follow.state["status"] == project.status and follow.state["progress"] == 0
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Vous suivez ce projet." in page and "Ne plus suivre" in page

    listing = client.get(reverse("follows:list")).content.decode()
    assert project.title in listing.replace("&#x27;", "'")
    assert "Mes suivis" in client.get(reverse("accounts:profile")).content.decode()

    assert _toggle(client, project, "unfollow").status_code == 302
    assert not Follow.objects.exists()
    empty = client.get(reverse("follows:list")).content.decode()
    assert "Vous ne suivez rien pour le moment" in empty


def test_bad_requests_are_refused_with_clear_answers(client, personas, project):
    client.force_login(personas["resident"])
    hidden = make_project(title="Projet en préparation", is_published=False)
    assert _toggle(client, hidden).status_code == 404
    assert (
        client.post(
            reverse("follows:toggle", args=["accounts.user", 1]), {"action": "follow"}
        ).status_code
        == 404
    )
    assert _toggle(client, project, "subscribe").status_code == 400
    assert (
        client.get(reverse("follows:toggle", args=["monitoring.project", project.pk])).status_code
        == 405
    )
    assert not Follow.objects.exists()
    assert _toggle(client, project, next="https://evil.example/").get("Location") == (
        project.get_absolute_url()
    )
    assert Follow.objects.count() == 1  # followed, but sent back to the project, not away
    Follow.objects.all().delete()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas["resident"])
    assert _toggle(strict, project).status_code == 403
    assert not Follow.objects.exists()
    assert client.get(reverse("follows:list") + "?page=abc").status_code == 400


def test_the_number_of_follows_is_bounded(personas, project, monkeypatch):
    monkeypatch.setattr(services, "MAX_FOLLOWS", 1)
    other = make_project(title="Tramway nord", is_published=True)
    services.follow_add(user=personas["resident"], obj=project)
    with pytest.raises(Exception, match="Vous suivez déjà 1"):
        services.follow_add(user=personas["resident"], obj=other)


def _changes(project):
    agent = None
    monitoring.project_update(
        actor=agent, project=project, data={"status": "in_progress", "progress": 40}
    )
    monitoring.milestone_save(
        actor=agent,
        project=project,
        data={
            "title": "Ordre de service des travaux",
            "due_on": date(2026, 3, 1),
            "done_on": date(2026, 3, 2),
        },
    )
    monitoring.spending_set(
        actor=agent, project=project, year=2025, planned_eur=Decimal(1000000),
        committed_eur=Decimal(900000), paid_eur=Decimal(450000),
    )  # fmt: skip
    monitoring.document_add(
        actor=agent,
        project=project,
        title="Délibération de lancement",
        url="https://example.org/d.pdf",
    )
    indicator = monitoring.indicator_create(
        actor=agent,
        project=project,
        data={
            "label": "Voyageurs par jour",
            "unit": "voyageurs",
            "baseline_value": 0,
            "target_value": 5000,
        },
    )
    monitoring.measurement_record(
        actor=agent, indicator=indicator, measured_on=date(2026, 6, 30), value=Decimal(1200)
    )


def test_the_digest_tells_what_changed_once(personas, project, django_capture_on_commit_callbacks):
    resident = personas["resident"]
    services.follow_add(user=resident, obj=project)
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 0  # nothing changed yet
    _changes(project)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    assert message.subject == "Du nouveau dans ce que vous suivez"
    body = message.body
    assert "Pôle d'échanges de Saint-Antoine (projet du plan)" in body
    assert "État : proposé → en cours" in body
    assert "Avancement : 0 % → 40 %" in body
    assert "Jalon atteint le 2 mars 2026 : Ordre de service des travaux" in body
    assert "Dépenses payées : 0\u00a0€ → 450\u00a0000\u00a0€" in body
    assert "Nouveau document : Délibération de lancement" in body
    assert "Voyageurs par jour : 1\u00a0200 voyageurs (mesure du 30 juin 2026)" in body
    assert project.get_absolute_url() in body and reverse("follows:list") in body
    # Told once: the next day, nothing new, no e-mail.
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 0 and mail.outbox == []
    assert Follow.objects.get().notified_at is not None


def test_one_email_per_person_for_all_they_follow_in_their_language(
    personas, project, django_capture_on_commit_callbacks
):
    english = personas["resident"]
    english.language = "en"
    english.save()
    other = make_project(title="Tramway nord", is_published=True)
    for p in (project, other):
        services.follow_add(user=english, obj=p)
    mail.outbox.clear()
    for p in (project, other):
        monitoring.project_update(actor=None, project=p, data={"progress": 10})
    assert _send(django_capture_on_commit_callbacks) == 1
    message = mail.outbox[0]
    assert message.subject == "News in 2 things you follow"
    assert "Progress: 0 % → 10 %" in message.body
    assert "Pôle d'échanges de Saint-Antoine" in message.body and "Tramway nord" in message.body


def test_unpublished_changes_wait_and_deleted_projects_are_forgotten(
    personas, project, django_capture_on_commit_callbacks
):
    resident = personas["resident"]
    services.follow_add(user=resident, obj=project)
    mail.outbox.clear()
    monitoring.project_update(
        actor=None, project=project, data={"is_published": False, "progress": 20}
    )
    assert _send(django_capture_on_commit_callbacks) == 0 and mail.outbox == []
    monitoring.project_update(actor=None, project=project, data={"is_published": True})
    assert _send(django_capture_on_commit_callbacks) == 1
    assert "Avancement : 0 % → 20 %" in mail.outbox[0].body
    project.delete()
    assert _send(django_capture_on_commit_callbacks) == 0
    assert not Follow.objects.exists()


def test_erased_or_inactive_people_get_nothing_and_rgpd(personas, project):
    from renouveau.accounts.services import user_erase, user_export_data

    resident = personas["resident"]
    services.follow_add(user=resident, obj=project)
    exported = user_export_data(user=resident)
    assert "suivis" in str(exported) and project.title in str(exported)
    user_erase(user=resident)
    assert not Follow.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_digest_once(personas, project):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    services.follow_add(user=personas["resident"], obj=project)
    monitoring.project_update(actor=None, project=project, data={"progress": 55})
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    counts = []

    def worker():
        barrier.wait()
        try:
            counts.append(services.digests_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 1]
    assert len(mail.outbox) == 1


def test_the_scheduler_runs_the_digest_task_daily(
    personas, project, django_capture_on_commit_callbacks
):
    from renouveau.core.scheduler import JOBS
    from renouveau.follows.tasks import send_follow_digests

    job = next(j for j in JOBS if j.name == "follows.digest")
    assert job.task == "renouveau.follows.tasks.send_follow_digests" and job.daily_at
    services.follow_add(user=personas["resident"], obj=project)
    monitoring.project_update(actor=None, project=project, data={"progress": 5})
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks, send_follow_digests.call) == 1
    assert len(mail.outbox) == 1


def test_a_supporter_follows_an_idea_and_hears_its_answer(
    client, personas, marseille, django_capture_on_commit_callbacks
):
    from renouveau.ideas import services as ideas

    author, neighbour = personas["resident"], personas["association_member"]
    idea = ideas.idea_create(
        author=author,
        data={
            "kind": "problem",
            "title": "Nid-de-poule rue de la République",
            "description": "Dangereux pour les vélos.",
            "category": "roads",
            "commune": marseille,
        },
    )
    client.force_login(neighbour)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Suivre cette contribution" in page
    response = client.post(
        reverse("follows:toggle", args=["ideas.idea", idea.pk]), {"action": "follow"}
    )
    assert response.status_code == 302
    assert "Vous suivez cette contribution." in client.get(idea.get_absolute_url()).content.decode()
    mail.outbox.clear()
    ideas.idea_status_change(
        actor=personas["metropolis_agent"],
        idea=idea,
        status="planned",
        answer="Réfection programmée en mars.",
    )
    mail.outbox.clear()  # the author's own e-mail
    assert _send(django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [neighbour.email]
    assert "Nid-de-poule rue de la République (idée ou signalement)" in message.body
    assert "État : Reçue → Programmée" in message.body
    assert "Réponse publique : Réfection programmée en mars." in message.body
    # A hidden contribution cannot be followed, and tells nothing.
    idea.is_hidden = True
    idea.save()
    ideas.idea_status_change(
        actor=personas["metropolis_agent"], idea=idea, status="done", answer="Fait."
    )
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 0


def test_a_resident_follows_a_recommendation_and_hears_the_response(
    client, plan, personas, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from renouveau.governance import services as governance
    from renouveau.governance.models import Body

    governance.reference_load()
    agent = personas["metropolis_agent"]
    recommendation = governance.recommendation_create(
        actor=agent,
        data={
            "body": Body.objects.order_by("pk").first(),
            "number": "R-7",
            "title": "Des bancs à l'ombre",
            "text": "Installer des bancs ombragés près des arrêts.",
            "made_on": timezone.localdate(),
        },
    )
    resident = personas["resident"]
    client.force_login(resident)
    assert (
        "Suivre cette recommandation"
        in client.get(recommendation.get_absolute_url()).content.decode()
    )
    client.post(
        reverse("follows:toggle", args=["governance.recommendation", recommendation.pk]),
        {"action": "follow"},
    )
    assert Follow.objects.filter(user=resident).count() == 1
    governance.recommendation_respond(
        actor=agent, recommendation=recommendation, response="adopted", text="Cent bancs en 2027."
    )
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 1
    body = mail.outbox[0].body
    assert "R-7 — Des bancs à l'ombre (recommandation)" in body
    assert "Suite donnée : en attente de réponse → adoptée" in body
    assert "Réponse de la Métropole : Cent bancs en 2027." in body


def test_a_project_followed_by_many_is_read_once_per_digest(
    personas, project, django_user_model, django_capture_on_commit_callbacks, monkeypatch
):
    from dataclasses import replace

    from renouveau.follows.registry import followables
    from renouveau.monitoring.followables import FOLLOWABLES

    people = [
        django_user_model.objects.create_user(
            email=f"suiveur{n}@example.org", password="motdepasse-solide-2026"
        )
        for n in range(5)
    ]
    for person in people:
        services.follow_add(user=person, obj=project)
    monitoring.project_update(actor=None, project=project, data={"progress": 30})
    reads = []

    def counting(obj):
        reads.append(obj.pk)
        return FOLLOWABLES[0].state(obj)

    counted = replace(FOLLOWABLES[0], state=counting)
    registry = {**followables(), "monitoring.project": counted}
    monkeypatch.setattr(services, "followables", lambda: registry)
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 5
    assert reads == [project.pk]
    assert len(mail.outbox) == 5


def test_a_submitted_project_is_followed_through_its_review(
    client, plan, personas, marseille, django_capture_on_commit_callbacks
):
    from decimal import Decimal as D

    from renouveau.calls import services as calls
    from renouveau.calls.models import Phase
    from renouveau.calls.tests.factories import make_call, make_submission, move_call

    call = make_call(Phase.SUBMISSION)
    submission = make_submission(
        call, personas["resident"], commune=marseille, cost=4000, title="Jardin Belsunce"
    )
    neighbour = personas["association_member"]
    client.force_login(neighbour)
    assert "Suivre ce projet" in client.get(submission.get_absolute_url()).content.decode()
    client.post(
        reverse("follows:toggle", args=["calls.submission", submission.pk]), {"action": "follow"}
    )
    assert Follow.objects.filter(user=neighbour).count() == 1
    move_call(call, Phase.REVIEW)
    calls.submission_accept(
        actor=personas["metropolis_agent"],
        submission=submission,
        adjusted_cost=D(3500),
        reason="Les bacs sont fournis par la Métropole.",
    )
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 1
    body = mail.outbox[0].body
    assert "Jardin Belsunce (projet déposé)" in body
    assert "État : Déposé, en attente d'analyse → Recevable, soumis au vote" in body
    assert "Coût retenu : 4\u00a0000\u00a0€ → 3\u00a0500\u00a0€" in body
    assert "Pourquoi ce coût : Les bacs sont fournis par la Métropole." in body
