from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from renouveau.core.models import AuditLog
from renouveau.monitoring import charts, services
from renouveau.monitoring.models import Indicator, Project, Spending
from renouveau.monitoring.selectors import workstream_progress
from renouveau.plan.models import Target, Workstream

from .factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def transport(plan):
    return Workstream.objects.get(number=5)


def test_project_create_is_audited_and_totals_the_planned_cost(plan, transport, marseille):
    project = make_project(
        workstreams=[transport],
        communes=[marseille],
        origin_kind="call",
        origin_ref="call:reinventons/submission:12",
    )
    assert project.total_cost_eur == Decimal("3000000")
    assert list(project.territories.all()) == [marseille.territory]
    entry = AuditLog.objects.get(action="monitoring.project_created")
    assert entry.object_id == str(project.pk)
    assert entry.data["origin_ref"] == "call:reinventons/submission:12"
    again = make_project(workstreams=[transport])
    assert again.slug != project.slug


def _insert_before_our_insert(monkeypatch, *, times: int):
    """Another transaction takes the address each time ``_unique_slug`` has found it free
    (between the check and the insert), for the first ``times`` checks."""
    real = services._unique_slug
    computed: list[str] = []

    def racing(title, **kwargs):
        slug = real(title, **kwargs)
        computed.append(slug)
        if len(computed) <= times:
            Project.objects.create(slug=slug, title=title, owner="Un autre agent")
        return slug

    monkeypatch.setattr(services, "_unique_slug", racing)
    return computed


def test_project_create_moves_to_the_next_slug_when_taken_after_the_check(plan, monkeypatch):
    computed = _insert_before_our_insert(monkeypatch, times=2)
    project = make_project(title="Jardin partagé")
    assert computed == ["jardin-partage", "jardin-partage-2", "jardin-partage-3"]
    assert project.slug == "jardin-partage-3"
    assert Project.objects.get(slug="jardin-partage-3").owner == project.owner
    assert project.total_cost_eur == Decimal("3000000")  # the rest of the creation went on
    entry = AuditLog.objects.get(action="monitoring.project_created")
    assert entry.object_id == str(project.pk)


def test_project_create_gives_up_after_bounded_attempts_with_a_french_error(plan, monkeypatch):
    computed = _insert_before_our_insert(monkeypatch, times=100)
    with pytest.raises(ValidationError) as error:
        make_project(title="Jardin partagé")
    assert len(computed) == services.SLUG_ATTEMPTS
    assert "réessayez" in error.value.message_dict["title"][0]
    # Nothing of the failed creation is left (the simulated rows were written inside it), and
    # the lost inserts were rolled back to their savepoints: the transaction still works.
    assert not Project.objects.exists()
    assert not AuditLog.objects.filter(action="monitoring.project_created").exists()
    monkeypatch.undo()
    assert make_project(title="Jardin partagé").slug == "jardin-partage"


def test_project_create_refuses_a_chosen_slug_already_used(plan):
    make_project(title="Tramway nord", slug="tramway")
    with pytest.raises(ValidationError) as error:
        make_project(title="Autre tramway", slug="tramway")
    assert "adresse" in error.value.message_dict["slug"][0]
    assert Project.objects.filter(slug="tramway").count() == 1


def test_project_create_form_with_a_title_taken_meanwhile_redirects(
    client, plan, metropolis_agent, monkeypatch
):
    _insert_before_our_insert(monkeypatch, times=1)
    client.force_login(metropolis_agent)
    response = client.post(
        "/suivi/projets/nouveau/",
        {
            "title": "Navette maritime",
            "owner": "RTM",
            "status": "planned",
            "progress": 0,
            "jobs_created": 0,
            "jobs_kept": 0,
            "origin_kind": "workstream",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/suivi/projets/navette-maritime-2/gerer/"


def test_project_create_rejects_bad_data_in_french(plan):
    with pytest.raises(ValidationError) as error:
        services.project_create(actor=None, data={"title": "", "owner": "x"})
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.project_create(
            actor=None,
            data={
                "title": "A",
                "owner": "x",
                "start_on": date(2026, 1, 1),
                "end_on": date(2025, 1, 1),
            },
        )
    with pytest.raises(ValidationError):
        services.project_create(
            actor=None,
            data={"title": "A", "owner": "x", "spendings": [{"year": 2025, "planned_eur": -1}]},
        )
    assert not Project.objects.exists()


def test_spending_set_updates_total_and_refuses_paid_above_committed(plan, metropolis_agent):
    project = make_project()
    services.spending_set(
        actor=metropolis_agent,
        project=project,
        year=2027,
        planned_eur=500,
        committed_eur=400,
        paid_eur=100,
    )
    project.refresh_from_db()
    assert project.total_cost_eur == Decimal("3000500")
    with pytest.raises(ValidationError):
        services.spending_set(
            actor=metropolis_agent,
            project=project,
            year=2027,
            planned_eur=500,
            committed_eur=400,
            paid_eur=450,
        )
    assert Spending.objects.get(project=project, year=2027).paid_eur == Decimal("100")
    assert (
        AuditLog.objects.filter(action="monitoring.spending_set", actor=metropolis_agent).count()
        == 1
    )


PERMISSIONS = {
    # persona: (add_project, change a Marseille project, change an Aix project, view unpublished)
    "resident": (False, False, False, False),
    "association_member": (False, False, False, False),
    "commune_agent": (False, True, False, True),
    "metropolis_agent": (True, True, True, True),
    "moderator": (False, False, False, False),
    "elected": (False, False, False, True),
    "administrator": (True, True, True, True),
    "outsider": (False, False, False, False),
}


@pytest.mark.parametrize("persona", list(PERMISSIONS))
def test_permission_matrix(persona, personas, plan, marseille):
    from renouveau.territories.models import Commune

    user = personas[persona]
    in_marseille = make_project(communes=[marseille])
    in_aix = make_project(title="Aix", communes=[Commune.objects.get(insee="13001")])
    expected = PERMISSIONS[persona]
    assert user.has_perm("monitoring.add_project") is expected[0]
    assert user.has_perm("monitoring.change_project", in_marseille) is expected[1]
    assert user.has_perm("monitoring.change_project", in_aix) is expected[2]
    assert user.has_perm("monitoring.view_unpublished") is expected[3]


def test_public_list_filters_paginates_and_hides_unpublished(
    client, plan, transport, django_assert_max_num_queries
):
    for n in range(25):
        make_project(title=f"Projet {n:02d}", workstreams=[transport] if n % 2 else [])
    make_project(title="Secret", is_published=False)
    with django_assert_max_num_queries(12):
        response = client.get("/suivi/projets/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Projet 00" in body and "Secret" not in body
    assert "Page 1 sur 2" in body
    with django_assert_max_num_queries(12):
        assert client.get("/suivi/projets/?page=2").status_code == 200
    response = client.get(f"/suivi/projets/?chantier={transport.slug}")
    assert response.context["page"].paginator.count == 12
    assert client.get("/suivi/projets/?page=abc").status_code == 400
    assert client.get("/suivi/projets/?page=9").status_code == 404
    assert client.get("/suivi/projets/?q=Projet 03").context["page"].paginator.count == 1
    secret = Project.objects.get(title="Secret")
    assert client.get(secret.get_absolute_url()).status_code == 404
    htmx = client.get("/suivi/projets/?q=Projet", headers={"HX-Request": "true"})
    assert b"<h1>" not in htmx.content and b"Projet 01" in htmx.content


def test_project_page_has_accessible_svg_charts_and_tables(client, plan, transport):
    project = make_project(workstreams=[transport])
    indicator = services.indicator_create(
        actor=None,
        project=project,
        data={"label": "Voies cyclables", "unit": "km", "target_value": 12},
    )
    services.measurement_record(
        actor=None, indicator=indicator, measured_on=date(2025, 6, 1), value=3
    )
    services.measurement_record(
        actor=None, indicator=indicator, measured_on=date(2026, 6, 1), value=7
    )
    body = client.get(project.get_absolute_url()).content.decode()
    assert body.count('role="img"') == 2
    assert "<title id=" in body and "<desc id=" in body
    assert '<caption id="spending-caption">Dépenses par année, en euros</caption>' in body
    assert 'role="region" aria-labelledby="spending-caption"' in body
    assert "1\u202f000\u202f000" in body or "1 000 000" in body


def test_workstream_progress_against_the_350_meur_and_200_km_targets(client, plan, transport):
    cycle_target = Target.objects.get(code="plan-velo-voies-cyclables")
    make_project(
        workstreams=[transport],
        spendings=[
            {"year": 2025, "planned_eur": 300_000_000, "committed_eur": 200_000_000, "paid_eur": 0},
            {"year": 2026, "planned_eur": 400_000_000},
        ],
    )
    bikes = make_project(title="Plan vélo", workstreams=[transport], spendings=[])
    for label, values in (("Tronçons nord", (10, 30)), ("Tronçons sud", (5, 20))):
        indicator = services.indicator_create(
            actor=None,
            project=bikes,
            data={"label": label, "unit": "km", "target": cycle_target, "target_value": 100},
        )
        services.measurement_record(
            actor=None, indicator=indicator, measured_on=date(2025, 1, 1), value=values[0]
        )
        services.measurement_record(
            actor=None, indicator=indicator, measured_on=date(2026, 1, 1), value=values[1]
        )
    progress = {p.target.code: p for p in workstream_progress(workstream=transport)}
    money = progress["investissement-transports-alternatifs"]
    assert [(y.year, y.planned) for y in money.years] == [
        (2025, Decimal(300)),
        (2026, Decimal(400)),
    ]
    assert money.years_on_target == 1
    km = progress["plan-velo-voies-cyclables"]
    assert km.points == [(date(2025, 1, 1), Decimal(15)), (date(2026, 1, 1), Decimal(50))]
    assert km.percent == 25
    body = client.get(f"/suivi/chantiers/{transport.slug}/").content.decode()
    assert body.count('role="img"') == 2
    assert "Objectif : 350 M€/an" in body
    assert client.get("/suivi/chantiers/nope/").status_code == 404
    assert client.get("/suivi/").status_code == 200


def test_agent_edits_through_pages_and_bad_posts_answer_400(
    client, plan, metropolis_agent, resident, marseille
):
    # A visitor (or an agent whose session expired) is asked to sign in, not shown a 403.
    response = client.get("/suivi/projets/nouveau/")
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
    client.force_login(resident)
    assert client.get("/suivi/projets/nouveau/").status_code == 403
    client.force_login(metropolis_agent)
    response = client.post("/suivi/projets/nouveau/", {"title": "", "owner": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    response = client.post(
        "/suivi/projets/nouveau/",
        {
            "title": "Navette maritime",
            "owner": "RTM",
            "status": "planned",
            "progress": 0,
            "jobs_created": 3,
            "jobs_kept": 0,
            "origin_kind": "workstream",
            "is_published": "on",
            "communes": [marseille.pk],
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Navette maritime")
    manage = f"/suivi/projets/{project.slug}/gerer/"
    assert client.get(manage).status_code == 200
    bad = client.post(
        f"/suivi/projets/{project.slug}/depenses/", {"year": "abc", "planned_eur": "1"}
    )
    assert bad.status_code == 400
    ok = client.post(
        f"/suivi/projets/{project.slug}/depenses/",
        {"year": 2026, "planned_eur": "1000", "committed_eur": "500", "paid_eur": "100"},
    )
    assert ok.status_code == 302
    client.post(
        f"/suivi/projets/{project.slug}/indicateurs/",
        {"label": "Passagers", "unit": "passagers/jour", "baseline_value": 0, "target_value": 500},
    )
    indicator = Indicator.objects.get(project=project)
    response = client.post(
        f"/suivi/projets/{project.slug}/mesures/",
        {
            "indicator_id": indicator.pk,
            f"m{indicator.pk}-measured_on": "2026-03-01",
            f"m{indicator.pk}-value": "120",
        },
    )
    assert response.status_code == 302
    assert indicator.measurements.get().value == Decimal("120")
    response = client.post(f"/suivi/projets/{project.slug}/mesures/", {"indicator_id": "999999"})
    assert response.status_code == 404
    client.post(
        f"/suivi/projets/{project.slug}/jalons/",
        {"title": "Mise en service", "due_on": "2026-09-01"},
    )
    milestone = project.milestones.get()
    client.post(f"/suivi/projets/{project.slug}/jalons/{milestone.pk}/atteint/")
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    response = client.post(
        f"/suivi/projets/{project.slug}/modifier/",
        {
            "title": "Navette maritime",
            "owner": "RTM",
            "status": "in_progress",
            "progress": 140,
            "jobs_created": 3,
            "jobs_kept": 0,
            "origin_kind": "workstream",
        },
    )
    assert response.status_code == 400
    actions = set(AuditLog.objects.filter(actor=metropolis_agent).values_list("action", flat=True))
    assert {
        "monitoring.project_created",
        "monitoring.spending_set",
        "monitoring.indicator_created",
        "monitoring.measurement_recorded",
        "monitoring.milestone_saved",
    } <= actions


def test_commune_agent_cannot_edit_a_project_elsewhere(client, plan, commune_agent):
    from renouveau.territories.models import Commune

    project = make_project(communes=[Commune.objects.get(insee="13001")])
    client.force_login(commune_agent)
    assert client.get(f"/suivi/projets/{project.slug}/gerer/").status_code == 403
    assert (
        client.post(
            f"/suivi/projets/{project.slug}/depenses/", {"year": 2025, "planned_eur": 1}
        ).status_code
        == 403
    )


def test_exports_csv_and_json(client, plan, transport):
    project = make_project(workstreams=[transport])
    make_project(title="Caché", is_published=False)
    indicator = services.indicator_create(
        actor=None, project=project, data={"label": "km", "unit": "km", "target_value": 5}
    )
    services.measurement_record(
        actor=None, indicator=indicator, measured_on=date(2025, 1, 1), value=2
    )
    response = client.get("/suivi/export/projets.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (
        len(rows) == 1 and rows[0]["planned_eur"] == "3000000.00" and rows[0]["workstreams"] == "5"
    )
    data = client.get("/suivi/export/projets.json").json()
    assert data["count"] == 1 and data["projects"][0]["spending_by_year"][0]["year"] == 2025
    rows = list(
        csv.DictReader(io.StringIO(client.get("/suivi/export/indicateurs.csv").content.decode()))
    )
    assert rows[0]["value"] == "2.00"
    assert client.get("/suivi/export/indicateurs.json").json()["indicators"][0]["measurements"]


def test_api_projects_and_indicators(client, plan, transport):
    project = make_project(workstreams=[transport])
    make_project(title="Caché", is_published=False)
    services.indicator_create(
        actor=None, project=project, data={"label": "km", "unit": "km", "target_value": 5}
    )
    data = client.get("/api/v1/projects/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["chantiers"] == [5] and item["cost_eur"] == "3000000.00"
    assert {"status", "progress", "score"} <= set(item)
    assert client.get("/api/v1/projects/?chantier=1").json()["count"] == 0
    assert client.get("/api/v1/projects/?chantier=x").status_code == 400
    # "²" passes str.isdigit() but not int(): it was a 500.
    assert client.get("/api/v1/projects/?chantier=²").status_code == 400
    assert client.get("/api/v1/projects/?status=zzz").status_code == 400
    indicators = client.get("/api/v1/indicators/").json()
    assert indicators["count"] == 1
    # The answers are what the schema says: an indicator without a plan target has
    # "plan_target": null, which the schema did not allow.
    from renouveau.api.tests.schema_check import assert_matches_schema

    assert indicators["results"][0]["plan_target"] is None
    assert_matches_schema(client, "PaginatedIndicatorList", indicators)
    assert_matches_schema(client, "PaginatedPlanProjectList", data)
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/projects/" in schema and "/api/v1/indicators/" in schema


def test_charts_are_escaped_and_labelled():
    svg = str(
        charts.bar_chart(
            title="<script>",
            desc="d",
            categories=["2025"],
            series=[charts.Series("a&b", [3.0])],
            target=5,
            target_label="Objectif",
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "a&amp;b" in svg
    assert charts.nice_ceiling(0) == 1 and charts.nice_ceiling(351) == 500
    assert charts.nice_ceiling(120) == 200 and charts.nice_ceiling(7) == 10
    assert charts.fmt(1234567) == "1\u202f234\u202f567" and charts.fmt(2.25) == "2,2"
    line = str(
        charts.line_chart(title="t", desc="d", labels=["a"], series=[charts.Series("s", [1.0])])
    )
    assert "<circle" in line
