"""From a scenario in the database to the optimiser's problem, and back to a Programme.

Utility of a project = its score under the scenario's method and weights, in [0, 1]
(weighted sum of the normalised mean marks, TOPSIS closeness, or PROMETHEE II net flow mapped
to [0, 1] by (phi + 1) / 2). Costs = the planned
spending of each year of the scenario's horizon. Each ``ScenarioConstraint`` becomes one
group per year (budgets, chantier minimums) or per Territoire (balance), named in French.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from renouveau.monitoring.models import Project, Spending
from renouveau.territories.models import Territory

from . import mcda
from . import optimiser as opt
from .models import Programme, Scenario, ScenarioConstraint
from .selectors import (
    candidate_projects,
    criteria_of,
    normalised_matrix,
    scenario_weights,
    score_table,
)


def meur(value: float) -> str:
    """Euros as French millions: 12,5 M€."""
    text = f"{value / 1e6:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0M€"


@dataclass
class Built:
    problem: opt.Problem
    projects: list[Project]
    costs: np.ndarray  # n × years (euros)
    years: list[int]
    notes: list[str]
    fingerprint: str


def build_problem(scenario: Scenario, projects: list[Project] | None = None) -> Built:
    projects = list(candidate_projects()) if projects is None else projects
    index = {p.pk: i for i, p in enumerate(projects)}
    n, years = len(projects), scenario.years
    year_index = {y: k for k, y in enumerate(years)}
    costs = np.zeros((n, len(years)))
    for row in Spending.objects.filter(project_id__in=index, year__in=years).values_list(
        "project_id", "year", "planned_eur"
    ):
        costs[index[row[0]], year_index[row[1]]] = float(row[2])
    criteria = criteria_of(scenario.grid)
    table = score_table(scenario.grid, list(index))
    matrix, _missing = normalised_matrix(criteria, list(index), table)
    weights = scenario_weights(scenario, criteria)
    if n and criteria and weights.sum() > 0:
        utility = mcda.scores_for(scenario.method, matrix, weights)
    else:
        utility = np.zeros(n)
    names = [p.title for p in projects]
    groups: list[opt.Group] = []
    notes: list[str] = []
    total = costs.sum(axis=1)
    constraints = list(
        scenario.constraints.select_related("workstream", "territory", "project", "other_project")
    )
    territories = None
    for c in constraints:
        K = ScenarioConstraint.Kind
        if c.kind == K.BUDGET:
            for y in [c.year] if c.year else years:
                groups.append(opt.at_most(
                    f"budget:{c.pk}:{y}",
                    _("Budget %(year)s : au plus %(amount)s") % {"year": y, "amount": meur(float(c.amount_eur))},
                    "budget", n, costs[:, year_index[y]], float(c.amount_eur), unit_scale=1e6,
                ))  # fmt: skip
        elif c.kind == K.WORKSTREAM_MIN:
            members = (
                np.array(
                    [any(w.pk == c.workstream_id for w in p.workstreams.all()) for p in projects],
                    dtype=float,
                )
                if n
                else np.zeros(0)
            )
            for y in [c.year] if c.year else years:
                groups.append(opt.at_least(
                    f"workstream:{c.pk}:{y}",
                    _("Chantier %(number)s en %(year)s : au moins %(amount)s") % {
                        "number": c.workstream.number, "year": y, "amount": meur(float(c.amount_eur))},
                    "workstream_min", n, costs[:, year_index[y]] * members, float(c.amount_eur),
                    unit_scale=1e6,
                ))  # fmt: skip
        elif c.kind == K.TERRITORY_SHARE:
            if c.territory_id:
                targets = [c.territory]
            else:
                territories = territories or list(Territory.objects.order_by("sort_name"))
                targets = territories
            share = float(c.share_percent) / 100
            for territory in targets:
                members = (
                    np.array(
                        [any(t.pk == territory.pk for t in p.territories.all()) for p in projects],
                        dtype=float,
                    )
                    if n
                    else np.zeros(0)
                )
                groups.append(opt.min_share(
                    f"share:{c.pk}:{territory.pk}",
                    _("%(territory)s : au moins %(share)s %% du coût programmé") % {
                        "territory": territory.name, "share": f"{float(c.share_percent):g}".replace(".", ",")},
                    n, total * members, total, share,
                ))  # fmt: skip
        elif c.kind in (K.MANDATORY, K.EXCLUDED):
            i = index.get(c.project_id)
            if i is None:
                notes.append(
                    _(
                        "« %(project)s » n'est pas candidat (achevé ou abandonné) : contrainte ignorée."
                    )
                    % {"project": c.project.title}
                )
                continue
            if c.kind == K.MANDATORY:
                groups.append(
                    opt.force_in(
                        f"mandatory:{c.pk}",
                        _("« %(project)s » obligatoire") % {"project": c.project.title},
                        n,
                        i,
                    )
                )
            else:
                groups.append(
                    opt.force_out(
                        f"excluded:{c.pk}",
                        _("« %(project)s » écarté") % {"project": c.project.title},
                        n,
                        i,
                    )
                )
        elif c.kind in (K.INCOMPATIBLE, K.REQUIRES):
            i, j = index.get(c.project_id), index.get(c.other_project_id)
            if i is None or j is None:
                notes.append(
                    _(
                        "Contrainte entre « %(a)s » et « %(b)s » ignorée : un des deux n'est pas candidat."
                    )
                    % {"a": c.project.title, "b": c.other_project.title}
                )
                continue
            if c.kind == K.INCOMPATIBLE:
                groups.append(
                    opt.incompatible(
                        f"incompatible:{c.pk}",
                        _("« %(a)s » et « %(b)s » sont incompatibles")
                        % {"a": c.project.title, "b": c.other_project.title},
                        n,
                        i,
                        j,
                    )
                )
            else:
                groups.append(
                    opt.requires(
                        f"requires:{c.pk}",
                        _("« %(a)s » suppose « %(b)s »")
                        % {"a": c.project.title, "b": c.other_project.title},
                        n,
                        i,
                        j,
                    )
                )
    digest = hashlib.sha256()
    digest.update(np.round(utility, 9).tobytes())
    digest.update(costs.tobytes())
    digest.update(repr([(p.pk) for p in projects]).encode())
    for g in groups:
        digest.update(g.key.encode())
        digest.update(g.rows.toarray().tobytes() if n else b"")
        digest.update(g.lb.tobytes() + g.ub.tobytes())
    problem = opt.Problem(utility=np.asarray(utility, dtype=float), groups=groups, names=names)
    return Built(problem, projects, costs, years, notes, digest.hexdigest())


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def programme_from_solution(scenario: Scenario, built: Built, solution: opt.Solution) -> Programme:
    programme = Programme(
        scenario=scenario,
        status=solution.status
        if solution.status in Programme.Status.values
        else Programme.Status.ERROR,
        seconds=solution.seconds,
        fingerprint=built.fingerprint,
        candidates=[p.pk for p in built.projects],
        utilities=[round(float(u), 6) for u in built.problem.utility],
    )
    if solution.feasible:
        chosen = np.nonzero(solution.selected)[0]
        programme.selected = [built.projects[i].pk for i in chosen]
        programme.objective = solution.objective
        programme.gap = solution.gap
        programme.uses = [
            {
                "key": u.group.key, "label": u.group.label, "kind": u.group.kind,
                "activity": u.activity, "lb": _finite(u.group.lb.sum()),
                "ub": _finite(u.group.ub.sum()), "binding": u.binding,
                "blocks": u.blocks, "forces": u.forces,
            }
            for u in solution.uses
        ]  # fmt: skip
        yearly = (
            built.costs[solution.selected].sum(axis=0)
            if len(chosen)
            else np.zeros(len(built.years))
        )
        programme.yearly = [
            {"year": y, "cost_eur": float(v)} for y, v in zip(built.years, yearly, strict=True)
        ]
    else:
        programme.conflict = [
            {"key": g.key, "label": g.label, "kind": g.kind} for g in solution.conflict
        ]
        programme.conflict_minimal = solution.conflict_minimal
    if built.notes:
        programme.uses = [
            *programme.uses,
            *({"key": "note", "label": note, "kind": "note"} for note in built.notes),
        ]
    return programme


@dataclass
class ProjectExplanation:
    project: Project
    selected: bool
    utility: float
    blocking: list[tuple[str, str]]  # (label, amount text)
    alternative_status: str
    utility_cost: float | None
    entering: list[Project]
    leaving: list[Project]
    alternative_binding: list[str]
    conflict: list[str]
    data_changed: bool


def _amount(group: opt.Group, excess: float) -> str:
    if group.unit_scale == 1e6:
        return meur(excess)
    if group.kind == "share":
        return ""
    return ""


def explain_project(programme: Programme, project: Project) -> ProjectExplanation:
    """Why the project is in or out of the programme: what adding (or removing) it alone
    would break, and what forcing it would cost in utility, by solving again."""
    built = build_problem(programme.scenario)
    index = {p.pk: i for i, p in enumerate(built.projects)}
    if project.pk not in index:
        raise LookupError("not a candidate")
    data_changed = built.fingerprint != programme.fingerprint
    if data_changed:
        solution = opt.solve(built.problem, diagnose_infeasible=False)
    else:
        selected = np.array(
            [pk in set(programme.selected) for pk in (p.pk for p in built.projects)], dtype=bool
        )
        solution = opt.Solution(opt.OPTIMAL, selected, float(built.problem.utility @ selected), 0.0)
    if not solution.feasible:
        raise ValueError("no programme")
    i = index[project.pk]
    why = opt.explain(built.problem, solution, i)
    return ProjectExplanation(
        project=project,
        selected=why.selected,
        utility=float(built.problem.utility[i]),
        blocking=[(g.label, _amount(g, excess)) for g, excess in why.blocking],
        alternative_status=why.alternative_status,
        utility_cost=why.utility_cost,
        entering=[built.projects[k] for k in why.entering],
        leaving=[built.projects[k] for k in why.leaving],
        alternative_binding=[g.label for g in why.alternative_binding],
        conflict=[g.label for g in why.conflict],
        data_changed=data_changed,
    )
