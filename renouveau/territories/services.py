from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from renouveau.core.services import log_action

from .models import Commune, Metropolis, Territory

DATA_DIR = Path(__file__).resolve().parent / "data"


def metropolis_data_path(slug: str | None = None) -> Path:
    return DATA_DIR / f"{slug or settings.METROPOLIS_SLUG}.json"


def _validate(data: dict[str, Any]) -> None:
    for key in ("metropolis", "territories", "source"):
        if key not in data:
            raise ValidationError(f"The territories file has no '{key}' entry.")
    seen: set[str] = set()
    for territory in data["territories"]:
        for commune in territory.get("communes", []):
            insee = str(commune.get("insee", ""))
            if len(insee) != 5:
                raise ValidationError(
                    f"Commune {commune.get('name')!r} has an invalid INSEE code {insee!r}."
                )
            if insee in seen:
                raise ValidationError(f"INSEE code {insee} appears twice.")
            seen.add(insee)


@transaction.atomic
def territories_load(*, path: Path | None = None, actor=None) -> Metropolis:
    """Load (idempotently: update or create, keyed on slug, code and INSEE) a metropolis file."""
    path = path or metropolis_data_path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _validate(data)
    meta = data["metropolis"]
    metropolis, _ = Metropolis.objects.update_or_create(
        slug=meta["slug"],
        defaults={
            "name": meta["name"],
            "short_name": meta.get("short_name", ""),
            "siren": meta.get("siren", "") or "",
            "source": data["source"],
        },
    )
    for item in data["territories"]:
        territory, _ = Territory.objects.update_or_create(
            metropolis=metropolis,
            code=item["code"],
            defaults={"name": item["name"], "seat": item.get("seat", "") or ""},
        )
        for commune in item["communes"]:
            Commune.objects.update_or_create(
                insee=str(commune["insee"]),
                defaults={
                    "territory": territory,
                    "name": commune["name"],
                    "population": commune.get("population"),
                    "population_year": commune.get("population_year"),
                    "latitude": commune.get("latitude"),
                    "longitude": commune.get("longitude"),
                    "postal_codes": commune.get("postal_codes") or [],
                },
            )
    log_action(
        actor=actor, action="territories.loaded", obj=metropolis, data={"file": Path(path).name}
    )
    return metropolis
