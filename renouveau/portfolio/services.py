"""Writes of the portfolio app: scores (with history), scenarios, constraints and runs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renouveau.core.services import log_action
from renouveau.core.slugs import free_slug, insert_with_free_slug

from .defaults import CRITERIA, GRID, SCALE_LEVELS
from .models import (
    GREEN_AXES,
    GREEN_RATING_VALUES,
    Criterion,
    GreenRating,
    Grid,
    Programme,
    Scenario,
    ScenarioConstraint,
    ScenarioWeight,
    Score,
    ScoreRevision,
)

MIN_JUSTIFICATION = 10


@transaction.atomic
def grid_ensure_default() -> Grid:
    """The default grid of the plan, created if missing (idempotent)."""
    grid = Grid.objects.filter(is_default=True).first()
    if grid:
        return grid
    grid, created = Grid.objects.get_or_create(slug=GRID["slug"], defaults=GRID)
    grid.is_default = True
    grid.save(update_fields=["is_default"])
    if created or not grid.criteria.exists():
        for position, data in enumerate(CRITERIA):
            Criterion.objects.update_or_create(
                grid=grid,
                code=data["code"],
                defaults={
                    "position": position,
                    "label": data["label"],
                    "family": data["family"],
                    "kind": data["kind"],
                    "default_weight": data["default_weight"],
                    "guidance": data["guidance"],
                    "levels": data.get("levels", SCALE_LEVELS),
                },
            )
    return grid


def green_value(axes: dict[str, str]) -> Decimal | None:
    """The green-budget criterion's value: the mean of the rated axes (None if none is)."""
    values = [
        GREEN_RATING_VALUES[GreenRating(r)] for r in axes.values() if r != GreenRating.TO_DEFINE
    ]
    if not values:
        return None
    return (sum(values, Decimal("0")) / len(values)).quantize(Decimal("0.01"))


def _clean_score(criterion: Criterion, value, axes, justification: str):
    errors: dict[str, str] = {}
    justification = (justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        errors["justification"] = _(
            "Justifiez la note en quelques mots (au moins %(n)d caractères)."
        ) % {"n": MIN_JUSTIFICATION}
    if criterion.kind == Criterion.Kind.GREEN_BUDGET:
        axes = dict(axes or {})
        codes = {code for code, _label in GREEN_AXES}
        if set(axes) != codes or any(r not in GreenRating.values for r in axes.values()):
            errors["axes"] = _("Cotez chacun des six axes environnementaux.")
            value = None
        else:
            value = green_value(axes)
    else:
        axes = {}
        try:
            value = Decimal(str(value))
        except (InvalidOperation, TypeError):
            errors["value"] = _("Choisissez une note.")
        else:
            if not criterion.scale_min <= value <= criterion.scale_max:
                errors["value"] = _("La note doit être comprise entre %(min)d et %(max)d.") % {
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                }
    if errors:
        raise ValidationError(errors)
    return value, axes, justification


@transaction.atomic
def score_set(
    *, assessor, project, criterion: Criterion, value=None, axes=None, justification: str
) -> Score:
    """Set an assessor's score of a project on a criterion; keeps the history and audits."""
    value, axes, justification = _clean_score(criterion, value, axes, justification)
    score = (
        Score.objects.select_for_update()
        .filter(project=project, criterion=criterion, assessor=assessor)
        .first()
    )
    before = None
    if score is None:
        score = Score(project=project, criterion=criterion, assessor=assessor)
    else:
        before = {"value": score.value, "axes": score.axes, "justification": score.justification}
        if before == {"value": value, "axes": axes, "justification": justification}:
            return score
    score.value, score.axes, score.justification = value, axes, justification
    score.save()
    ScoreRevision.objects.create(score=score, value=value, axes=axes, justification=justification)
    log_action(
        actor=assessor,
        action="portfolio.score_set",
        obj=score,
        data={
            "project": project.pk,
            "criterion": criterion.code,
            "before": before,
            "after": {"value": value, "axes": axes, "justification": justification},
        },
    )
    return score


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    return free_slug(Scenario, title, fallback="scenario", max_length=100, exclude_pk=exclude_pk)


def _set_weights(scenario: Scenario, weights: dict[Criterion, Any] | None) -> None:
    criteria = list(scenario.grid.criteria.all())
    weights = weights or {}
    values = {}
    for criterion in criteria:
        raw = weights.get(criterion, criterion.default_weight)
        try:
            weight = Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValidationError({"weights": _("Les poids doivent être des nombres.")}) from exc
        if weight < 0:
            raise ValidationError({"weights": _("Les poids ne peuvent pas être négatifs.")})
        values[criterion] = weight
    if criteria and not any(values.values()):
        raise ValidationError({"weights": _("Au moins un critère doit avoir un poids positif.")})
    for criterion, weight in values.items():
        ScenarioWeight.objects.update_or_create(
            scenario=scenario, criterion=criterion, defaults={"weight": weight}
        )


SCENARIO_FIELDS = (
    "title", "description", "method", "first_year", "last_year", "sensitivity_percent",
    "is_public", "is_demo",
)  # fmt: skip


@transaction.atomic
def scenario_create(*, actor, data: dict[str, Any], weights=None) -> Scenario:
    grid = data.get("grid") or grid_ensure_default()
    scenario = Scenario(grid=grid, created_by=actor if getattr(actor, "pk", None) else None)
    for key in SCENARIO_FIELDS:
        if key in data and data[key] is not None:
            setattr(scenario, key, data[key])
    chosen = bool(data.get("slug"))
    scenario.slug = data.get("slug") or _unique_slug(scenario.title)
    # The slug's uniqueness is settled by the insert (another creation may take it after any
    # check): a derived slug moves on to the next suffix, a chosen one is refused.
    scenario.full_clean(validate_unique=False)

    def next_slug() -> str:
        if chosen:
            raise ValidationError({"slug": _("Un autre scénario utilise déjà cette adresse.")})
        return _unique_slug(scenario.title)

    if chosen and Scenario.objects.filter(slug=scenario.slug).exists():
        next_slug()

    insert_with_free_slug(scenario, next_slug=next_slug)
    _set_weights(scenario, weights)
    log_action(actor=actor, action="portfolio.scenario_created", obj=scenario,
               data={"weights": {c.code: w for c, w in (weights or {}).items()}})  # fmt: skip
    return scenario


@transaction.atomic
def scenario_update(*, actor, scenario: Scenario, data: dict[str, Any], weights=None) -> Scenario:
    before = {k: getattr(scenario, k) for k in SCENARIO_FIELDS if k in data}
    for key in SCENARIO_FIELDS:
        if key in data and data[key] is not None:
            setattr(scenario, key, data[key])
    scenario.full_clean()
    scenario.save()
    if weights is not None:
        _set_weights(scenario, weights)
    log_action(
        actor=actor,
        action="portfolio.scenario_changed",
        obj=scenario,
        data={
            "fields": {
                k: [v, getattr(scenario, k)] for k, v in before.items() if v != getattr(scenario, k)
            },
            "weights": {c.code: w for c, w in (weights or {}).items()},
        },
    )
    return scenario


@transaction.atomic
def constraint_add(*, actor, scenario: Scenario, data: dict[str, Any]) -> ScenarioConstraint:
    constraint = ScenarioConstraint(scenario=scenario, **data)
    if constraint.year is not None and constraint.year not in scenario.years:
        raise ValidationError({"year": _("Cette année n'est pas dans la période du scénario.")})
    constraint.full_clean()
    constraint.save()
    log_action(actor=actor, action="portfolio.constraint_added", obj=scenario,
               data={"constraint": constraint.pk, "kind": constraint.kind})  # fmt: skip
    return constraint


@transaction.atomic
def constraint_remove(*, actor, constraint: ScenarioConstraint) -> None:
    scenario = constraint.scenario
    log_action(actor=actor, action="portfolio.constraint_removed", obj=scenario,
               data={"constraint": constraint.pk, "kind": constraint.kind})  # fmt: skip
    constraint.delete()


# Above this many candidate projects, a run goes to a background task (the solve may take
# up to BACKGROUND_TIME_LIMIT seconds); below, it runs within the request.
BACKGROUND_THRESHOLD = 150
BACKGROUND_TIME_LIMIT = 300.0


@transaction.atomic
def scenario_run_enqueue(*, actor, scenario: Scenario) -> Programme:
    """Queue a run: a pending Programme now, computed by ``programme_compute_task``."""
    from .tasks import programme_compute_task

    programme = Programme.objects.create(
        scenario=scenario,
        status=Programme.Status.PENDING,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    log_action(actor=actor, action="portfolio.scenario_run_queued", obj=scenario,
               data={"programme": programme.pk})  # fmt: skip
    transaction.on_commit(lambda: programme_compute_task.enqueue(programme.pk))
    return programme


@transaction.atomic
def programme_compute(
    *, programme: Programme, time_limit: float = BACKGROUND_TIME_LIMIT
) -> Programme:
    """Compute a pending programme in place (called by the task)."""
    from .optimiser import solve
    from .programming import build_problem, programme_from_solution

    programme = (
        Programme.objects.select_for_update().select_related("scenario").get(pk=programme.pk)
    )
    if programme.status != Programme.Status.PENDING:
        return programme
    built = build_problem(programme.scenario)
    solution = solve(built.problem, time_limit=time_limit)
    computed = programme_from_solution(programme.scenario, built, solution)
    for field in ("status", "objective", "gap", "seconds", "fingerprint", "candidates", "utilities",
                  "selected", "uses", "conflict", "conflict_minimal", "yearly"):  # fmt: skip
        setattr(programme, field, getattr(computed, field))
    programme.save()
    log_action(actor=None, action="portfolio.scenario_run", obj=programme.scenario,
               data={"programme": programme.pk, "status": programme.status,
                     "selected": len(programme.selected), "objective": programme.objective})  # fmt: skip
    return programme


@transaction.atomic
def scenario_run(*, actor, scenario: Scenario, time_limit: float | None = None) -> Programme:
    """Solve the scenario's programme and keep it (infeasibility is a result, not an error)."""
    from .optimiser import DEFAULT_TIME_LIMIT, solve
    from .programming import build_problem, programme_from_solution

    built = build_problem(scenario)
    solution = solve(built.problem, time_limit=time_limit or DEFAULT_TIME_LIMIT)
    programme = programme_from_solution(scenario, built, solution)
    programme.created_by = actor if getattr(actor, "pk", None) else None
    programme.save()
    log_action(
        actor=actor,
        action="portfolio.scenario_run",
        obj=scenario,
        data={"programme": programme.pk, "status": programme.status,
              "selected": len(programme.selected), "objective": programme.objective},
    )  # fmt: skip
    return programme
