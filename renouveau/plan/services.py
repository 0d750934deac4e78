from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from renouveau.core.services import log_action

from .models import (
    Agreement,
    Deliberation,
    Deliverable,
    EmergencyMeasure,
    Imperative,
    Plan,
    PlanSection,
    Session,
    Target,
    Workstream,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def plan_data_path(code: str | None = None) -> Path:
    return DATA_DIR / f"{code or settings.PLAN_CODE}.json"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def plan_load(*, path: Path | None = None, actor=None) -> Plan:
    """Load the plan from its versioned JSON file. Idempotent: rows are keyed on their codes
    and numbers, so a second run updates in place and never duplicates."""
    path = path or plan_data_path()
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = data["plan"]
    extra = {key: data.get(key, []) for key in ("bodies", "places", "method", "risks", "figures")}
    plan, _ = Plan.objects.update_or_create(
        code=meta["code"],
        defaults={
            "title": meta["title"],
            "deliberation_number": meta.get("deliberation_number") or "",
            "adopted_on": _date(meta.get("adopted_on")),
            "summary": meta.get("summary") or "",
            "extra": extra,
        },
    )
    for section in meta.get("sections", []):
        PlanSection.objects.update_or_create(
            plan=plan,
            number=section["number"],
            defaults={"title": section["title"], "text": section["text"]},
        )
    imperatives = {}
    for position, item in enumerate(data.get("imperatives", [])):
        imperatives[item["code"]], _ = Imperative.objects.update_or_create(
            plan=plan,
            code=item["code"],
            defaults={"title": item["title"], "text": item.get("text") or "", "position": position},
        )
    for item in data.get("workstreams", []):
        workstream, _ = Workstream.objects.update_or_create(
            plan=plan,
            number=item["number"],
            defaults={
                "slug": item["slug"],
                "title": item["title"],
                "summary": item.get("summary") or "",
                "text": item.get("text") or "",
            },
        )
        workstream.imperatives.set(
            [imperatives[c] for c in item.get("imperatives", []) if c in imperatives]
        )
        for target in item.get("targets", []):
            Target.objects.update_or_create(
                workstream=workstream,
                code=target["code"],
                defaults={
                    "label": target["label"],
                    "value": target.get("value"),
                    "unit": target.get("unit") or "",
                    "kind": target.get("kind") or Target.Kind.MINIMUM,
                    "period": target.get("period") or "",
                    "source_quote": target.get("source_quote") or "",
                },
            )
    EmergencyMeasure.objects.filter(plan=plan).delete()
    EmergencyMeasure.objects.bulk_create(
        EmergencyMeasure(
            plan=plan,
            group=item["group"],
            title=item["title"],
            figures=item.get("figures") or "",
            position=i,
        )
        for i, item in enumerate(data.get("emergency_measures", []))
    )
    for session in data.get("sessions", []):
        attendance = {
            k: session.get(k) for k in ("present", "represented", "excused") if session.get(k)
        }
        Session.objects.update_or_create(
            body=session["body"],
            date=_date(session["date"]),
            defaults={
                "president": session.get("president") or "",
                "present_count": session.get("present_count"),
                "attendance": attendance,
            },
        )
    deliberations: dict[str, Deliberation] = {}
    for position, item in enumerate(data.get("deliberations", [])):
        number = item.get("number") or item.get("full_reference")
        deliberation, _ = Deliberation.objects.update_or_create(
            plan=plan,
            body=item["body"],
            number=number,
            defaults={
                "session_date": _date(item["session_date"]),
                "title": item["title"],
                "full_reference": item.get("full_reference") or "",
                "position": position,
            },
        )
        deliberations.setdefault(number, deliberation)
    for item in data.get("agreements", []):
        known = {
            "code", "partner", "title", "amount_eur", "amount_basis", "fiscal_year", "ends_on",
            "duration_months", "deliberation_number", "budget_line", "deliverables",
        }  # fmt: skip
        agreement, _ = Agreement.objects.update_or_create(
            plan=plan,
            code=item["code"],
            defaults={
                "partner": item["partner"],
                "title": item["title"],
                "amount_eur": item.get("amount_eur"),
                "amount_basis": item.get("amount_basis") or "",
                "fiscal_year": item.get("fiscal_year"),
                "ends_on": _date(item.get("ends_on")),
                "duration_months": item.get("duration_months"),
                "deliberation": deliberations.get(str(item.get("deliberation_number"))),
                "budget_line": item.get("budget_line") or "",
                "details": {k: v for k, v in item.items() if k not in known},
            },
        )
        for position, deliverable in enumerate(item.get("deliverables", [])):
            Deliverable.objects.update_or_create(
                agreement=agreement,
                position=position,
                defaults={
                    "title": deliverable["title"],
                    "description": deliverable.get("description") or "",
                },
            )
    log_action(actor=actor, action="plan.loaded", obj=plan, data={"file": Path(path).name})
    return plan
