"""Writes of the monitoring app. Each service is one transaction that writes the audit log.

``project_create(*, actor, data)`` is the entry point for other apps (for example ``calls``
turning a winning submission into a project of the plan): see docs/portfolio-monitoring.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from renouveau.core.services import log_action
from renouveau.core.slugs import SLUG_ATTEMPTS, free_slug, insert_with_free_slug  # noqa: F401

from .models import (
    Funding,
    Indicator,
    Measurement,
    Milestone,
    Project,
    ProjectDocument,
    Spending,
)

PROJECT_FIELDS = (
    "title",
    "summary",
    "owner",
    "status",
    "progress",
    "start_on",
    "end_on",
    "jobs_created",
    "jobs_kept",
    "origin_kind",
    "origin_ref",
    "deliberation",
    "agreement",
    "is_published",
    "is_demo",
)
PROJECT_RELATIONS = ("workstreams", "territories", "communes", "deliberations")


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """The first free address for ``title`` when asked (``core.slugs``); only a hint, which
    ``_save_new_project`` settles at the insert."""
    return free_slug(Project, title, fallback="projet", max_length=120, exclude_pk=exclude_pk)


def _slug_taken_error() -> ValidationError:
    return ValidationError(
        {"slug": _("Un autre projet utilise déjà cette adresse : choisissez-en une autre.")}
    )


def _save_new_project(project: Project, *, chosen_slug: bool) -> None:
    """Insert ``project``; when its slug was derived from the title and another transaction
    inserted the same slug between our check and our insert (two agents creating projects with
    the same title at once), retry with the next free suffix (``core.slugs``). A slug given by
    the caller is not changed: a conflict becomes a ``ValidationError`` on ``slug``."""

    def next_slug() -> str:
        if chosen_slug:
            raise _slug_taken_error()
        return _unique_slug(project.title or "")

    insert_with_free_slug(
        project,
        next_slug=next_slug,
        save=lambda: project.save(force_insert=True),
        busy_error=ValidationError(
            {
                "title": _(
                    "Trop de projets portant cet intitulé sont créés en ce moment : "
                    "réessayez dans un instant."
                )
            }
        ),
    )


def _decimal(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation as exc:
        raise ValidationError({field: _("Saisissez un montant valide.")}) from exc
    if result < 0:
        raise ValidationError({field: _("Le montant ne peut pas être négatif.")})
    return result


def _refresh_total(project: Project) -> None:
    total = project.spendings.aggregate(total=Sum("planned_eur"))["total"] or Decimal("0")
    Project.objects.filter(pk=project.pk).update(total_cost_eur=total)
    project.total_cost_eur = total


def _set_relations(project: Project, data: dict[str, Any]) -> None:
    for name in PROJECT_RELATIONS:
        if name in data and data[name] is not None:
            getattr(project, name).set(data[name])
    if data.get("communes") and not data.get("territories"):
        project.territories.set({c.territory_id for c in project.communes.all()})


@transaction.atomic
def project_create(*, actor, data: dict[str, Any]) -> Project:
    """Create a project of the plan.

    ``data`` keys: ``title`` and ``owner`` (required); optional ``summary``, ``status``,
    ``progress``, ``start_on``, ``end_on``, ``jobs_created``, ``jobs_kept``, ``origin_kind``
    (``Project.Origin``), ``origin_ref`` (free text, e.g. "call:reinventons-2021/submission:42"),
    ``deliberation``, ``agreement`` (instances), ``workstreams``, ``territories``, ``communes``,
    ``deliberations`` (iterables of instances or ids), ``spendings`` (list of dicts with
    ``year``, ``planned_eur``, ``committed_eur``, ``paid_eur``), ``fundings`` (list of dicts with
    ``source``, ``amount_eur``, ``note``), ``is_published``, ``is_demo``, ``slug``.
    Raises ``ValidationError`` (French messages) on invalid data.
    """
    fields = {k: data[k] for k in PROJECT_FIELDS if k in data and data[k] is not None}
    project = Project(**fields)
    chosen_slug = bool(data.get("slug"))
    project.slug = data.get("slug") or _unique_slug(project.title or "")
    # The slug's uniqueness is settled by the insert itself (a concurrent creation may take it
    # after any check): a derived slug moves on to the next suffix, a chosen one is refused.
    project.full_clean(validate_unique=False)
    if chosen_slug and Project.objects.filter(slug=project.slug).exists():
        raise _slug_taken_error()
    _save_new_project(project, chosen_slug=chosen_slug)
    _set_relations(project, data)
    for row in data.get("spendings") or []:
        _spending_upsert(project, row)
    for row in data.get("fundings") or []:
        Funding(
            project=project,
            source=row["source"],
            amount_eur=_decimal(row.get("amount_eur"), "amount_eur"),
            note=row.get("note", ""),
        ).save()
    _refresh_total(project)
    log_action(
        actor=actor,
        action="monitoring.project_created",
        obj=project,
        data={"origin_kind": project.origin_kind, "origin_ref": project.origin_ref},
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, data: dict[str, Any]) -> Project:
    before = {k: getattr(project, k) for k in PROJECT_FIELDS if k in data}
    for key in PROJECT_FIELDS:
        if key in data:
            setattr(project, key, data[key])
    if project.status == Project.Status.COMPLETED and "progress" not in data:
        project.progress = 100
    project.full_clean()
    project.save()
    _set_relations(project, data)
    changed = {
        k: [str(v), str(getattr(project, k))] for k, v in before.items() if v != getattr(project, k)
    }
    changed.update({k: "updated" for k in PROJECT_RELATIONS if k in data})
    log_action(actor=actor, action="monitoring.project_changed", obj=project, data=changed)
    return project


def _spending_upsert(project: Project, row: dict[str, Any]) -> Spending:
    try:
        year = int(row["year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError({"year": _("Indiquez une année valide.")}) from exc
    spending, _created = Spending.objects.get_or_create(project=project, year=year)
    spending.planned_eur = _decimal(row.get("planned_eur"), "planned_eur")
    spending.committed_eur = _decimal(row.get("committed_eur"), "committed_eur")
    spending.paid_eur = _decimal(row.get("paid_eur"), "paid_eur")
    spending.full_clean()
    spending.save()
    return spending


@transaction.atomic
def spending_set(*, actor, project: Project, year: int, planned_eur, committed_eur, paid_eur):
    """Set the planned, committed and paid amounts of one year (creates the year if needed)."""
    spending = _spending_upsert(
        project,
        {
            "year": year,
            "planned_eur": planned_eur,
            "committed_eur": committed_eur,
            "paid_eur": paid_eur,
        },
    )
    if spending.paid_eur > spending.committed_eur and spending.committed_eur > 0:
        raise ValidationError(
            {"paid_eur": _("Le montant mandaté dépasse le montant engagé pour cette année.")}
        )
    _refresh_total(project)
    log_action(
        actor=actor,
        action="monitoring.spending_set",
        obj=project,
        data={
            "year": spending.year,
            "planned_eur": spending.planned_eur,
            "committed_eur": spending.committed_eur,
            "paid_eur": spending.paid_eur,
        },
    )
    return spending


@transaction.atomic
def funding_add(*, actor, project: Project, source: str, amount_eur, note: str = "") -> Funding:
    funding = Funding(
        project=project, source=source, amount_eur=_decimal(amount_eur, "amount_eur"), note=note
    )
    funding.full_clean()
    funding.save()
    log_action(
        actor=actor,
        action="monitoring.funding_added",
        obj=project,
        data={"source": source, "amount_eur": funding.amount_eur},
    )
    return funding


@transaction.atomic
def milestone_save(
    *, actor, project: Project, data: dict[str, Any], milestone: Milestone | None = None
) -> Milestone:
    milestone = milestone or Milestone(project=project)
    for key in ("title", "due_on", "done_on", "note"):
        if key in data:
            setattr(milestone, key, data[key])
    milestone.full_clean()
    milestone.save()
    log_action(
        actor=actor,
        action="monitoring.milestone_saved",
        obj=project,
        data={"milestone": milestone.pk, "title": milestone.title, "done_on": milestone.done_on},
    )
    return milestone


@transaction.atomic
def document_add(*, actor, project: Project, title: str, url: str) -> ProjectDocument:
    document = ProjectDocument(project=project, title=title, url=url)
    document.full_clean()
    document.save()
    log_action(actor=actor, action="monitoring.document_added", obj=project, data={"url": url})
    return document


@transaction.atomic
def indicator_create(*, actor, project: Project, data: dict[str, Any]) -> Indicator:
    indicator = Indicator(project=project)
    for key in (
        "target",
        "label",
        "unit",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "is_demo",
    ):
        if key in data and data[key] is not None:
            setattr(indicator, key, data[key])
    indicator.full_clean()
    indicator.save()
    log_action(
        actor=actor,
        action="monitoring.indicator_created",
        obj=indicator,
        data={"project": project.pk, "label": indicator.label},
    )
    return indicator


@transaction.atomic
def measurement_record(
    *, actor, indicator: Indicator, measured_on: date, value, source: str = ""
) -> Measurement:
    """Record (or correct) the measured value of an indicator at a date."""
    if indicator.baseline_on and measured_on < indicator.baseline_on:
        raise ValidationError(
            {"measured_on": _("La mesure ne peut pas précéder la date de la valeur de départ.")}
        )
    try:
        value = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({"value": _("Saisissez une valeur numérique.")}) from exc
    measurement, created = Measurement.objects.update_or_create(
        indicator=indicator,
        measured_on=measured_on,
        defaults={
            "value": value,
            "source": source,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    log_action(
        actor=actor,
        action="monitoring.measurement_recorded",
        obj=indicator,
        data={"measured_on": measured_on, "value": value, "created": created},
    )
    return measurement
