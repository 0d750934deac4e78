"""Open data of the grid: aggregated scores per project and criterion (no assessor's
identity), and public scenarios with their weights, constraints and latest programme."""

from __future__ import annotations

from renouveau.monitoring.exports import csv_response, json_response
from renouveau.monitoring.models import Project

from .models import Scenario
from .selectors import criteria_of, latest_programme, score_table

SCORE_COLUMNS = [
    "project_slug",
    "project_title",
    "criterion",
    "mean",
    "min",
    "max",
    "assessors",
    "disagreement",
    "is_demo",
]
SCENARIO_COLUMNS = [
    "slug",
    "title",
    "method",
    "first_year",
    "last_year",
    "weights",
    "constraints",
    "programme_status",
    "programme_objective",
    "selected_projects",
    "is_demo",
]


def score_rows(grid):
    criteria = {c.pk: c for c in criteria_of(grid)}
    table = score_table(grid)
    projects = Project.objects.published().in_bulk({pid for pid, _c in table})
    for (pid, cid), cell in sorted(table.items()):
        project = projects.get(pid)
        if project is None:
            continue
        yield {
            "project_slug": project.slug, "project_title": project.title,
            "criterion": criteria[cid].code, "mean": round(cell.mean, 2), "min": cell.low,
            "max": cell.high, "assessors": cell.count, "disagreement": cell.disagreement,
            "is_demo": project.is_demo,
        }  # fmt: skip


def scores_response(grid, fmt: str):
    rows = list(score_rows(grid))
    if fmt == "csv":
        return csv_response("notes.csv", SCORE_COLUMNS, rows)
    criteria = [
        {"code": c.code, "label": c.label, "family": c.family, "kind": c.kind,
         "scale": [c.scale_min, c.scale_max], "default_weight": c.default_weight}
        for c in criteria_of(grid)
    ]  # fmt: skip
    return json_response({"grid": grid.slug, "criteria": criteria, "scores": rows})


def scenario_row(scenario: Scenario) -> dict:
    programme = latest_programme(scenario)
    slugs = (
        dict(  # open data: the published projects only
            Project.objects.published().filter(pk__in=programme.selected).values_list("pk", "slug")
        )
        if programme
        else {}
    )
    return {
        "slug": scenario.slug, "title": scenario.title, "method": scenario.method,
        "first_year": scenario.first_year, "last_year": scenario.last_year,
        "weights": {w.criterion.code: w.weight for w in scenario.weights.select_related("criterion")},
        "constraints": [
            {"kind": c.kind, "year": c.year, "amount_eur": c.amount_eur, "share_percent": c.share_percent,
             "workstream": c.workstream.number if c.workstream else None,
             "territory": c.territory.code if c.territory else None,
             "project": c.project.slug if c.project else None,
             "other_project": c.other_project.slug if c.other_project else None}
            for c in scenario.constraints.select_related("workstream", "territory", "project", "other_project")
        ],
        "programme_status": programme.status if programme else None,
        "programme_objective": programme.objective if programme else None,
        "selected_projects": [slugs[pk] for pk in programme.selected if pk in slugs] if programme else [],
        "is_demo": scenario.is_demo,
    }  # fmt: skip


def scenarios_response(queryset, fmt: str):
    rows = [scenario_row(s) for s in queryset.order_by("title")]
    if fmt == "csv":
        flat = [
            {**r, "weights": "|".join(f"{k}={v}" for k, v in r["weights"].items()),
             "constraints": "|".join(c["kind"] for c in r["constraints"])}
            for r in rows
        ]  # fmt: skip
        return csv_response("scenarios.csv", SCENARIO_COLUMNS, flat)
    return json_response({"count": len(rows), "scenarios": rows})
