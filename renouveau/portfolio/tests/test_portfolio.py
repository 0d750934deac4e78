from __future__ import annotations

import csv
import io
from decimal import Decimal
from itertools import product

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from renouveau.core.models import AuditLog
from renouveau.monitoring.models import Project
from renouveau.monitoring.tests.factories import make_project
from renouveau.plan.models import Workstream
from renouveau.portfolio import optimiser as opt
from renouveau.portfolio import services
from renouveau.portfolio.models import (
    Criterion,
    Grid,
    Programme,
    Scenario,
    ScenarioConstraint,
    Score,
)
from renouveau.portfolio.programming import build_problem
from renouveau.portfolio.selectors import project_default_scores, ranking

pytestmark = pytest.mark.django_db

GREEN_ALL = {
    "climate_mitigation": "very_favourable",
    "climate_adaptation": "favourable",
    "water": "neutral",
    "circular_economy": "unfavourable",
    "pollution": "to_define",
    "biodiversity": "to_define",
}


@pytest.fixture
def grid():
    return services.grid_ensure_default()


def crit(grid, code) -> Criterion:
    return grid.criteria.get(code=code)


def score_all(project, assessor, grid, value):
    for criterion in grid.criteria.all():
        if criterion.kind == Criterion.Kind.GREEN_BUDGET:
            rating = {4: "very_favourable", 3: "favourable", 2: "neutral"}.get(
                value, "unfavourable"
            )
            axes = {k: rating for k in GREEN_ALL}
            services.score_set(assessor=assessor, project=project, criterion=criterion, axes=axes,
                               justification="Cotation de démonstration")  # fmt: skip
        else:
            services.score_set(assessor=assessor, project=project, criterion=criterion, value=value,
                               justification="Note justifiée par le dossier")  # fmt: skip


def test_default_grid_follows_the_plan(grid):
    assert Grid.objects.filter(is_default=True).count() == 1
    codes = list(grid.criteria.values_list("code", flat=True))
    assert codes == ["relance-emploi", "transition-ecologique", "inclusion", "proximite",
                     "effets-croises", "faisabilite", "urgence"]  # fmt: skip
    assert crit(grid, "transition-ecologique").kind == Criterion.Kind.GREEN_BUDGET
    assert services.grid_ensure_default() == grid


def test_score_set_validates_keeps_history_and_audits(plan, grid, metropolis_agent):
    project = make_project()
    jobs = crit(grid, "relance-emploi")
    with pytest.raises(ValidationError) as error:
        services.score_set(
            assessor=metropolis_agent, project=project, criterion=jobs, value=5, justification=""
        )
    assert set(error.value.message_dict) == {"value", "justification"}
    services.score_set(assessor=metropolis_agent, project=project, criterion=jobs, value=3,
                       justification="120 emplois locaux pendant le chantier")  # fmt: skip
    services.score_set(assessor=metropolis_agent, project=project, criterion=jobs, value=2,
                       justification="Chiffre revu : 60 emplois")  # fmt: skip
    services.score_set(assessor=metropolis_agent, project=project, criterion=jobs, value=2,
                       justification="Chiffre revu : 60 emplois")  # unchanged: no new version  # fmt: skip
    score = Score.objects.get()
    assert score.value == 2
    assert [r.value for r in score.revisions.all()] == [2, 3]
    entries = AuditLog.objects.filter(action="portfolio.score_set")
    assert entries.count() == 2
    assert Decimal(entries.first().data["before"]["value"]) == 3


def test_green_budget_value_is_the_mean_of_rated_axes(plan, grid, elected):
    project = make_project()
    green = crit(grid, "transition-ecologique")
    score = services.score_set(assessor=elected, project=project, criterion=green, axes=GREEN_ALL,
                               justification="Ligne de tramway électrique")  # fmt: skip
    assert score.value == Decimal("2.25")  # (4 + 3 + 2 + 0) / 4, "to define" not counted
    undefined = services.score_set(assessor=elected, project=make_project(title="B"), criterion=green,
                                   axes=dict.fromkeys(GREEN_ALL, "to_define"),
                                   justification="Informations manquantes")  # fmt: skip
    assert undefined.value is None
    with pytest.raises(ValidationError):
        services.score_set(assessor=elected, project=project, criterion=green,
                           axes={"water": "neutral"}, justification="Incomplet ici")  # fmt: skip


PERMS = {
    # persona: assess, manage scenarios, see an internal scenario
    "resident": (False, False, False),
    "association_member": (False, False, False),
    "commune_agent": (True, False, True),
    "metropolis_agent": (True, True, True),
    "moderator": (False, False, False),
    "elected": (True, False, True),
    "administrator": (True, True, True),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize("persona", list(PERMS))
def test_permission_matrix(persona, personas, grid):
    internal = services.scenario_create(
        actor=None, data={"title": "Interne", "first_year": 2025, "last_year": 2026}
    )
    public = services.scenario_create(
        actor=None,
        data={"title": "Public", "first_year": 2025, "last_year": 2026, "is_public": True},
    )
    user = personas[persona]
    assess, manage, internal_view = PERMS[persona]
    assert user.has_perm("portfolio.assess_project") is assess
    assert user.has_perm("portfolio.manage_scenarios") is manage
    assert user.has_perm("portfolio.view_scenario", internal) is internal_view
    assert user.has_perm("portfolio.view_scenario", public) is True


def test_agent_scores_through_the_page(client, plan, grid, commune_agent, resident):
    project = make_project()
    url = f"/priorisation/projets/{project.slug}/noter/"
    response = client.get(url)  # a visitor is asked to sign in, not shown a 403
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(commune_agent)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"relance-emploi__value": "3", "relance-emploi__justification": "court"})
    assert bad.status_code == 400
    assert "au moins 10 caractères" in bad.content.decode()
    assert not Score.objects.exists()
    empty = client.post(url, {})
    assert empty.status_code == 400 and "Notez au moins un critère" in empty.content.decode()
    data = {
        "relance-emploi__value": "3",
        "relance-emploi__justification": "Chantier de 2 ans, 80 emplois",
    }
    data.update({f"transition-ecologique__{k}": v for k, v in GREEN_ALL.items()})
    data["transition-ecologique__justification"] = "Report modal vers le tram"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Score.objects.filter(assessor=commune_agent).count() == 2


def test_agreement_and_disagreement_are_shown(client, plan, grid, metropolis_agent, elected):
    project = make_project()
    jobs, urgency = crit(grid, "relance-emploi"), crit(grid, "urgence")
    services.score_set(
        assessor=metropolis_agent,
        project=project,
        criterion=jobs,
        value=0,
        justification="Aucun emploi direct",
    )
    services.score_set(
        assessor=elected,
        project=project,
        criterion=jobs,
        value=4,
        justification="Soutien massif au BTP local",
    )
    services.score_set(
        assessor=metropolis_agent,
        project=project,
        criterion=urgency,
        value=3,
        justification="Attendu par les habitants",
    )
    services.score_set(
        assessor=elected,
        project=project,
        criterion=urgency,
        value=3,
        justification="Saison touristique proche",
    )
    public = client.get(f"/priorisation/projets/{project.slug}/").content.decode()
    assert "désaccord : de 0 à 4" in public and "accord complet" in public
    assert "Soutien massif" not in public  # individual scores are for assessors only
    client.force_login(elected)
    inside = client.get(f"/priorisation/projets/{project.slug}/").content.decode()
    assert "Soutien massif au BTP local" in inside
    grid_page = client.get("/priorisation/projets/").content.decode()
    assert "désaccord" in grid_page


def test_grid_pages_keep_constant_queries(
    client, plan, grid, metropolis_agent, django_assert_max_num_queries
):
    for n in range(30):
        project = make_project(title=f"P{n:02d}", spendings=[])
        score_all(project, metropolis_agent, grid, n % 5)
    with django_assert_max_num_queries(10):
        assert client.get("/priorisation/projets/").status_code == 200
    scenario = services.scenario_create(
        actor=None, data={"title": "S", "first_year": 2025, "last_year": 2026, "is_public": True}
    )
    with django_assert_max_num_queries(16):
        assert client.get(scenario.get_absolute_url()).status_code == 200


def test_ranking_by_both_methods_and_sensitivity(plan, grid, metropolis_agent):
    projects = [make_project(title=f"P{v}", spendings=[]) for v in range(4)]
    for v, project in enumerate(projects):
        score_all(project, metropolis_agent, grid, v)
    scenario = services.scenario_create(
        actor=None, data={"title": "S", "first_year": 2025, "last_year": 2026}
    )
    result = ranking(scenario)
    assert [r.project.title for r in result.rows] == ["P3", "P2", "P1", "P0"]
    assert result.rows[0].weighted_sum == pytest.approx(0.75)  # every mark 3 on a 0-4 scale
    assert result.rows[-1].topsis == pytest.approx(0.0)
    assert result.stable_count == 4  # dominance: no weight change can reorder them
    assert len(result.sensitivity) == 2 * 7
    scores = project_default_scores()
    assert scores[projects[3].pk] == 75.0 and scores[projects[0].pk] == 0.0


def _programme_setup(grid, assessor, transport):
    """Five projects; 2025 budget 10 M€; chantier 5 needs at least 4 M€ in 2025."""
    specs = [  # title, mark, cost 2025 (M€), in chantier 5
        ("Tram nord", 4, 6, True),
        ("Pistes cyclables", 3, 4, True),
        ("Halles alimentaires", 3, 3, False),
        ("Tiers-lieu", 2, 2, False),
        ("Parking relais", 1, 5, True),
    ]
    projects = {}
    for title, mark, cost, in_transport in specs:
        project = make_project(title=title, workstreams=[transport] if in_transport else [],
                               spendings=[{"year": 2025, "planned_eur": cost * 1_000_000}])  # fmt: skip
        score_all(project, assessor, grid, mark)
        projects[title] = project
    scenario = services.scenario_create(
        actor=None,
        data={"title": "Relance 2025", "first_year": 2025, "last_year": 2025, "is_public": True},
    )
    services.constraint_add(
        actor=None, scenario=scenario, data={"kind": "budget", "amount_eur": Decimal(10_000_000)}
    )
    services.constraint_add(
        actor=None,
        scenario=scenario,
        data={"kind": "workstream_min", "amount_eur": Decimal(4_000_000), "workstream": transport},
    )
    return scenario, projects


def test_programme_is_optimal_by_brute_force_and_explained(client, plan, grid, metropolis_agent):
    transport = Workstream.objects.get(number=5)
    scenario, projects = _programme_setup(grid, metropolis_agent, transport)
    services.constraint_add(
        actor=None,
        scenario=scenario,
        data={
            "kind": "incompatible",
            "project": projects["Tram nord"],
            "other_project": projects["Parking relais"],
        },
    )
    services.constraint_add(
        actor=None,
        scenario=scenario,
        data={
            "kind": "requires",
            "project": projects["Tiers-lieu"],
            "other_project": projects["Halles alimentaires"],
        },
    )
    built = build_problem(scenario)
    best = max(
        (float(built.problem.utility @ np.array(bits)), bits)
        for bits in product((0, 1), repeat=built.problem.size)
        if not opt.violated(built.problem.groups, np.array(bits))
    )
    programme = services.scenario_run(actor=metropolis_agent, scenario=scenario)
    assert programme.status == Programme.Status.OPTIMAL
    assert programme.objective == pytest.approx(best[0])
    chosen = {p.title for p in Project.objects.filter(pk__in=programme.selected)}
    expected = {built.projects[i].title for i, bit in enumerate(best[1]) if bit}
    assert chosen == expected
    assert AuditLog.objects.filter(action="portfolio.scenario_run", actor=metropolis_agent).exists()
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Budget 2025 : au plus 10,0\u00a0M€" in page and "optimum exact" in page
    out = next(p for p in projects.values() if p.pk not in programme.selected)
    why = client.get(f"/priorisation/programmations/{programme.pk}/pourquoi/{out.slug}/")
    assert why.status_code == 200
    body = why.content.decode()
    assert "est écarté" in body and (
        "dépasserait" in body or "Impossible" in body or "perdrait" in body
    )


def test_promethee_scenario_ranks_and_programmes(client, plan, grid, metropolis_agent):
    transport = Workstream.objects.get(number=5)
    scenario, projects = _programme_setup(grid, metropolis_agent, transport)
    scenario.method = Scenario.Method.PROMETHEE
    scenario.save(update_fields=["method"])
    result = ranking(scenario)
    flows = [r.promethee for r in result.rows]
    assert sum(flows) == pytest.approx(0, abs=1e-12)  # net flows sum to zero
    assert flows == sorted(flows, reverse=True)  # ranked by PROMETHEE II
    assert result.rows[0].project.title == "Tram nord" and flows[0] == pytest.approx(1.0)
    assert [r.other_rank for r in result.rows] == [1, 2, 3, 4, 5]  # weighted sum agrees here
    built = build_problem(scenario)
    index = {p.pk: i for i, p in enumerate(built.projects)}
    assert built.problem.utility[index[projects["Tram nord"].pk]] == pytest.approx(1.0)
    best = max(
        float(built.problem.utility @ np.array(bits))
        for bits in product((0, 1), repeat=built.problem.size)
        if not opt.violated(built.problem.groups, np.array(bits))
    )
    programme = services.scenario_run(actor=metropolis_agent, scenario=scenario)
    assert programme.status == Programme.Status.OPTIMAL
    assert programme.objective == pytest.approx(best)
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert (
        "PROMETHEE II (surclassement)" in page
        and '<th scope="col" class="num">PROMETHEE II</th>' in page
    )


def test_infeasible_constraints_are_explained_not_crashed(client, plan, grid, metropolis_agent):
    transport = Workstream.objects.get(number=5)
    scenario, projects = _programme_setup(grid, metropolis_agent, transport)
    for title in ("Tram nord", "Halles alimentaires"):  # 6 + 3 = 9 M€ mandatory...
        services.constraint_add(
            actor=None, scenario=scenario, data={"kind": "mandatory", "project": projects[title]}
        )
    services.constraint_add(
        actor=None,
        scenario=scenario,
        data={"kind": "budget", "year": 2025, "amount_eur": Decimal(8_000_000)},
    )
    programme = services.scenario_run(actor=None, scenario=scenario)
    assert programme.status == Programme.Status.INFEASIBLE
    labels = {g["label"] for g in programme.conflict}
    assert labels == {
        "Budget 2025 : au plus 8,0\u00a0M€",
        "« Tram nord » obligatoire",
        "« Halles alimentaires » obligatoire",
    }
    page = client.get(programme.get_absolute_url())
    assert (
        page.status_code == 200
        and "ne peuvent pas être respectées ensemble" in page.content.decode()
    )
    assert (
        client.get(f"/priorisation/programmations/{programme.pk}/pourquoi/tram-nord/").status_code
        == 404
    )


def test_scenario_pages_for_agents(client, plan, grid, metropolis_agent, elected):
    client.force_login(elected)
    assert client.get("/priorisation/scenarios/nouveau/").status_code == 403
    client.force_login(metropolis_agent)
    bad = client.post("/priorisation/scenarios/nouveau/", {"title": "X", "method": "topsis", "first_year": 2030, "last_year": 2025, "sensitivity_percent": 20,
                                                          **{f"weight__{c.code}": 0 for c in grid.criteria.all()}})  # fmt: skip
    assert bad.status_code == 400
    data = {
        "title": "Priorité climat",
        "method": "topsis",
        "first_year": 2025,
        "last_year": 2030,
        "sensitivity_percent": 10,
        "is_public": "on",
    }
    data.update({f"weight__{c.code}": 1 for c in grid.criteria.all()})
    data["weight__transition-ecologique"] = 5
    response = client.post("/priorisation/scenarios/nouveau/", data)
    assert response.status_code == 302
    scenario = grid.scenarios.get(title="Priorité climat")
    assert scenario.weights.get(criterion__code="transition-ecologique").weight == 5
    url = scenario.get_absolute_url()
    bad = client.post(f"{url}contraintes/", {"kind": "workstream_min", "amount_eur": "350000000"})
    assert bad.status_code == 400 and "nécessaire" in bad.content.decode()
    ok = client.post(f"{url}contraintes/", {"kind": "budget", "amount_eur": "500000000"})
    assert ok.status_code == 302
    constraint = ScenarioConstraint.objects.get(scenario=scenario)
    assert client.post(f"{url}contraintes/{constraint.pk}/retirer/").status_code == 302
    assert not ScenarioConstraint.objects.exists()
    run = client.post(f"{url}calculer/")
    assert run.status_code == 302
    assert client.get(run["Location"]).status_code == 200


def test_internal_scenarios_are_hidden_from_the_public(client, plan, grid):
    scenario = services.scenario_create(
        actor=None, data={"title": "Interne", "first_year": 2025, "last_year": 2026}
    )
    assert client.get(scenario.get_absolute_url()).status_code == 404
    assert "Interne" not in client.get("/priorisation/scenarios/").content.decode()


def test_compare_exports_and_api_score(client, plan, grid, metropolis_agent):
    transport = Workstream.objects.get(number=5)
    scenario, projects = _programme_setup(grid, metropolis_agent, transport)
    other = services.scenario_create(
        actor=None,
        data={"title": "Sans contrainte", "first_year": 2025, "last_year": 2025, "is_public": True},
    )
    services.scenario_run(actor=None, scenario=scenario)
    services.scenario_run(actor=None, scenario=other)
    page = client.get(f"/priorisation/scenarios/comparer/?s={scenario.slug}&s={other.slug}")
    assert page.status_code == 200 and "Parking relais" in page.content.decode()
    assert client.get("/priorisation/scenarios/comparer/?s=a&s=b&s=c&s=d").status_code == 400
    rows = list(
        csv.DictReader(io.StringIO(client.get("/priorisation/export/notes.csv").content.decode()))
    )
    assert len(rows) == 5 * 7 and {"mean", "min", "max", "disagreement"} <= set(rows[0])
    data = client.get("/priorisation/export/scenarios.json").json()
    assert {s["slug"] for s in data["scenarios"]} == {scenario.slug, other.slug}
    assert client.get("/priorisation/export/scenarios.csv").status_code == 200
    api = client.get("/api/v1/projects/").json()
    scores = {p["title"]: p["score"] for p in api["results"]}
    # Parking relais: 1/4 on the scale criteria (weights 10 of 13), green axes "unfavourable" (0)
    assert scores["Tram nord"] == 100.0 and scores["Parking relais"] == round(
        100 * 0.25 * 10 / 13, 1
    )


def test_personal_data_export_holds_the_assessors_scores(plan, grid, elected):
    from renouveau.accounts.models import User
    from renouveau.accounts.signals import personal_data_requested

    project = make_project()
    services.score_set(assessor=elected, project=project, criterion=crit(grid, "urgence"),
                       value=2, justification="Attendu avant l'été")  # fmt: skip
    answers = dict(r for _f, r in personal_data_requested.send(sender=User, user=elected) if r)
    assert answers["portfolio"][0]["justification"] == "Attendu avant l'été"


def test_a_programme_stopped_by_the_time_limit_says_how_far_from_the_optimum(client, plan, grid):
    scenario = services.scenario_create(
        actor=None,
        data={"title": "Grand", "first_year": 2026, "last_year": 2026, "is_public": True},
    )
    programme = Programme.objects.create(
        scenario=scenario, status=Programme.Status.TIME_LIMIT, gap=0.0012, objective=10.0
    )
    body = client.get(programme.get_absolute_url()).content.decode()
    assert "prouvée à moins de 0,12 % de l'optimum" in body
    assert "optimum exact" not in body


def test_large_portfolios_run_in_a_background_task(client, plan, grid, metropolis_agent, monkeypatch,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    transport = Workstream.objects.get(number=5)
    scenario, _projects = _programme_setup(grid, metropolis_agent, transport)
    monkeypatch.setattr(services, "BACKGROUND_THRESHOLD", 2)
    client.force_login(metropolis_agent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{scenario.get_absolute_url()}calculer/")
    programme = Programme.objects.get(scenario=scenario)
    assert programme.status == Programme.Status.PENDING
    pending = client.get(response["Location"]).content.decode()
    assert "Calcul en cours" in pending
    for callback in callbacks:  # the task (immediate backend in tests)
        callback()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.OPTIMAL and programme.selected
    assert AuditLog.objects.filter(
        action="portfolio.scenario_run_queued", actor=metropolis_agent
    ).exists()


def test_public_scenario_pages_keep_unpublished_projects_hidden(
    client, plan, grid, metropolis_agent
):
    """A project still in preparation (unpublished in monitoring) was listed with its title
    and cost on a public scenario's ranking, programme, comparison and open data."""
    transport = Workstream.objects.get(number=5)
    scenario, projects = _programme_setup(grid, metropolis_agent, transport)
    secret = projects["Tram nord"]
    Project.objects.filter(pk=secret.pk).update(is_published=False)
    services.constraint_add(
        actor=None,
        scenario=scenario,
        data={"kind": "incompatible", "project": secret, "other_project": projects["Tiers-lieu"]},
    )
    programme = services.scenario_run(actor=None, scenario=scenario)
    assert secret.pk in programme.candidates
    pages = [
        scenario.get_absolute_url(),
        programme.get_absolute_url(),
        f"/priorisation/scenarios/comparer/?s={scenario.slug}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Tram nord" not in response.content.decode(), url
    programme_page = client.get(programme.get_absolute_url()).content.decode()
    assert "Pistes cyclables" in programme_page and "non encore publié" in programme_page
    assert "un projet non publié" in client.get(scenario.get_absolute_url()).content.decode()
    why = client.get(f"/priorisation/programmations/{programme.pk}/pourquoi/{secret.slug}/")
    assert why.status_code == 404
    for project in projects.values():
        if project.pk != secret.pk:
            url = f"/priorisation/programmations/{programme.pk}/pourquoi/{project.slug}/"
            response = client.get(url)
            assert response.status_code == 200 and "Tram nord" not in response.content.decode()
    data = client.get("/priorisation/export/scenarios.json").json()
    assert all(secret.slug not in s["selected_projects"] for s in data["scenarios"])
    # Agents, who see unpublished projects in monitoring, still see everything.
    client.force_login(metropolis_agent)
    for url in pages[:2]:
        assert "Tram nord" in client.get(url).content.decode(), url


def test_before_a_grid_is_adopted_the_page_says_so(client, plan, admin_user):
    """No 404 before the governance adopts a grid: the page explains, an administrator gets
    the way to create it; the other grid pages stay 404."""
    Grid.objects.update(is_default=False)  # the migration's default grid, not adopted yet
    response = client.get("/priorisation/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aucune grille de priorisation n'est en vigueur" in body
    assert "/back-office/portfolio/grid/add/" not in body
    assert client.get("/priorisation/projets/").status_code == 404
    client.force_login(admin_user)
    assert "/back-office/portfolio/grid/add/" in client.get("/priorisation/").content.decode()
