"""Reads of the portfolio app: aggregated scores (agreement and spread), rankings with
sensitivity. Aggregates come from one grouped query whatever the number of projects."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Avg, Count, Max, Min, Prefetch, QuerySet

from renouveau.monitoring.models import Project

from . import mcda
from .models import Criterion, Grid, Programme, Scenario, Score, ScoreRevision

CANDIDATE_EXCLUDED_STATUSES = (Project.Status.COMPLETED, Project.Status.CANCELLED)


def grid_current() -> Grid | None:
    return Grid.objects.filter(is_default=True).first()


def criteria_of(grid: Grid) -> list[Criterion]:
    return list(grid.criteria.order_by("position", "id"))


@dataclass
class Cell:
    mean: float
    low: float
    high: float
    count: int
    scale: int  # width of the criterion's scale

    @property
    def spread(self) -> float:
        return self.high - self.low

    @property
    def disagreement(self) -> bool:
        """Assessors disagree when their marks span at least half of the scale."""
        return self.count > 1 and self.spread >= self.scale / 2

    @property
    def agreement_label(self) -> str:
        if self.count < 2:
            return "single"
        return "disagree" if self.disagreement else ("agree" if self.spread == 0 else "close")


def score_table(grid: Grid, project_ids=None) -> dict[tuple[int, int], Cell]:
    criteria = {c.pk: c for c in grid.criteria.all()}
    rows = Score.objects.filter(criterion__grid=grid, value__isnull=False)
    if project_ids is not None:
        rows = rows.filter(project_id__in=project_ids)
    rows = rows.values("project_id", "criterion_id").annotate(
        mean=Avg("value"), low=Min("value"), high=Max("value"), count=Count("id")
    )
    table = {}
    for r in rows:
        criterion = criteria[r["criterion_id"]]
        table[(r["project_id"], r["criterion_id"])] = Cell(
            float(r["mean"]), float(r["low"]), float(r["high"]), r["count"],
            criterion.scale_max - criterion.scale_min,
        )  # fmt: skip
    return table


def normalised_matrix(
    criteria: list[Criterion], project_ids: list[int], table
) -> tuple[np.ndarray, np.ndarray]:
    """(n × m) means normalised to [0, 1]; an unscored cell counts as the scale's minimum
    and is flagged in the returned mask."""
    n, m = len(project_ids), len(criteria)
    matrix = np.zeros((n, m))
    missing = np.ones((n, m), dtype=bool)
    for i, pid in enumerate(project_ids):
        for j, criterion in enumerate(criteria):
            cell = table.get((pid, criterion.pk))
            if cell is not None:
                matrix[i, j] = criterion.normalise(cell.mean)
                missing[i, j] = False
    return matrix, missing


def scenario_weights(scenario: Scenario, criteria: list[Criterion]) -> np.ndarray:
    stored = {w.criterion_id: float(w.weight) for w in scenario.weights.all()}
    return np.array([stored.get(c.pk, float(c.default_weight)) for c in criteria])


def project_default_scores() -> dict[int, float]:
    """Each scored project's weighted score (0-100) on the default grid, default weights."""
    grid = grid_current()
    if grid is None:
        return {}
    criteria = criteria_of(grid)
    table = score_table(grid)
    ids = sorted({pid for pid, _c in table})
    if not ids or not criteria:
        return {}
    matrix, _missing = normalised_matrix(criteria, ids, table)
    weights = np.array([float(c.default_weight) for c in criteria])
    if weights.sum() <= 0:
        return {}
    scores = mcda.weighted_sum(matrix, weights) * 100
    return {pid: round(float(s), 1) for pid, s in zip(ids, scores, strict=True)}


def candidate_projects() -> QuerySet[Project]:
    """Projects that a programme may choose: all but completed and cancelled ones, and the
    participatory budget's winners (the residents' vote decided them, on an envelope of its
    own: they are followed in the plan, not weighed again by the grid)."""
    return (
        Project.objects.exclude(status__in=CANDIDATE_EXCLUDED_STATUSES)
        .filter(participatory_budget__isnull=True)
        .prefetch_related("workstreams", "territories")
        .order_by("pk")
    )


@dataclass
class RankRow:
    project: Project
    weighted_sum: float
    topsis: float
    promethee: float  # PROMETHEE II net flow, in [-1, 1]
    rank: int
    other_rank: int
    max_shift: int
    missing: int  # criteria not scored yet


@dataclass
class SensitivityLine:
    criterion: Criterion
    factor: float
    moved: int
    changes: list[tuple[Project, int, int]] = field(default_factory=list)  # among the top


@dataclass
class Ranking:
    criteria: list[Criterion]
    weights: np.ndarray
    rows: list[RankRow]
    sensitivity: list[SensitivityLine]
    delta: float

    @property
    def stable_count(self) -> int:
        return sum(1 for r in self.rows if r.max_shift == 0)


def ranking(scenario: Scenario, projects: list[Project] | None = None, *, top: int = 20) -> Ranking:
    """Rank the candidate projects under the scenario's weights by the three methods, and test
    the ranking's sensitivity (each weight moved by ± the scenario's percentage). The "other"
    rank is the weighted sum's, or TOPSIS's when the scenario ranks by weighted sum."""
    criteria = criteria_of(scenario.grid)
    projects = list(candidate_projects()) if projects is None else projects
    ids = [p.pk for p in projects]
    table = score_table(scenario.grid, ids)
    matrix, missing = normalised_matrix(criteria, ids, table)
    weights = scenario_weights(scenario, criteria)
    if not projects or not criteria or weights.sum() <= 0:
        return Ranking(criteria, weights, [], [], scenario.sensitivity_percent / 100)
    ws = mcda.weighted_sum(matrix, weights)
    tp = mcda.topsis(matrix, weights)
    pm = mcda.promethee2(matrix, weights)
    other = tp if scenario.method == Scenario.Method.WEIGHTED_SUM else ws
    delta = scenario.sensitivity_percent / 100
    sens = mcda.sensitivity(matrix, weights, method=scenario.method, delta=delta)
    other_ranks = mcda.ranks(other)
    rows = [
        RankRow(
            p,
            float(ws[i]),
            float(tp[i]),
            float(pm[i]),
            int(sens.base_ranks[i]),
            int(other_ranks[i]),
            int(sens.max_shift[i]),
            int(missing[i].sum()),
        )  # fmt: skip
        for i, p in enumerate(projects)
    ]
    rows.sort(key=lambda r: r.rank)
    lines = []
    for perturbation in sens.perturbations:
        changes = [
            (projects[c.index], c.rank, c.new_rank)
            for c in sorted(perturbation.changes, key=lambda c: c.rank)
            if c.rank <= top or c.new_rank <= top
        ]
        lines.append(
            SensitivityLine(
                criteria[perturbation.criterion],
                perturbation.factor,
                len(perturbation.changes),
                changes,
            )  # fmt: skip
        )
    return Ranking(criteria, weights, rows, lines, delta)


def project_scores(project: Project, grid: Grid) -> QuerySet[Score]:
    return (
        Score.objects.filter(project=project, criterion__grid=grid)
        .select_related("assessor", "criterion")
        .prefetch_related(
            Prefetch("revisions", queryset=ScoreRevision.objects.order_by("-created_at", "-id"))
        )
        .order_by("criterion__position", "assessor_id")
    )


def scenario_list(*, user) -> QuerySet[Scenario]:
    queryset = Scenario.objects.select_related("grid").order_by("title")
    if not user.has_perm("portfolio.assess_project"):
        queryset = queryset.filter(is_public=True)
    return queryset


def latest_programme(scenario: Scenario) -> Programme | None:
    return scenario.programmes.order_by("-created_at", "-id").first()
