#!/usr/bin/env python3
"""Validate the versioned metropolis and plan data files (stdlib only, no Django).

Usage::

    python3 renouveau/territories/data/validate.py [--seeds DIR] [FILE ...]

Without FILE arguments it checks every ``*.json`` directly under
``renouveau/territories/data/`` (metropolis files) and ``renouveau/plan/data/``
(plan files). A file is treated as a metropolis file when it has a
``territories`` key and as a plan file when it has a ``plan`` key.

Checks:

* shape and types of every record described in the two READMEs;
* metropolis files: unique INSEE codes and Territoire codes, seat inside its
  Territoire, and the number of communes per Territoire against the
  ``expected_count`` of ``sources/<slug>.mapping.json`` when that file exists
  (plus the built-in expectations below for Aix-Marseille-Provence);
* plan files: cross references (imperatives, deliberation numbers, places,
  metropolis slug) and, when the seed documents are available (``--seeds``, or
  ``shared/seeds`` next to the repository), that every field declared verbatim
  occurs in a seed once whitespace, Markdown emphasis, list and heading markers
  and page footnotes are normalised.

Exit status 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
PLAN_DIR = REPO / "renouveau" / "plan" / "data"
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"

# Independent of the mapping file: the counts the AMP data must reproduce.
BUILTIN_EXPECTED = {
    "aix-marseille-provence": {
        "marseille-provence": 18,
        "pays-d-aix": 36,
        "pays-salonais": 17,
        "pays-d-aubagne-et-de-l-etoile": 12,
        "istres-ouest-provence": 6,
        "pays-de-martigues": 3,
    }
}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
POSTAL = re.compile(r"^\d{5}$")
SIREN = re.compile(r"^\d{9}$")
TARGET_KINDS = {"minimum", "maximum", "exact"}
BODIES = {"conseil", "bureau"}


class Checker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[str] = []

    def err(self, where: str, message: str) -> None:
        self.errors.append(f"{self.name}: {where}: {message}")

    # -- primitive checks -------------------------------------------------
    def keys(self, obj, where: str, required: tuple[str, ...]) -> bool:
        if not isinstance(obj, dict):
            self.err(where, f"expected an object, got {type(obj).__name__}")
            return False
        ok = True
        for key in required:
            if key not in obj:
                self.err(where, f"missing key {key!r}")
                ok = False
        return ok

    def text(self, value, where: str, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or not value.strip():
            self.err(where, f"expected a non-empty string, got {value!r}")

    def number(self, value, where: str, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(where, f"expected a number, got {value!r}")

    def integer(self, value, where: str, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(where, f"expected an integer, got {value!r}")

    def iso_date(self, value, where: str, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            self.err(where, f"expected a YYYY-MM-DD date, got {value!r}")

    def slug(self, value, where: str) -> None:
        if not isinstance(value, str) or not SLUG.match(value):
            self.err(where, f"expected a lowercase slug, got {value!r}")

    def array(self, value, where: str, allow_empty: bool = False) -> list:
        if not isinstance(value, list):
            self.err(where, f"expected a list, got {type(value).__name__}")
            return []
        if not value and not allow_empty:
            self.err(where, "empty list")
        return value

    def unique(self, values, where: str) -> None:
        seen = set()
        for value in values:
            if value in seen:
                self.err(where, f"duplicate {value!r}")
            seen.add(value)


# ---------------------------------------------------------------- metropolis
def check_metropolis(path: Path, data: dict, c: Checker) -> dict[str, int]:
    c.keys(data, "root", ("source", "metropolis", "territories"))
    source = data.get("source", {})
    if c.keys(source, "source", ("name", "url", "retrieved", "licence", "notes")):
        for key in ("name", "url", "licence", "notes"):
            c.text(source[key], f"source.{key}")
        c.iso_date(source["retrieved"], "source.retrieved")
    metro = data.get("metropolis", {})
    slug = None
    if c.keys(metro, "metropolis", ("name", "short_name", "siren", "slug")):
        c.text(metro["name"], "metropolis.name")
        c.text(metro["short_name"], "metropolis.short_name")
        if not isinstance(metro["siren"], str) or not SIREN.match(metro["siren"]):
            c.err("metropolis.siren", f"expected 9 digits, got {metro['siren']!r}")
        c.slug(metro["slug"], "metropolis.slug")
        slug = metro["slug"]
        if path.stem != slug:
            c.err("metropolis.slug", f"file name {path.name!r} should be {slug}.json")

    counts: dict[str, int] = {}
    all_insee = []
    territories = c.array(data.get("territories"), "territories")
    c.unique([t.get("code") for t in territories if isinstance(t, dict)], "territories[].code")
    for ti, terr in enumerate(territories):
        where = f"territories[{ti}]"
        if not c.keys(terr, where, ("code", "name", "seat", "communes")):
            continue
        c.slug(terr["code"], f"{where}.code")
        c.text(terr["name"], f"{where}.name")
        c.text(terr["seat"], f"{where}.seat")
        communes = c.array(terr["communes"], f"{where}.communes")
        names = set()
        for ci, com in enumerate(communes):
            cw = f"{where}.communes[{ci}]"
            required = (
                "insee",
                "name",
                "population",
                "population_year",
                "latitude",
                "longitude",
                "postal_codes",
            )
            if not c.keys(com, cw, required):
                continue
            if not isinstance(com["insee"], str) or not INSEE.match(com["insee"]):
                c.err(f"{cw}.insee", f"bad INSEE code {com['insee']!r}")
            all_insee.append(com["insee"])
            c.text(com["name"], f"{cw}.name")
            names.add(com["name"])
            c.integer(com["population"], f"{cw}.population", nullable=True)
            c.integer(
                com["population_year"], f"{cw}.population_year", nullable=com["population"] is None
            )
            if com["population"] is None and com["population_year"] is not None:
                c.err(f"{cw}.population_year", "set while population is null")
            for key, bound in (("latitude", 90), ("longitude", 180)):
                c.number(com[key], f"{cw}.{key}", nullable=True)
                if isinstance(com[key], (int, float)) and not -bound <= com[key] <= bound:
                    c.err(f"{cw}.{key}", f"out of range: {com[key]}")
            if (com["latitude"] is None) != (com["longitude"] is None):
                c.err(cw, "latitude and longitude must both be set or both be null")
            for pc in c.array(com["postal_codes"], f"{cw}.postal_codes", allow_empty=True):
                if not isinstance(pc, str) or not POSTAL.match(pc):
                    c.err(f"{cw}.postal_codes", f"bad postal code {pc!r}")
        if isinstance(terr["seat"], str) and terr["seat"] not in names:
            c.err(f"{where}.seat", f"{terr['seat']!r} is not one of its communes")
        counts[terr["code"]] = len(communes)
    c.unique(all_insee, "communes[].insee (across Territoires)")

    expectations = []
    mapping = path.parent / "sources" / f"{slug}.mapping.json"
    if slug and mapping.exists():
        expected = {
            t["code"]: t["expected_count"]
            for t in json.loads(mapping.read_text(encoding="utf-8"))["territories"]
        }
        expectations.append((mapping.name, expected))
    if slug in BUILTIN_EXPECTED:
        expectations.append(("built-in expectations", BUILTIN_EXPECTED[slug]))
    for label, expected in expectations:
        if expected != counts:
            c.err("territories", f"commune counts {counts} differ from {label} {expected}")
    return counts


# ---------------------------------------------------------------- seeds
FOOTNOTE_BLOCK = re.compile(r"\n---\n\n(<sup>\d+</sup>[^\n]*)\n")


def normalise(text: str) -> str:
    text = text.replace("\uf06e", "")
    text = re.sub(r"(\S)-[ \t]*\n\s*(\S)", r"\1-\2", text)  # hard-wrapped compound words
    text = re.sub(r"\\([.\-*#_()\[\]])", r"\1", text)  # Markdown escapes
    text = re.sub(r"(?m)^\s*(?:#+|[-•]|---)(?=\s|$)", " ", text)  # headings, bullets, rules
    text = text.replace("•", " ").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def load_seeds(seed_dir: Path) -> list[str]:
    corpus = []
    for seed in sorted(seed_dir.glob("*.txt")):
        raw = seed.read_text(encoding="utf-8")
        notes = FOOTNOTE_BLOCK.findall(raw)
        corpus.append(normalise(FOOTNOTE_BLOCK.sub("\n", raw)))
        corpus.extend(normalise(n) for n in notes)
    return corpus


def verbatim_fields(data: dict):
    """Yield (where, text) for every field the plan schema declares verbatim."""
    plan = data.get("plan", {})
    if plan.get("preamble"):
        yield "plan.preamble", plan["preamble"]
    for s in plan.get("sections", []):
        yield f"plan.sections[{s.get('number')}].title", s.get("title")
        yield f"plan.sections[{s.get('number')}].text", s.get("text")
    for i in data.get("imperatives", []):
        yield f"imperatives[{i.get('code')}].text", i.get("text")
    for w in data.get("workstreams", []):
        yield f"workstreams[{w.get('number')}].title", w.get("title")
        yield f"workstreams[{w.get('number')}].text", w.get("text")
        for t in w.get("targets", []):
            yield (
                f"workstreams[{w.get('number')}].targets[{t.get('code')}].source_quote",
                t.get("source_quote"),
            )
    for n, m in enumerate(data.get("emergency_measures", [])):
        yield f"emergency_measures[{n}].group", m.get("group")
        yield f"emergency_measures[{n}].title", m.get("title")
    for n, d in enumerate(data.get("deliberations", [])):
        if d.get("role") != "framework":
            yield f"deliberations[{n}].title", d.get("title")
    for n, s in enumerate(data.get("sessions", [])):
        for name in s.get("present", []) + s.get("excused", []):
            yield f"sessions[{n}] member", name
        for r in s.get("represented", []):
            yield f"sessions[{n}].represented", f"{r.get('member')} représenté"
            yield f"sessions[{n}].represented", f"par {r.get('by')}"
    for a in data.get("agreements", []):
        for key in (
            "budget_line",
            "budget_includes",
            "budget_excludes",
            "duration_text",
            "local_partnership",
        ):
            if a.get(key):
                yield f"agreements[{a.get('code')}].{key}", a[key]
        for key in ("inputs", "reference_elements"):
            for n, item in enumerate(a.get(key, [])):
                yield f"agreements[{a.get('code')}].{key}[{n}]", item
        for n, d in enumerate(a.get("deliverables", [])):
            yield f"agreements[{a.get('code')}].deliverables[{n}].title", d.get("title")
            yield f"agreements[{a.get('code')}].deliverables[{n}].description", d.get("description")
    for key in ("bodies", "instruments", "places"):
        for item in data.get(key, []):
            yield f"{key}[{item.get('code')}].description", item.get("description")
            if item.get("composition"):
                yield f"{key}[{item.get('code')}].composition", item["composition"]
    for n, m in enumerate(data.get("method", [])):
        yield f"method[{n}].title", m.get("title")
        yield f"method[{n}].text", m.get("text")
    for key in ("risks", "figures", "milestones"):
        for n, item in enumerate(data.get(key, [])):
            if isinstance(item, dict) and item.get("source_quote"):
                yield f"{key}[{n}].source_quote", item["source_quote"]


def check_verbatim(data: dict, corpus: list[str], c: Checker) -> int:
    checked = 0
    for where, value in verbatim_fields(data):
        if not isinstance(value, str):
            continue
        for block in re.split(r"\n\s*\n", value):
            needle = normalise(block)
            if not needle:
                continue
            checked += 1
            if not any(needle in doc for doc in corpus):
                c.err(where, f"not found verbatim in the seeds: {block[:90]!r}")
    return checked


# ---------------------------------------------------------------- plan
def check_plan(data: dict, c: Checker, metropolis_slugs: set[str]) -> None:
    c.keys(
        data,
        "root",
        (
            "plan",
            "imperatives",
            "workstreams",
            "emergency_measures",
            "deliberations",
            "sessions",
            "agreements",
            "bodies",
            "places",
            "method",
            "risks",
            "figures",
        ),
    )
    plan = data.get("plan", {})
    if c.keys(
        plan, "plan", ("code", "title", "deliberation_number", "adopted_on", "summary", "sections")
    ):
        c.slug(plan["code"], "plan.code")
        c.text(plan["title"], "plan.title")
        c.text(plan["deliberation_number"], "plan.deliberation_number")
        c.iso_date(plan["adopted_on"], "plan.adopted_on", nullable=True)
        c.text(plan["summary"], "plan.summary")
        sections = c.array(plan["sections"], "plan.sections")
        for n, s in enumerate(sections, start=1):
            if c.keys(s, f"plan.sections[{n - 1}]", ("number", "title", "text")):
                if s["number"] != n:
                    c.err(f"plan.sections[{n - 1}].number", f"expected {n}, got {s['number']!r}")
                c.text(s["title"], f"plan.sections[{n - 1}].title")
                c.text(s["text"], f"plan.sections[{n - 1}].text")
        if plan.get("metropolis") is not None and plan["metropolis"] not in metropolis_slugs:
            c.err("plan.metropolis", f"no metropolis file for {plan['metropolis']!r}")

    imperatives = c.array(data.get("imperatives"), "imperatives")
    imp_codes = set()
    for n, i in enumerate(imperatives):
        if c.keys(i, f"imperatives[{n}]", ("code", "title", "text")):
            c.slug(i["code"], f"imperatives[{n}].code")
            c.text(i["title"], f"imperatives[{n}].title")
            c.text(i["text"], f"imperatives[{n}].text")
            imp_codes.add(i["code"])
    c.unique([i.get("code") for i in imperatives if isinstance(i, dict)], "imperatives[].code")

    workstreams = c.array(data.get("workstreams"), "workstreams")
    c.unique([w.get("slug") for w in workstreams if isinstance(w, dict)], "workstreams[].slug")
    target_codes = []
    for n, w in enumerate(workstreams, start=1):
        where = f"workstreams[{n - 1}]"
        if not c.keys(
            w, where, ("number", "slug", "title", "summary", "text", "imperatives", "targets")
        ):
            continue
        if w["number"] != n:
            c.err(f"{where}.number", f"expected {n}, got {w['number']!r}")
        c.slug(w["slug"], f"{where}.slug")
        for key in ("title", "summary", "text"):
            c.text(w[key], f"{where}.{key}")
        for code in c.array(w["imperatives"], f"{where}.imperatives"):
            if code not in imp_codes:
                c.err(f"{where}.imperatives", f"unknown imperative {code!r}")
        for t in c.array(w["targets"], f"{where}.targets", allow_empty=True):
            tw = f"{where}.targets[{t.get('code') if isinstance(t, dict) else '?'}]"
            if not c.keys(
                t, tw, ("code", "label", "value", "unit", "kind", "period", "source_quote")
            ):
                continue
            c.slug(t["code"], f"{tw}.code")
            target_codes.append(t["code"])
            c.text(t["label"], f"{tw}.label")
            c.number(t["value"], f"{tw}.value", nullable=True)
            c.text(t["unit"], f"{tw}.unit", nullable=True)
            if t["kind"] not in TARGET_KINDS:
                c.err(f"{tw}.kind", f"expected one of {sorted(TARGET_KINDS)}, got {t['kind']!r}")
            c.text(t["period"], f"{tw}.period", nullable=True)
            c.text(t["source_quote"], f"{tw}.source_quote")
    c.unique(target_codes, "targets[].code")

    for n, m in enumerate(c.array(data.get("emergency_measures"), "emergency_measures")):
        if c.keys(m, f"emergency_measures[{n}]", ("group", "title", "figures")):
            c.text(m["group"], f"emergency_measures[{n}].group")
            c.text(m["title"], f"emergency_measures[{n}].title")
            c.text(m["figures"], f"emergency_measures[{n}].figures", nullable=True)

    numbers = set()
    pairs = []
    for n, d in enumerate(c.array(data.get("deliberations"), "deliberations")):
        where = f"deliberations[{n}]"
        if not c.keys(d, where, ("number", "body", "session_date", "title", "full_reference")):
            continue
        if d["number"] is not None and not (isinstance(d["number"], str) and d["number"].isdigit()):
            c.err(f"{where}.number", f"expected a string of digits or null, got {d['number']!r}")
        if d["number"] is None and not d["full_reference"]:
            c.err(where, "a deliberation needs a number or a full_reference")
        if d["body"] not in BODIES:
            c.err(f"{where}.body", f"expected one of {sorted(BODIES)}, got {d['body']!r}")
        c.iso_date(d["session_date"], f"{where}.session_date")
        c.text(d["title"], f"{where}.title")
        c.text(d["full_reference"], f"{where}.full_reference", nullable=True)
        if d["number"] is not None:
            numbers.add(d["number"])
            pairs.append((d["number"], d["body"], d["title"]))
    c.unique(pairs, "deliberations[] (number, body, title)")

    for n, s in enumerate(c.array(data.get("sessions"), "sessions", allow_empty=True)):
        where = f"sessions[{n}]"
        if not c.keys(
            s,
            where,
            ("body", "date", "president", "present_count", "present", "represented", "excused"),
        ):
            continue
        if s["body"] not in BODIES:
            c.err(f"{where}.body", f"unknown body {s['body']!r}")
        c.iso_date(s["date"], f"{where}.date")
        c.text(s["president"], f"{where}.president")
        present = c.array(s["present"], f"{where}.present")
        if s["present_count"] != len(present):
            c.err(
                f"{where}.present_count", f"{s['present_count']!r} but {len(present)} names listed"
            )
        for name in present + c.array(s["excused"], f"{where}.excused", allow_empty=True):
            c.text(name, f"{where} member")
        for r in c.array(s["represented"], f"{where}.represented", allow_empty=True):
            if c.keys(r, f"{where}.represented", ("member", "by")):
                c.text(r["member"], f"{where}.represented.member")
                c.text(r["by"], f"{where}.represented.by")

    for n, a in enumerate(c.array(data.get("agreements"), "agreements", allow_empty=True)):
        where = f"agreements[{n}]"
        required = (
            "code",
            "partner",
            "title",
            "amount_eur",
            "amount_basis",
            "fiscal_year",
            "ends_on",
            "duration_months",
            "deliberation_number",
            "budget_line",
            "deliverables",
            "comparison_metropolises",
            "inputs",
        )
        if not c.keys(a, where, required):
            continue
        c.slug(a["code"], f"{where}.code")
        for key in ("partner", "title", "amount_basis", "budget_line"):
            c.text(a[key], f"{where}.{key}", nullable=key == "budget_line")
        c.number(a["amount_eur"], f"{where}.amount_eur", nullable=True)
        c.integer(a["fiscal_year"], f"{where}.fiscal_year", nullable=True)
        c.iso_date(a["ends_on"], f"{where}.ends_on", nullable=True)
        c.integer(a["duration_months"], f"{where}.duration_months", nullable=True)
        if a["deliberation_number"] is not None and a["deliberation_number"] not in numbers:
            c.err(
                f"{where}.deliberation_number",
                f"{a['deliberation_number']!r} is not a listed deliberation",
            )
        for d in c.array(a["deliverables"], f"{where}.deliverables", allow_empty=True):
            if c.keys(d, f"{where}.deliverables", ("title", "description")):
                c.text(d["title"], f"{where}.deliverables.title")
                c.text(d["description"], f"{where}.deliverables.description")
        for key in ("comparison_metropolises", "inputs"):
            for item in c.array(a[key], f"{where}.{key}", allow_empty=True):
                c.text(item, f"{where}.{key}[]")

    for key in ("bodies", "places", "instruments"):
        items = c.array(data.get(key, []), key, allow_empty=key == "instruments")
        codes = {i.get("code") for i in items if isinstance(i, dict)}
        c.unique([i.get("code") for i in items if isinstance(i, dict)], f"{key}[].code")
        for n, item in enumerate(items):
            if c.keys(item, f"{key}[{n}]", ("code", "name", "kind", "description")):
                c.slug(item["code"], f"{key}[{n}].code")
                for field in ("name", "kind", "description"):
                    c.text(item[field], f"{key}[{n}].{field}")
                if (
                    key == "places"
                    and item.get("parent") is not None
                    and item["parent"] not in codes
                ):
                    c.err(f"{key}[{n}].parent", f"unknown place {item['parent']!r}")

    for n, m in enumerate(c.array(data.get("method"), "method")):
        if c.keys(m, f"method[{n}]", ("title", "text")):
            c.text(m["title"], f"method[{n}].title")
            c.text(m["text"], f"method[{n}].text")

    for n, r in enumerate(c.array(data.get("risks"), "risks")):
        if isinstance(r, str):
            c.text(r, f"risks[{n}]")
        elif c.keys(r, f"risks[{n}]", ("code", "label")):
            c.slug(r["code"], f"risks[{n}].code")
            c.text(r["label"], f"risks[{n}].label")

    for n, f in enumerate(c.array(data.get("figures"), "figures")):
        if c.keys(f, f"figures[{n}]", ("label", "value", "unit", "source_quote")):
            c.text(f["label"], f"figures[{n}].label")
            c.number(f["value"], f"figures[{n}].value", nullable=True)
            c.text(f["unit"], f"figures[{n}].unit", nullable=True)
            c.text(f["source_quote"], f"figures[{n}].source_quote")


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate metropolis and plan data files.")
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--seeds",
        type=Path,
        default=None,
        help=f"seed documents for the verbatim check (default: {DEFAULT_SEEDS} if present)",
    )
    parser.add_argument(
        "--require-seeds", action="store_true", help="fail when no seed directory is available"
    )
    args = parser.parse_args(argv)

    files = args.files or sorted(HERE.glob("*.json")) + sorted(PLAN_DIR.glob("*.json"))
    seeds = args.seeds or (DEFAULT_SEEDS if DEFAULT_SEEDS.is_dir() else None)
    if args.require_seeds and not (seeds and seeds.is_dir()):
        print(f"seed directory not found: {seeds or DEFAULT_SEEDS}", file=sys.stderr)
        return 1
    corpus = load_seeds(seeds) if seeds and seeds.is_dir() else None

    loaded = []
    errors: list[str] = []
    for path in files:
        try:
            loaded.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, json.JSONDecodeError) as exc:
            errors.append(f"{path}: cannot load: {exc}")
    metropolis_slugs = {
        d.get("metropolis", {}).get("slug")
        for _, d in loaded
        if isinstance(d, dict) and "territories" in d
    }

    passed = failed = 0
    for path, data in loaded:
        c = Checker(path.name)
        if isinstance(data, dict) and "territories" in data:
            counts = check_metropolis(path, data, c)
            total = sum(counts.values())
            print(
                f"{path.name}: {len(counts)} Territoires, {total} communes: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
        elif isinstance(data, dict) and "plan" in data:
            check_plan(data, c, metropolis_slugs)
            summary = (
                f"{path.name}: {len(data.get('plan', {}).get('sections', []))} sections, "
                f"{len(data.get('workstreams', []))} workstreams, "
                f"{sum(len(w.get('targets', [])) for w in data.get('workstreams', []))} targets, "
                f"{len(data.get('deliberations', []))} deliberations"
            )
            if corpus is not None:
                summary += (
                    f", {check_verbatim(data, corpus, c)} verbatim blocks checked against {seeds}"
                )
            else:
                summary += ", verbatim check skipped (no seeds)"
            print(summary)
        else:
            c.err("root", "neither a metropolis file ('territories') nor a plan file ('plan')")
        if c.errors:
            failed += 1
            errors.extend(c.errors)
        else:
            passed += 1
    for line in errors:
        print("ERROR " + line, file=sys.stderr)
    failed += sum(1 for e in errors if ": cannot load:" in e)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
