"""The participatory budget's winners enter the plan's monitoring: the public money decided by
the residents' vote counts in its chantier, its commune and the plan's open data, and its
follow-up (status, progress, spending) is mirrored there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from renouveau.budgets import services
from renouveau.budgets.models import Ballot, Result, TrackedProject
from renouveau.calls.models import Phase
from renouveau.calls.tests.factories import move_call
from renouveau.monitoring.models import Project

from .test_budgets import _vote_scenario, ids, voting  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _results(voting, marseille):  # noqa: F811
    call, envelope, projects = _vote_scenario(voting, marseille)
    move_call(call, Phase.RESULTS)
    services.results_compute(call=call)
    return call, envelope, projects


def test_each_winner_becomes_a_published_project_of_the_plan(voting, marseille, client):  # noqa: F811
    call, envelope, (jardin, velos, fresque, bancs) = _results(voting, marseille)
    tracked = {t.submission_id: t for t in TrackedProject.objects.select_related("plan_project")}
    assert set(tracked) == set(Result.objects.get(envelope=envelope).selected)
    assert len(tracked) == 3
    year = timezone.localtime(call.vote_closes_at).year
    for submission in (s for s in (jardin, velos, fresque, bancs) if s.pk in tracked):
        project = tracked[submission.pk].plan_project
        assert project is not None and project.title == submission.title
        assert project.origin_kind == "call" and str(submission.pk) in project.origin_ref
        assert list(project.workstreams.all()) == [submission.workstream]
        assert list(project.communes.all()) == [marseille]
        assert list(project.territories.all()) == [marseille.territory]
        assert project.status == "planned" and project.is_published
        spending = project.spendings.get()
        assert spending.year == year
        assert spending.planned_eur == submission.estimated_cost
        assert spending.committed_eur == 0 and spending.paid_eur == 0
        assert project.total_cost_eur == submission.estimated_cost
        funding = project.fundings.get()
        assert funding.source == "metropolis" and funding.amount_eur == submission.estimated_cost
    assert not Project.objects.filter(
        title__in=[s.title for s in (jardin, velos, fresque, bancs) if s.pk not in tracked]
    ).exists()
    # Computing again (the task and a click) creates nothing twice.
    services.results_compute(call=call)
    assert Project.objects.count() == 3
    # Public: the project's page, the plan's API and the winner's page link both ways.
    first = next(iter(tracked.values()))
    project = first.plan_project
    assert client.get(project.get_absolute_url()).status_code == 200
    api = client.get("/api/v1/projects/").json()
    rows = api["results"] if isinstance(api, dict) else api
    assert project.slug in {row["slug"] for row in rows}
    page = client.get(reverse("budgets:tracked", args=[first.pk])).content.decode()
    assert project.get_absolute_url() in page


def test_an_unpublished_call_gives_unpublished_projects(voting, marseille, client):  # noqa: F811
    call, _envelope, _projects = voting
    call.is_published = False
    call.save()
    _results(voting, marseille)
    assert Project.objects.count() == 3
    assert not Project.objects.filter(is_published=True).exists()


def test_the_follow_up_is_mirrored_on_the_plan(voting, marseille, personas, client):  # noqa: F811
    _results(voting, marseille)
    tracked = TrackedProject.objects.select_related("plan_project").first()
    client.force_login(personas["metropolis_agent"])
    url = reverse("budgets:tracked_edit", args=[tracked.pk])
    response = client.post(url, {"status": "in_progress", "progress": 40, "spent": 1500})
    assert response.status_code == 302
    project = Project.objects.get(pk=tracked.plan_project_id)
    assert project.status == "in_progress" and project.progress == 40
    spending = project.spendings.get()
    assert spending.planned_eur == tracked.budget
    assert spending.committed_eur == tracked.budget and spending.paid_eur == 1500
    # An overrun is shown as such, not refused.
    over = tracked.budget + 500
    client.post(url, {"status": "done", "progress": 100, "spent": str(over)})
    project.refresh_from_db()
    assert project.status == "completed" and project.progress == 100
    assert project.spendings.get().paid_eur == over
    client.post(url, {"status": "abandoned", "progress": 100, "spent": str(over)})
    project.refresh_from_db()
    assert project.status == "cancelled"


def test_a_recount_removes_a_winner_not_yet_started_from_the_plan(voting, marseille):  # noqa: F811
    call, envelope, (jardin, velos, fresque, bancs) = _results(voting, marseille)
    before = {t.submission_id: t.plan_project_id for t in TrackedProject.objects.all()}
    # Paper ballots found after the count: Jardin and Vélos now lead (9 000 € of 10 000 €).
    Ballot.objects.bulk_create(
        [
            Ballot(
                envelope=envelope,
                source="paper",
                paper_reference=f"P-{n}",
                choices=ids(jardin, velos),
            )
            for n in range(20)
        ]
    )
    services.results_compute(call=call)
    after = set(TrackedProject.objects.values_list("submission_id", flat=True))
    assert {jardin.pk, velos.pk} <= after
    dropped = set(before) - after
    assert dropped
    assert not Project.objects.filter(pk__in=[before[pk] for pk in dropped]).exists()
    assert Project.objects.count() == TrackedProject.objects.count() == len(after)
    assert TrackedProject.objects.filter(plan_project__isnull=True).count() == 0


def test_winners_are_not_candidates_of_the_grid(voting, marseille):  # noqa: F811
    from renouveau.monitoring.services import project_create
    from renouveau.portfolio.selectors import candidate_projects

    _results(voting, marseille)
    other = project_create(actor=None, data={"title": "Pôle d'échanges", "owner": "Métropole"})
    assert list(candidate_projects()) == [other]
    assert Decimal(sum(p.total_cost_eur for p in Project.objects.all())) > 0


def test_winners_followed_before_the_link_are_entered_by_a_command(voting, marseille):  # noqa: F811
    from django.core.management import call_command

    _results(voting, marseille)
    Project.objects.all().delete()  # as before this version: no project of the plan
    assert TrackedProject.objects.filter(plan_project__isnull=True).count() == 3
    call_command("winners_to_plan")
    assert Project.objects.count() == 3
    assert TrackedProject.objects.filter(plan_project__isnull=True).count() == 0
    call_command("winners_to_plan")
    assert Project.objects.count() == 3
