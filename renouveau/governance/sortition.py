"""Stratified drawing of lots, reproducible by anyone from the published data.

No Django here: the published file of a draw (``/gouvernance/tirages/<id>/donnees.json``) holds
the seed, the quotas and every candidate's pseudonymous code and strata, and

    python -m renouveau.governance.sortition donnees.json

prints the same panel. The rule, in full:

1. Each candidate's **rank** is the order of ``SHA-256("<seed>:<code>")`` (hex digest, then
   the code to break a tie): a random order that nobody can choose once the seed is published.
2. The panel is the **first feasible panel in that order**: candidates are taken in rank order;
   a candidate is kept if the quotas can still be met exactly with them (given the candidates
   kept and set aside so far), and set aside otherwise; it stops when every seat is filled.
   "Can still be met" is exact: a small integer programme (cells territory × gender × age band,
   at most the candidates left in each cell, each dimension's totals equal to its quotas) solved
   with SciPy's HiGHS. The answer to "is there a solution" does not depend on the solver, so the
   panel is unique for a given seed and candidate list.
3. If the quotas cannot be met at all, the draw is refused with the reason (a dimension whose
   value has fewer candidates than its quota, or a combination that no panel satisfies).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DIMENSIONS = ("territory", "gender", "age_band")


class QuotaError(ValueError):
    """The quotas cannot be met with these candidates; ``args[0]`` says why (in French, for
    the command line), ``code`` and ``params`` let the web app word it in the user's language
    with display names."""

    def __init__(self, message: str, *, code: str = "", **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Person:
    code: str
    territory: str
    gender: str
    age_band: str

    def value(self, dimension: str) -> str:
        return getattr(self, dimension)


def rank_key(seed: str, code: str) -> tuple[str, str]:
    return (hashlib.sha256(f"{seed}:{code}".encode()).hexdigest(), code)


def ranked(seed: str, people: Iterable[Person]) -> list[Person]:
    return sorted(people, key=lambda p: rank_key(seed, p.code))


def check_quotas(seats: int, quotas: Mapping[str, Mapping[str, int]]) -> None:
    for dimension, values in quotas.items():
        if dimension not in DIMENSIONS:
            raise QuotaError(
                f"Dimension inconnue : {dimension}.", code="dimension", dimension=dimension
            )
        if any(int(n) < 0 for n in values.values()):
            raise QuotaError(
                f"Un quota de la dimension {dimension} est négatif.",
                code="negative",
                dimension=dimension,
            )
        total = sum(int(n) for n in values.values())
        if total != seats:
            raise QuotaError(
                f"Les quotas de la dimension {dimension} totalisent {total} sièges "
                f"au lieu de {seats}.",
                code="total",
                dimension=dimension,
                total=total,
                seats=seats,
            )


def _feasible(
    cells: Mapping[tuple[str, str, str], int],
    need: Mapping[str, Mapping[str, int]],
    seats_left: int,
) -> bool:
    """Can ``seats_left`` people be picked, at most ``cells[c]`` in cell c, so that every
    dimension's remaining quotas are met exactly?"""
    if seats_left == 0:
        return all(n == 0 for values in need.values() for n in values.values())
    if sum(cells.values()) < seats_left:
        return False
    for dimension, values in need.items():
        index = DIMENSIONS.index(dimension)
        available = Counter()
        for cell, count in cells.items():
            available[cell[index]] += count
        if any(n < 0 or available[value] < n for value, n in values.items()):
            return False
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    keys = [c for c, n in cells.items() if n > 0]
    rows, bounds = [np.ones(len(keys))], [seats_left]
    for dimension, values in need.items():
        index = DIMENSIONS.index(dimension)
        for value in set(values) | {c[index] for c in keys}:
            rows.append(np.array([1.0 if c[index] == value else 0.0 for c in keys]))
            bounds.append(values.get(value, 0))
    matrix = np.vstack(rows)
    target = np.array(bounds, dtype=float)
    result = milp(
        c=np.zeros(len(keys)),
        constraints=LinearConstraint(matrix, target, target),
        integrality=np.ones(len(keys)),
        bounds=Bounds(np.zeros(len(keys)), np.array([cells[c] for c in keys], dtype=float)),
    )
    return result.status == 0


def _cells(people: Iterable[Person]) -> Counter:
    return Counter((p.territory, p.gender, p.age_band) for p in people)


def draw(
    *, seed: str, seats: int, quotas: Mapping[str, Mapping[str, int]], people: Sequence[Person]
) -> tuple[list[Person], list[Person]]:
    """Return ``(order, panel)``: every candidate in rank order, and the people drawn."""
    if seats < 1:
        raise QuotaError("Le nombre de sièges doit être au moins 1.", code="seats")
    if len(people) < seats:
        raise QuotaError(
            f"Il y a {len(people)} candidatures pour {seats} sièges : pas assez pour tirer au sort.",
            code="too_few",
            count=len(people),
            seats=seats,
        )
    check_quotas(seats, quotas)
    need = {d: {v: int(n) for v, n in values.items()} for d, values in quotas.items()}
    for dimension, values in need.items():
        counts = Counter(p.value(dimension) for p in people)
        for value, n in values.items():
            if counts[value] < n:
                raise QuotaError(
                    f"Quota impossible : {n} siège(s) pour « {value} » ({dimension}) mais "
                    f"seulement {counts[value]} candidature(s).",
                    code="value_short",
                    dimension=dimension,
                    value=value,
                    quota=n,
                    count=counts[value],
                )
    order = ranked(seed, people)
    remaining = _cells(order)
    if not _feasible(remaining, need, seats):
        raise QuotaError(
            "Quotas impossibles à satisfaire ensemble : aucune combinaison des candidatures ne "
            "respecte à la fois les quotas par Territoire, par genre et par tranche d'âge.",
            code="joint",
        )
    panel: list[Person] = []
    for person in order:
        if len(panel) == seats:
            break
        cell = (person.territory, person.gender, person.age_band)
        remaining[cell] -= 1
        trial = {
            d: {**values, person.value(d): values.get(person.value(d), 0) - 1}
            for d, values in need.items()
        }
        if all(n >= 0 for values in trial.values() for n in values.values()) and _feasible(
            remaining, trial, seats - len(panel) - 1
        ):
            panel.append(person)
            need = trial
    return order, panel


def main(argv: Sequence[str]) -> int:
    """Re-run a published draw: ``python -m renouveau.governance.sortition donnees.json``."""
    if len(argv) != 1:
        print("usage: python -m renouveau.governance.sortition donnees.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        data = json.load(handle)
    fingerprint = data.get("seed_fingerprint")
    if fingerprint and hashlib.sha256(data["seed"].encode()).hexdigest() != fingerprint:
        print("la graine ne correspond pas à l'empreinte publiée", file=sys.stderr)
        return 1
    people = [
        Person(c["code"], c["territory"], c["gender"], c["age_band"]) for c in data["candidates"]
    ]
    _order, panel = draw(
        seed=data["seed"], seats=data["seats"], quotas=data["quotas"], people=people
    )
    for person in panel:
        print(person.code)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
