"""Outcome of a rule and per-project explanations, as plain data.

Reason codes (stable, meant to be translated by the web pages):

Selected projects
    ``selected-equal-shares``  bought by the Method of Equal Shares; ``round``, ``rho``, ``price`` (what
                               each supporter with one unit of satisfaction had to pay), ``payers``,
                               ``full_payers`` (voters who gave all they had left), ``total_paid``.
    ``selected-free``          free project with supporters (MES takes them first, as pabutools).
    ``selected-greedy``        taken by the greedy rule/completion: ``density`` (satisfaction per unit
                               of money) and ``remaining_budget`` before it was taken.
    ``selected-optimal``       part of the set with the maximal total satisfaction.

Rejected projects
    ``no-support``                 no voter gives it a positive satisfaction.
    ``cost-exceeds-budget``        it costs more than the whole budget.
    ``supporters-money-exhausted`` (MES) during ``mes_round`` its supporters held only ``money`` < cost.
    ``over-remaining-budget``      (greedy) it cost more than the ``remaining_budget`` when its turn came.
    ``not-in-optimal-set``         (optimal) not part of the set with the maximal total satisfaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any

REASONS = {
    "selected-equal-shares": "Financé par les parts égales de ses soutiens",
    "selected-free": "Projet gratuit soutenu",
    "selected-greedy": "Financé dans l'ordre des voix par euro",
    "selected-optimal": "Fait partie de l'ensemble le plus soutenu",
    "no-support": "Aucun soutien",
    "cost-exceeds-budget": "Coûte plus que le budget total",
    "supporters-money-exhausted": "Ses soutiens n'avaient plus assez de budget",
    "over-remaining-budget": "Coûte plus que le budget restant",
    "not-in-optimal-set": "Hors de l'ensemble le plus soutenu",
}
"""Default French labels of the reason codes (the web app may use its own translations)."""


def _num(value: Any) -> Any:
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


@dataclass
class ProjectExplanation:
    project: str
    selected: bool
    reason: str
    cost: Fraction
    supporters: int
    round: int | None = None  # 1-based position in the selection order (selected projects)
    stage: str | None = None  # "free", "mes", "greedy", "optimal"
    rho: float | None = None
    price: float | None = None
    payers: int | None = None
    full_payers: int | None = None
    total_paid: float | None = None
    density: float | None = None
    remaining_budget: Fraction | None = None
    mes_round: int | None = None
    money: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            out[f.name] = _num(value)
        return out


@dataclass
class Outcome:
    rule: str
    sat: str
    selected: list[str]
    explanations: dict[str, ProjectExplanation]
    budget: Fraction
    total_cost: Fraction
    voters: int
    budget_per_voter: Fraction | None = None
    add1_increments: int | None = None
    mes_runs: int | None = None
    welfare: Fraction | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rejected(self) -> list[str]:
        chosen = set(self.selected)
        return [pid for pid in self.explanations if pid not in chosen]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "sat": self.sat,
            "selected": list(self.selected),
            "budget": _num(self.budget),
            "total_cost": _num(self.total_cost),
            "voters": self.voters,
        }
        if self.budget_per_voter is not None:
            out["budget_per_voter"] = float(self.budget_per_voter)
        for key in ("add1_increments", "mes_runs"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.welfare is not None:
            out["welfare"] = _num(self.welfare)
        out.update(self.extra)
        out["projects"] = [e.to_dict() for e in self.explanations.values()]
        return out
