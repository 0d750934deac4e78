"""Open data: projects and indicators in CSV (comma separated, UTF-8, one header row; lists
joined with "|") and JSON. Only published projects are exported."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from renouveau.core.spreadsheet import safe_cell

PROJECT_COLUMNS = [
    "id",
    "slug",
    "title",
    "owner",
    "status",
    "progress_percent",
    "workstreams",
    "territories",
    "communes_insee",
    "start_on",
    "end_on",
    "planned_eur",
    "committed_eur",
    "paid_eur",
    "jobs_created",
    "jobs_kept",
    "origin_kind",
    "origin_ref",
    "is_demo",
]
INDICATOR_COLUMNS = [
    "indicator_id",
    "project_slug",
    "label",
    "unit",
    "plan_target",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "measured_on",
    "value",
    "source",
    "is_demo",
]


def project_row(project) -> dict[str, Any]:
    spendings = list(project.spendings.all())
    return {
        "id": project.pk,
        "slug": project.slug,
        "title": project.title,
        "owner": project.owner,
        "status": project.status,
        "progress_percent": project.progress,
        "workstreams": [w.number for w in project.workstreams.all()],
        "territories": [t.code for t in project.territories.all()],
        "communes_insee": [c.insee for c in project.communes.all()],
        "start_on": project.start_on,
        "end_on": project.end_on,
        "planned_eur": sum((s.planned_eur for s in spendings), Decimal("0")),
        "committed_eur": sum((s.committed_eur for s in spendings), Decimal("0")),
        "paid_eur": sum((s.paid_eur for s in spendings), Decimal("0")),
        "jobs_created": project.jobs_created,
        "jobs_kept": project.jobs_kept,
        "origin_kind": project.origin_kind,
        "origin_ref": project.origin_ref,
        "is_demo": project.is_demo,
        "spending_by_year": [
            {
                "year": s.year,
                "planned_eur": s.planned_eur,
                "committed_eur": s.committed_eur,
                "paid_eur": s.paid_eur,
            }
            for s in spendings
        ],
        "fundings": [
            {"source": f.source, "amount_eur": f.amount_eur, "note": f.note}
            for f in project.fundings.all()
        ],
        "milestones": [
            {"title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in project.milestones.all()
        ],
    }


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def csv_response(filename: str, columns: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(_flat(row.get(c))) for c in columns])
    return response


def json_response(payload: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )


def projects_response(queryset, fmt: str) -> HttpResponse:
    rows = [project_row(p) for p in queryset]
    if fmt == "csv":
        return csv_response("projets.csv", PROJECT_COLUMNS, rows)
    return json_response({"count": len(rows), "projects": rows})


def indicator_rows(indicators):
    for indicator in indicators:
        base = {
            "indicator_id": indicator.pk,
            "project_slug": indicator.project.slug,
            "label": indicator.label,
            "unit": indicator.unit,
            "plan_target": indicator.target.code if indicator.target else "",
            "baseline_value": indicator.baseline_value,
            "baseline_on": indicator.baseline_on,
            "target_value": indicator.target_value,
            "target_on": indicator.target_on,
            "is_demo": indicator.is_demo,
        }
        measurements = list(indicator.measurements.all())
        if not measurements:
            yield {**base, "measured_on": None, "value": None, "source": ""}
        for m in measurements:
            yield {**base, "measured_on": m.measured_on, "value": m.value, "source": m.source}


def indicators_response(queryset, fmt: str) -> HttpResponse:
    indicators = list(queryset)
    if fmt == "csv":
        return csv_response("indicateurs.csv", INDICATOR_COLUMNS, indicator_rows(indicators))
    payload = [
        {
            "id": i.pk,
            "project": i.project.slug,
            "label": i.label,
            "unit": i.unit,
            "plan_target": i.target.code if i.target else None,
            "baseline_value": i.baseline_value,
            "baseline_on": i.baseline_on,
            "target_value": i.target_value,
            "target_on": i.target_on,
            "is_demo": i.is_demo,
            "measurements": [
                {"measured_on": m.measured_on, "value": m.value, "source": m.source}
                for m in i.measurements.all()
            ],
        }
        for i in indicators
    ]
    return json_response({"count": len(payload), "indicators": payload})
