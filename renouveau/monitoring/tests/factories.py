from __future__ import annotations

from decimal import Decimal

from renouveau.monitoring.services import project_create


def make_project(*, title="Pôle d'échanges de Saint-Antoine", workstreams=(), communes=(), **data):
    spendings = data.pop("spendings", None)
    if spendings is None:
        spendings = [
            {"year": 2025, "planned_eur": Decimal("1000000"), "committed_eur": 800000},
            {"year": 2026, "planned_eur": Decimal("2000000")},
        ]
    return project_create(
        actor=None,
        data={
            "title": title,
            "owner": data.pop("owner", "Métropole Aix-Marseille-Provence"),
            "workstreams": list(workstreams),
            "communes": list(communes),
            "spendings": spendings,
            **data,
        },
    )
