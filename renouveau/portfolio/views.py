from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from renouveau.core.pagination import paginate
from renouveau.core.ratelimit import rate_limited
from renouveau.monitoring.models import Project

from . import exports, services
from .forms import ConstraintForm, ScenarioForm, ScoreForm
from .models import Programme, Scenario, ScenarioConstraint
from .programming import explain_project, meur
from .selectors import (
    candidate_projects,
    criteria_of,
    grid_current,
    latest_programme,
    project_scores,
    ranking,
    scenario_list,
    score_table,
)


def _grid_or_404():
    grid = grid_current()
    if grid is None:
        raise Http404(_("Aucune grille de priorisation n'est en vigueur."))
    return grid


def index(request: HttpRequest) -> HttpResponse:
    grid = grid_current()
    if grid is None:
        # Before the governance adopts a grid: say so (and where to create it), not a 404.
        return render(request, "portfolio/no_grid.html")
    return render(
        request,
        "portfolio/index.html",
        {
            "grid": grid,
            "criteria": criteria_of(grid),
            "scenarios": scenario_list(user=request.user),
        },
    )


def projects(request: HttpRequest) -> HttpResponse:
    grid = _grid_or_404()
    criteria = criteria_of(grid)
    queryset = Project.objects.visible_to(request.user).order_by("title", "pk")
    page = paginate(request, queryset, per_page=25)
    table = score_table(grid, [p.pk for p in page.object_list])
    rows = [(p, [table.get((p.pk, c.pk)) for c in criteria]) for p in page.object_list]
    return render(
        request,
        "portfolio/projects.html",
        {"grid": grid, "criteria": criteria, "page": page, "rows": rows},
    )


def project_assessment(request: HttpRequest, slug: str) -> HttpResponse:
    grid = _grid_or_404()
    project = get_object_or_404(Project.objects.visible_to(request.user), slug=slug)
    criteria = criteria_of(grid)
    table = score_table(grid, [project.pk])
    can_see = request.user.has_perm("portfolio.view_individual_scores")
    scores = list(project_scores(project, grid)) if can_see else []
    by_criterion = {c.pk: [s for s in scores if s.criterion_id == c.pk] for c in criteria}
    return render(
        request,
        "portfolio/project.html",
        {
            "grid": grid,
            "project": project,
            "blocks": [(c, table.get((project.pk, c.pk)), by_criterion[c.pk]) for c in criteria],
            "can_see_individual": can_see,
        },
    )


@login_required  # a visitor (or an expired session) is asked to sign in, not shown a 403
@permission_required("portfolio.assess_project", raise_exception=True)
@rate_limited("portfolio-score", limit=60, period=600)
def project_score(request: HttpRequest, slug: str) -> HttpResponse:
    grid = _grid_or_404()
    project = get_object_or_404(Project.objects.visible_to(request.user), slug=slug)
    criteria = criteria_of(grid)
    mine = {
        s.criterion_id: s
        for s in project.scores.filter(assessor=request.user, criterion__grid=grid)
    }
    form = ScoreForm(
        request.POST if request.method == "POST" else None, criteria=criteria, initial_scores=mine
    )
    if request.method == "POST":
        if form.is_valid():
            entries = list(form.entries())
            if not entries:
                form.add_error(None, _("Notez au moins un critère."))
            else:
                try:
                    with transaction.atomic():
                        for criterion, value, axes, justification in entries:
                            try:
                                services.score_set(
                                    assessor=request.user, project=project, criterion=criterion,
                                    value=value, axes=axes, justification=justification,
                                )  # fmt: skip
                            except ValidationError as exc:
                                form.add_service_errors(criterion, exc)
                        if form.errors:
                            raise ValidationError("invalid")
                except ValidationError:
                    pass
                else:
                    messages.success(request, _("Vos notes sont enregistrées."))
                    return redirect("portfolio:project", slug=project.slug)
        return render(
            request, "portfolio/score_form.html", {"form": form, "project": project}, status=400
        )
    return render(request, "portfolio/score_form.html", {"form": form, "project": project})


def scenarios(request: HttpRequest) -> HttpResponse:
    page = paginate(request, scenario_list(user=request.user), per_page=20)
    return render(
        request, "portfolio/scenarios.html", {"page": page, "scenarios": page.object_list}
    )


def _scenario_for(request, slug) -> Scenario:
    scenario = get_object_or_404(Scenario.objects.select_related("grid"), slug=slug)
    if not request.user.has_perm("portfolio.view_scenario", scenario):
        raise Http404(_("Ce scénario n'est pas public."))
    return scenario


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def _sees_unpublished(request: HttpRequest) -> bool:
    return request.user.has_perm("monitoring.view_unpublished")


def _private_labels(request: HttpRequest, programme: Programme) -> dict[str, str]:
    """For readers who may not see unpublished projects: the labels of the programme's
    constraints that name one (« Tram nord » et « X » sont incompatibles), each mapped to a
    label that does not."""
    if _sees_unpublished(request):
        return {}
    private = set(
        ScenarioConstraint.objects.filter(scenario_id=programme.scenario_id)
        .filter(Q(project__is_published=False) | Q(other_project__is_published=False))
        .values_list("pk", flat=True)
    )
    masked = _("Une contrainte portant sur un projet non publié")
    labels = {}
    for item in [*programme.uses, *(programme.conflict or [])]:
        kind, _sep, pk = str(item.get("key", "")).partition(":")
        if kind in ("mandatory", "excluded", "incompatible", "requires") and pk.isdigit():
            if int(pk) in private:
                labels[item["label"]] = masked
    return labels


def scenario_detail(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = _scenario_for(request, slug)
    # A public scenario's readers see the projects they may see: the ranking (and its
    # sensitivity) of the published candidates. It listed the projects still in preparation,
    # which the monitoring pages keep from the public, with their titles.
    sees_unpublished = _sees_unpublished(request)
    result = ranking(
        scenario,
        None if sees_unpublished else list(candidate_projects().filter(is_published=True)),
    )
    page = paginate(request, result.rows, per_page=25)
    total_weight = float(result.weights.sum()) or 1.0
    return render(
        request,
        "portfolio/scenario.html",
        {
            "scenario": scenario,
            "ranking": result,
            "page": page,
            "weights": [
                (c, w, round(100 * w / total_weight))
                for c, w in zip(result.criteria, result.weights, strict=True)
            ],
            "constraints": scenario.constraints.select_related(
                "workstream", "territory", "project", "other_project"
            ),
            "programme": latest_programme(scenario),
            "constraint_form": ConstraintForm(),
            "can_manage": request.user.has_perm("portfolio.manage_scenarios"),
            "others": scenario_list(user=request.user).exclude(pk=scenario.pk),
            "sees_unpublished": sees_unpublished,
        },
    )


@login_required  # a visitor (or an expired session) is asked to sign in, not shown a 403
@permission_required("portfolio.manage_scenarios", raise_exception=True)
@rate_limited("portfolio-scenario", limit=60, period=600)
def scenario_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    scenario = get_object_or_404(Scenario, slug=slug) if slug else None
    grid = scenario.grid if scenario else services.grid_ensure_default()
    criteria = criteria_of(grid)
    weights = {w.criterion_id: w.weight for w in scenario.weights.all()} if scenario else {}
    initial = None if scenario else {"first_year": 2025, "last_year": 2030}
    form = ScenarioForm(
        request.POST if request.method == "POST" else None,
        instance=scenario,
        criteria=criteria,
        weights=weights,
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                if scenario:
                    scenario = services.scenario_update(
                        actor=request.user, scenario=Scenario.objects.get(pk=scenario.pk),
                        data=form.scenario_data(), weights=form.weights(),
                    )  # fmt: skip
                else:
                    scenario = services.scenario_create(
                        actor=request.user,
                        data={**form.scenario_data(), "grid": grid},
                        weights=form.weights(),
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Le scénario est enregistré."))
                return redirect(scenario)
        return render(
            request,
            "portfolio/scenario_form.html",
            {"form": form, "scenario": scenario},
            status=400,
        )
    return render(request, "portfolio/scenario_form.html", {"form": form, "scenario": scenario})


@require_POST
@permission_required("portfolio.manage_scenarios", raise_exception=True)
@rate_limited("portfolio-scenario", limit=60, period=600)
def constraint_add(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = get_object_or_404(Scenario, slug=slug)
    form = ConstraintForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            services.constraint_add(actor=request.user, scenario=scenario, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La contrainte est ajoutée."))
            return redirect(scenario)
    return render(
        request, "portfolio/constraint_form.html", {"form": form, "scenario": scenario}, status=400
    )


@require_POST
@permission_required("portfolio.manage_scenarios", raise_exception=True)
def constraint_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    constraint = get_object_or_404(ScenarioConstraint, pk=pk, scenario__slug=slug)
    scenario = constraint.scenario
    services.constraint_remove(actor=request.user, constraint=constraint)
    messages.success(request, _("La contrainte est retirée."))
    return redirect(scenario)


@require_POST
@permission_required("portfolio.manage_scenarios", raise_exception=True)
@rate_limited("portfolio-run", limit=30, period=600)
def scenario_run(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = get_object_or_404(Scenario, slug=slug)
    if candidate_projects().count() > services.BACKGROUND_THRESHOLD:
        programme = services.scenario_run_enqueue(actor=request.user, scenario=scenario)
        messages.info(request, _("Le calcul est lancé ; il peut prendre quelques minutes."))
        return redirect(programme)
    programme = services.scenario_run(actor=request.user, scenario=scenario)
    if programme.status == Programme.Status.INFEASIBLE:
        messages.warning(
            request,
            _("Les contraintes ne peuvent pas être toutes respectées : voyez pourquoi ci-dessous."),
        )
    else:
        messages.success(request, _("La programmation est calculée."))
    return redirect(programme)


def _programme_for(request, pk) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("scenario"), pk=pk)
    if not request.user.has_perm("portfolio.view_scenario", programme.scenario):
        raise Http404(_("Ce scénario n'est pas public."))
    return programme


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_for(request, pk)
    candidates = Project.objects.visible_to(request.user).in_bulk(programme.candidates)
    utilities = dict(zip(programme.candidates, programme.utilities, strict=False))
    chosen = set(programme.selected)
    rows = sorted(
        (
            (candidates[pk], utilities.get(pk, 0.0), pk in chosen)
            for pk in programme.candidates
            if pk in candidates
        ),
        key=lambda r: (not r[2], -r[1], r[0].title),
    )
    page = paginate(request, rows, per_page=50)
    private = _private_labels(request, programme)
    uses = [
        {**u, "label": private.get(u["label"], u["label"])}
        for u in programme.uses
        if u.get("kind") != "note"
    ]
    conflict = [
        {**g, "label": private.get(g["label"], g["label"])} for g in programme.conflict or []
    ]
    notes = [u["label"] for u in programme.uses if u.get("kind") == "note"]
    for use in uses:
        money = use["kind"] in ("budget", "workstream_min")
        bound = use["ub"] if use["ub"] is not None else use["lb"]
        use["percent"] = round(100 * use["activity"] / bound) if money and bound else None
        if money:
            use["activity_text"] = meur(use["activity"])
        elif use["kind"] == "share":
            use["activity_text"] = _("marge : %(amount)s") % {"amount": meur(use["activity"])}
        else:
            use["activity_text"] = "—"
    return render(
        request,
        "portfolio/programme.html",
        {
            "programme": programme,
            "scenario": programme.scenario,
            "page": page,
            "uses": uses,
            "notes": notes,
            "selected_count": len(chosen),
            "unpublished_count": len(set(programme.candidates) - set(candidates)),
            "conflict": conflict,
            "gap_percent": round(programme.gap * 100, 3) if programme.gap is not None else None,
            "selected_cost": sum(y["cost_eur"] for y in programme.yearly),
            "yearly": [{**y, "text": meur(y["cost_eur"])} for y in programme.yearly],
        },
    )


def programme_explain(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    programme = _programme_for(request, pk)
    if programme.status not in (Programme.Status.OPTIMAL, Programme.Status.TIME_LIMIT):
        raise Http404(_("Cette programmation n'a pas de solution à expliquer."))
    project = get_object_or_404(Project.objects.visible_to(request.user), slug=slug)
    try:
        explanation = explain_project(programme, project)
    except LookupError as exc:
        raise Http404(_("Ce projet n'est pas candidat à cette programmation.")) from exc
    except ValueError as exc:
        raise Http404(
            _("Les données ont changé : les contraintes ne peuvent plus être respectées.")
        ) from exc
    if not _sees_unpublished(request):
        private = _private_labels(request, programme)
        explanation.blocking = [
            (private.get(lb, lb), amount) for lb, amount in explanation.blocking
        ]
        explanation.alternative_binding = [
            private.get(lb, lb) for lb in explanation.alternative_binding
        ]
        explanation.conflict = [private.get(lb, lb) for lb in explanation.conflict]
        explanation.entering = [p for p in explanation.entering if p.is_published]
        explanation.leaving = [p for p in explanation.leaving if p.is_published]
    return render(
        request,
        "portfolio/explain.html",
        {"programme": programme, "scenario": programme.scenario, "why": explanation},
    )


def compare(request: HttpRequest) -> HttpResponse:
    visible = scenario_list(user=request.user)
    slugs = [s for s in request.GET.getlist("s") if s]
    if len(slugs) > 3:
        raise BadRequest(_("Comparez au plus trois scénarios."))
    if any(not SLUG.fullmatch(s) for s in slugs):  # a NUL byte reached PostgreSQL: a 500
        raise Http404(_("Ce scénario n'existe pas."))
    chosen = [get_object_or_404(visible, slug=s) for s in slugs]
    columns = [(s, latest_programme(s)) for s in chosen]
    project_ids = set()
    for _s, programme in columns:
        if programme:
            project_ids.update(programme.selected)
    projects = Project.objects.visible_to(request.user).in_bulk(project_ids)
    rows = []
    for pk, project in sorted(projects.items(), key=lambda item: item[1].title):
        marks = [bool(p and pk in p.selected) for _s, p in columns]
        rows.append((project, marks, all(marks)))
    return render(
        request,
        "portfolio/compare.html",
        {
            "all_scenarios": visible,
            "columns": [
                (s, p, meur(sum(y["cost_eur"] for y in p.yearly)) if p else "") for s, p in columns
            ],
            "rows": rows,
            "slots": [(n, slugs[n - 1] if len(slugs) >= n else "") for n in (1, 2, 3)],
        },
    )


def export_scores(request: HttpRequest, fmt: str) -> HttpResponse:
    return exports.scores_response(_grid_or_404(), fmt)


def export_scenarios(request: HttpRequest, fmt: str) -> HttpResponse:
    return exports.scenarios_response(Scenario.objects.filter(is_public=True), fmt)
