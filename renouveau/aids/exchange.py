"""CSV import, and CSV / JSON / ``dispositif-aide`` exports of aids.

The CSV columns are the same for import and export (an export re-imports as is). Lists use
``|`` as separator. The ``dispositif-aide`` export follows the national schema published by
Etalab (schema.data.gouv.fr, ``etalab/schema-dispositif-aide``); the mapping is documented in
docs/aids.md.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core.services import log_action
from renouveau.core.slugs import insert_with_free_slug
from renouveau.core.spreadsheet import safe_cell

from .models import Aid, AidType, Audience, Funder

CSV_COLUMNS = [
    "external_id", "title", "promise", "description", "eligibility", "examples", "keywords",
    "audiences", "aid_types", "amount_min", "amount_max", "rate_min", "rate_max", "amount_text",
    "funders", "instructing_bodies", "scope", "territories", "communes", "workstreams",
    "imperatives", "opens_on", "closes_on", "recurrence", "application_url", "contact",
    "deliberation", "deliberation_reference",
]  # fmt: skip
REQUIRED_COLUMNS = {"external_id", "title", "promise"}
MAX_ROWS = 5000


def _join(values) -> str:
    return "|".join(str(v) for v in values)


def _number(value) -> str:
    return "" if value is None else format(value, "f")


def aid_csv_row(aid: Aid) -> dict[str, str]:
    deliberation = ""
    if aid.deliberation_id:
        deliberation = f"{aid.deliberation.body}:{aid.deliberation.number}"
    return {
        "external_id": aid.external_id or f"renouveau-{aid.pk}",
        "title": aid.title,
        "promise": aid.promise,
        "description": aid.description,
        "eligibility": aid.eligibility,
        "examples": aid.examples,
        "keywords": aid.keywords,
        "audiences": _join(aid.audiences),
        "aid_types": _join(aid.aid_types),
        "amount_min": _number(aid.amount_min),
        "amount_max": _number(aid.amount_max),
        "rate_min": _number(aid.rate_min),
        "rate_max": _number(aid.rate_max),
        "amount_text": aid.amount_text,
        "funders": _join(f.slug for f in aid.funders.all()),
        "instructing_bodies": _join(f.slug for f in aid.instructing_bodies.all()),
        "scope": aid.scope,
        "territories": _join(t.code for t in aid.territories.all()),
        "communes": _join(c.insee for c in aid.communes.all()),
        "workstreams": _join(w.slug for w in aid.workstreams.all()),
        "imperatives": _join(i.code for i in aid.imperatives.all()),
        "opens_on": aid.opens_on.isoformat() if aid.opens_on else "",
        "closes_on": aid.closes_on.isoformat() if aid.closes_on else "",
        "recurrence": aid.recurrence,
        "application_url": aid.application_url,
        "contact": aid.contact,
        "deliberation": deliberation,
        "deliberation_reference": aid.deliberation_reference,
    }


def csv_cell(value: str) -> str:
    """A cell of the CSV export that a spreadsheet will not run as a formula
    (``core.spreadsheet.safe_cell``: ``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``).

    Text that already starts with apostrophes before such a character gets one more, so that
    the import (``csv_uncell``), which removes exactly one, gives back the text as typed."""
    bare = value.lstrip("'")
    if bare != value and safe_cell(bare) != bare:
        return "'" + value
    return safe_cell(value)


def csv_uncell(value: str) -> str:
    """The inverse of ``csv_cell`` for the import: the protective apostrophe of an exported
    cell (``'=…``, ``'-…``, ``'@…``, ``''=…``) is removed; any other text is left alone."""
    if value.startswith("'"):
        bare = value.lstrip("'")
        if safe_cell(bare) != bare:
            return value[1:]
    return value


def aids_to_csv(aids) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for aid in aids:
        writer.writerow({k: csv_cell(v) for k, v in aid_csv_row(aid).items()})
    return buffer.getvalue()


def aid_json(aid: Aid) -> dict[str, Any]:
    row: dict[str, Any] = aid_csv_row(aid)
    for name in ("audiences", "aid_types", "funders", "instructing_bodies", "territories",
                 "communes", "workstreams", "imperatives"):  # fmt: skip
        row[name] = [v for v in row[name].split("|") if v]
    for name in ("amount_min", "amount_max", "rate_min", "rate_max"):
        row[name] = row[name] or None
    row["url"] = settings.SITE_URL + aid.get_absolute_url()
    row["published_at"] = aid.published_at.isoformat() if aid.published_at else None
    row["updated_at"] = aid.updated_at.isoformat()
    return row


# --- dispositif-aide ---------------------------------------------------------------------

DISPOSITIF_TYPES = {
    AidType.GRANT: "financement",
    AidType.LOAN: "financement",
    AidType.HONOUR_LOAN: "financement",
    AidType.RECOVERABLE_ADVANCE: "financement",
    AidType.GUARANTEE: "financement",
    AidType.FEE_EXEMPTION: "financement",
    AidType.TARIFF_REDUCTION: "financement",
    AidType.REFUND: "financement",
    AidType.TECHNICAL_SUPPORT: "accompagnement",
    AidType.IN_KIND: "accompagnement",
    AidType.OTHER: "information",
}
PROFESSIONALS = {
    Audience.ENTREPRENEUR, Audience.MICRO_BUSINESS, Audience.SME, Audience.FARMER,
    Audience.SOCIAL_ECONOMY,
}  # fmt: skip
PUBLIC_SECTOR = {Audience.COMMUNE, Audience.PUBLIC_BODY}


def _cibles(audiences: list[str]) -> str:
    cibles = []
    if any(a in PROFESSIONALS for a in audiences):
        cibles.append("professionnels")
    if any(a not in PROFESSIONALS | PUBLIC_SECTOR | {Audience.ASSOCIATION} for a in audiences):
        cibles.append("particuliers")
    if Audience.ASSOCIATION in audiences or Audience.SOCIAL_ECONOMY in audiences:
        cibles.append("associations")
    if any(a in PUBLIC_SECTOR for a in audiences):
        cibles.append("secteur public")
    return "|".join(cibles)


def _geography(aid: Aid, metropolis_siren: str) -> str:
    if aid.scope == Aid.Scope.METROPOLIS and metropolis_siren:
        return f"EPCI-{metropolis_siren}"
    codes = {f"COM-{c.insee}" for c in aid.communes.all()}
    for territory in aid.territories.all():
        codes |= {f"COM-{c.insee}" for c in territory.communes.all()}
    return "|".join(sorted(codes))


def _datetime(day) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else ""


def aid_dispositif(aid: Aid, *, metropolis_siren: str) -> dict[str, Any]:
    porteurs: dict[int, dict[str, Any]] = {}
    for role, funders in (
        ("financeur", aid.funders.all()),
        ("instructeur", aid.instructing_bodies.all()),
    ):
        for funder in funders:
            entry = porteurs.setdefault(
                funder.pk, {"nom": funder.name, "siren": funder.siren or None, "roles": []}
            )
            entry["roles"].append(role)
    base = []
    if aid.deliberation_reference or aid.deliberation_id:
        label = _("Délibération n° %(number)s") % {
            "number": aid.deliberation_reference or aid.deliberation.number
        }
        base.append({"libelle": label, "lien": settings.SITE_URL + "/plan/deliberations/"})
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, settings.SITE_URL + f"/aides/{aid.pk}")),
        "titre": aid.title,
        "promesse": aid.promise[:180],
        "description": aid.description[:5000] or aid.promise,
        "eligibilite": aid.eligibility or aid.promise,
        "types_aides": "|".join(sorted({DISPOSITIF_TYPES[AidType(t)] for t in aid.aid_types})),
        "porteurs": list(porteurs.values()),
        "programmes_parents": "",
        "url_source": aid.application_url or settings.SITE_URL + aid.get_absolute_url(),
        "cibles": _cibles(aid.audiences),
        "eligibilite_geographique": _geography(aid, metropolis_siren),
        "eligibilite_geographique_exclusions": "",
        "date_ouverture": _datetime(aid.opens_on),
        "date_cloture": _datetime(aid.closes_on),
        "date_mise_a_jour": aid.updated_at.astimezone(dt_utc()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "base_juridique": base,
    }


def dt_utc():
    import datetime

    return datetime.UTC


# --- import ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool
    created: int = 0
    updated: int = 0
    valid: int = 0
    errors: list[tuple[int, str, list[str]]] = field(default_factory=list)  # line, id, messages
    fatal: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ValidationError(_("Le fichier n'est pas un texte CSV lisible (UTF-8 attendu)."))


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _decimal(value: str, errors: list[str], label: str) -> Decimal | None:
    value = (value or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        errors.append(
            _("%(label)s : « %(value)s » n'est pas un nombre.") % {"label": label, "value": value}
        )
        return None
    if not number.is_finite() or number < 0:
        errors.append(_("%(label)s : nombre positif attendu.") % {"label": label})
        return None
    return number


def _day(value: str, errors: list[str], label: str):
    import datetime

    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    errors.append(
        _("%(label)s : « %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).")
        % {"label": label, "value": value}
    )
    return None


class _Lookups:
    """Reference rows loaded once for the whole file (constant number of queries)."""

    def __init__(self):
        from renouveau.guides.models import Guide  # noqa: F401  (kept for symmetry)
        from renouveau.plan.models import Deliberation, Imperative, Workstream
        from renouveau.territories.models import Commune, Territory

        self.funders = {f.slug: f for f in Funder.objects.all()}
        self.territories = {t.code: t for t in Territory.objects.all()}
        self.communes = {c.insee: c for c in Commune.objects.all()}
        self.workstreams = {w.slug: w for w in Workstream.objects.all()}
        self.imperatives = {i.code: i for i in Imperative.objects.all()}
        self.deliberations = {f"{d.body}:{d.number}": d for d in Deliberation.objects.all()}
        for d in Deliberation.objects.all():
            self.deliberations.setdefault(d.number, d)


def _codes(value: str, known: dict, label: str, errors: list[str]) -> list:
    found = []
    for code in _split(value):
        if code in known:
            found.append(known[code])
        else:
            errors.append(
                _("%(label)s : valeur inconnue « %(code)s ».") % {"label": label, "code": code[:60]}
            )
    return found


def _parse_row(row: dict[str, str], lookups: _Lookups, owner: Funder) -> tuple[dict, list[str]]:
    errors: list[str] = []
    get = lambda name: csv_uncell((row.get(name) or "").strip()).strip()  # noqa: E731
    data: dict[str, Any] = {
        "external_id": get("external_id")[:100],
        "title": get("title"),
        "promise": get("promise"),
        "description": get("description"),
        "eligibility": get("eligibility"),
        "examples": get("examples"),
        "keywords": get("keywords")[:300],
        "amount_text": get("amount_text")[:200],
        "application_url": get("application_url"),
        "contact": get("contact"),
        "deliberation_reference": get("deliberation_reference")[:120],
        "owner": owner,
    }
    if not data["external_id"]:
        errors.append(_("external_id : obligatoire (clé de mise à jour)."))
    if not data["title"]:
        errors.append(_("title : obligatoire."))
    elif len(data["title"]) > 200:
        errors.append(_("title : 200 caractères au plus."))
    if not data["promise"]:
        errors.append(_("promise : obligatoire."))
    elif len(data["promise"]) > 300:
        errors.append(_("promise : 300 caractères au plus."))
    audiences = _split(get("audiences"))
    bad = [a for a in audiences if a not in Audience.values]
    if bad:
        errors.append(
            _("audiences : valeurs inconnues %(values)s.") % {"values": ", ".join(bad)[:200]}
        )
    if not audiences:
        errors.append(_("audiences : au moins un public cible."))
    data["audiences"] = [a for a in audiences if a in Audience.values]
    types = _split(get("aid_types"))
    bad = [t for t in types if t not in AidType.values]
    if bad:
        errors.append(
            _("aid_types : valeurs inconnues %(values)s.") % {"values": ", ".join(bad)[:200]}
        )
    if not types:
        errors.append(_("aid_types : au moins une nature d'aide."))
    data["aid_types"] = [t for t in types if t in AidType.values]
    for name in ("amount_min", "amount_max", "rate_min", "rate_max"):
        data[name] = _decimal(get(name), errors, name)
    for name in ("rate_min", "rate_max"):
        if data[name] is not None and data[name] > 100:
            errors.append(_("%(name)s : un taux ne dépasse pas 100.") % {"name": name})
    data["opens_on"] = _day(get("opens_on"), errors, "opens_on")
    data["closes_on"] = _day(get("closes_on"), errors, "closes_on")
    scope = get("scope") or Aid.Scope.METROPOLIS
    if scope not in Aid.Scope.values:
        errors.append(
            _("scope : « %(value)s » inconnu (metropolis, territories, communes).")
            % {"value": scope[:40]}
        )
    data["scope"] = scope
    recurrence = get("recurrence") or Aid.Recurrence.ONGOING
    if recurrence not in Aid.Recurrence.values:
        errors.append(
            _("recurrence : « %(value)s » inconnu (one_off, ongoing, recurring).")
            % {"value": recurrence[:40]}
        )
    data["recurrence"] = recurrence
    data["funders"] = _codes(get("funders"), lookups.funders, "funders", errors) or [owner]
    data["instructing_bodies"] = _codes(
        get("instructing_bodies"), lookups.funders, "instructing_bodies", errors
    )
    data["territories"] = _codes(get("territories"), lookups.territories, "territories", errors)
    data["communes"] = _codes(get("communes"), lookups.communes, "communes", errors)
    data["workstreams"] = _codes(get("workstreams"), lookups.workstreams, "workstreams", errors)
    data["imperatives"] = _codes(get("imperatives"), lookups.imperatives, "imperatives", errors)
    if scope == Aid.Scope.TERRITORIES and not data["territories"]:
        errors.append(_("territories : obligatoire quand scope vaut territories."))
    if scope == Aid.Scope.COMMUNES and not data["communes"]:
        errors.append(_("communes : obligatoire quand scope vaut communes."))
    deliberation = get("deliberation")
    data["deliberation"] = None
    if deliberation:
        data["deliberation"] = lookups.deliberations.get(deliberation)
        if data["deliberation"] is None:
            errors.append(
                _("deliberation : « %(value)s » absente du registre.")
                % {"value": deliberation[:60]}
            )
    for low, high in (
        ("amount_min", "amount_max"),
        ("rate_min", "rate_max"),
        ("opens_on", "closes_on"),
    ):
        if data[low] is not None and data[high] is not None and data[low] > data[high]:
            errors.append(_("%(low)s dépasse %(high)s.") % {"low": low, "high": high})
    if data["application_url"]:
        from django.core.validators import URLValidator

        try:
            URLValidator()(data["application_url"])
        except ValidationError:
            errors.append(_("application_url : adresse web invalide."))
    return data, errors


def aids_import_csv(*, actor, owner: Funder, raw: bytes, dry_run: bool) -> ImportReport:
    """Validate every row, report each invalid one with its reasons; unless ``dry_run``,
    create or update (keyed on ``external_id``) the valid rows, in one transaction.

    An ``external_id`` that belongs to another funder's aid is an error (no takeover)."""
    from .services import _unique_slug, aids_reindex

    report = ImportReport(dry_run=dry_run)
    try:
        text = _decode(raw)
    except ValidationError as exc:
        report.fatal = exc.messages[0]
        return report
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        report.fatal = _("Le fichier CSV est mal formé : %(error)s.") % {"error": exc}
        return report
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        report.fatal = _("Colonnes obligatoires absentes : %(columns)s. Téléchargez le modèle.") % {
            "columns": ", ".join(sorted(missing))
        }
        return report
    reader.fieldnames = header
    lookups = _Lookups()
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    try:
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                report.fatal = _("Trop de lignes : %(max)d au plus par fichier.") % {
                    "max": MAX_ROWS
                }
                return report
            if None in row:
                report.errors.append(
                    (
                        number,
                        (row.get("external_id") or "")[:100],
                        [_("Plus de colonnes que l'en-tête.")],
                    )
                )
                continue
            data, errors = _parse_row(row, lookups, owner)
            if data["external_id"] in seen:
                errors.append(
                    _("external_id déjà utilisé ligne %(line)d du fichier.")
                    % {"line": seen[data["external_id"]]}
                )
            seen.setdefault(data["external_id"], number)
            if errors:
                report.errors.append((number, data["external_id"], errors))
            else:
                parsed.append((number, data))
    except csv.Error as exc:
        report.fatal = _("Le fichier CSV est mal formé : %(error)s.") % {"error": exc}
        return report
    existing = {
        a.external_id: a
        for a in Aid.objects.filter(external_id__in=[d["external_id"] for _n, d in parsed])
    }
    valid = []
    for number, data in parsed:
        aid = existing.get(data["external_id"])
        if aid is not None and aid.owner_id != owner.pk:
            report.errors.append(
                (
                    number,
                    data["external_id"],
                    [_("Cet identifiant appartient à une aide d'un autre porteur.")],
                )
            )
        elif aid is not None and aid.status == Aid.Status.ARCHIVED:
            report.errors.append(
                (
                    number,
                    data["external_id"],
                    [_("Cette aide est archivée : elle ne se modifie plus.")],
                )
            )
        else:
            valid.append((number, data, aid))
    report.valid = len(valid)
    report.errors.sort()
    if dry_run or not valid:
        return report
    from .services import M2M_FIELDS

    with transaction.atomic():
        touched = []
        for _number, data, aid in valid:
            m2m = {name: data.pop(name) for name in M2M_FIELDS if name in data}
            if aid is None:
                aid = Aid(status=Aid.Status.DRAFT, **data)
                aid.slug = _unique_slug(aid.title)
                # Another transaction may take the slug between the check and the insert:
                # the insert decides, and a lost race takes the next free one.
                insert_with_free_slug(aid, next_slug=lambda title=aid.title: _unique_slug(title))
                report.created += 1
            else:
                for name, value in data.items():
                    setattr(aid, name, value)
                aid.save()
                report.updated += 1
            for name, values in m2m.items():
                getattr(aid, name).set(values)
            touched.append(aid.pk)
        aids_reindex(queryset=Aid.objects.filter(pk__in=touched))
        log_action(
            actor=actor,
            action="aids.aids_imported",
            obj=owner,
            data={
                "created": report.created,
                "updated": report.updated,
                "invalid_rows": [line for line, _id, _m in report.errors],
                "at": timezone.now(),
            },
        )
    return report
