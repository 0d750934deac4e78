"""Entry point: ``solve(instance, profile, rule, sat) -> Outcome`` and per-unit budgets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from .compiled import Compiled, compile_election
from .greedy import GreedyStep, greedy
from .mes import MES, MESRun, mes_add1
from .model import Ballot, Election, ElectionError, Instance, Profile, Project, to_fraction
from .outcome import Outcome, ProjectExplanation

RULES = ("greedy", "mes", "mes-add1", "mes-add1-greedy", "optimal")


def solve(
    instance: Instance, profile: Profile, rule: str = "mes-add1-greedy", sat: str | None = "cost"
) -> Outcome:
    """Compute the outcome of ``rule`` (one of :data:`RULES`).

    ``sat``: ``"cost"`` (default) or ``"cardinality"`` for approval/choose-1 ballots; for
    cumulative/scoring ballots the satisfaction is always the points (``"cost"``, ``None`` and
    ``"points"`` all mean the points there).  Ordinal ballots are not supported by the rules.
    """
    if rule not in RULES:
        raise ElectionError(f"unknown rule {rule!r} (expected one of {', '.join(RULES)})")
    comp = compile_election(instance, profile, sat)
    if rule == "greedy":
        sel, steps = greedy(comp)
        return _outcome(comp, rule, sel, None, steps)
    if rule == "optimal":
        from .optimal import optimal  # scipy.optimize is slow to import: only when needed

        sel, welfare = optimal(comp)
        out = _outcome(comp, rule, sel, None, None, optimal_set=True)
        out.welfare = welfare
        return out
    mes = MES(comp)
    n = comp.n_voters
    if n == 0:
        run, k, runs = None, None, 0
    elif rule == "mes":
        run = mes.run(comp.budget / n, track=False)
        k, runs = None, 1
    else:
        run, k, runs = mes_add1(mes, comp.budget, n)
    mes_sel = list(mes.zero_cost) + (run.selected if run else [])
    steps = None
    sel = mes_sel
    if rule == "mes-add1-greedy":
        sel, steps = greedy(comp, mes_sel)
    out = _outcome(comp, rule, sel, (mes, run), steps)
    if run is not None:
        out.budget_per_voter = run.b0
        out.mes_runs = runs
        if k is not None:
            out.add1_increments = k
    return out


def _outcome(
    comp: Compiled,
    rule: str,
    sel: list[int],
    mes_part: tuple[MES, MESRun | None] | None,
    steps: list[GreedyStep] | None,
    optimal_set: bool = False,
) -> Outcome:
    ids = comp.ids
    expl: dict[str, ProjectExplanation] = {}
    position = {j: r + 1 for r, j in enumerate(sel)}
    for j, pid in enumerate(ids):
        expl[pid] = ProjectExplanation(
            project=pid,
            selected=j in position,
            reason="",
            cost=comp.costs[j],
            supporters=comp.supporters(j),
            round=position.get(j),
        )
    if mes_part is not None:
        mes, run = mes_part
        for j in mes.zero_cost:
            e = expl[ids[j]]
            e.reason, e.stage = "selected-free", "free"
        for j in mes.unsupported:
            expl[ids[j]].reason = "no-support"
        if run is not None:
            for r in run.rounds:
                e = expl[ids[r.project]]
                e.reason, e.stage = "selected-equal-shares", "mes"
                e.rho, e.price = r.rho, r.pi
                e.payers, e.full_payers = r.payers()
                e.total_paid = float(comp.costs[r.project])
            for j, drop in run.drops.items():
                e = expl[ids[j]]
                e.reason = "supporters-money-exhausted"
                e.mes_round, e.money = drop.round, drop.money
    if steps is not None:
        for s in steps:
            e = expl[ids[s.project]]
            e.density = None if s.density is None else float(s.density)
            e.remaining_budget = s.remaining_before
            if s.selected:
                e.reason, e.stage = "selected-greedy", "greedy"
            else:
                e.reason = "over-remaining-budget"
    if optimal_set:
        for j, pid in enumerate(ids):
            e = expl[pid]
            if j in position:
                e.reason, e.stage = "selected-optimal", "optimal"
            else:
                e.reason = "not-in-optimal-set" if comp.total_sat(j) > 0 else "no-support"
    for j, pid in enumerate(ids):
        e = expl[pid]
        if not e.selected and comp.costs[j] > comp.budget:
            e.reason = "cost-exceeds-budget"
        if not e.reason:  # cannot happen; keeps the data total
            e.reason = "no-support" if comp.total_sat(j) <= 0 else "not-selected"
    total = sum((comp.costs[j] for j in sel), Fraction(0))
    return Outcome(
        rule=rule,
        sat=comp.sat,
        selected=[ids[j] for j in sel],
        explanations=expl,
        budget=comp.budget,
        total_cost=total,
        voters=comp.n_voters,
    )


# ---------------------------------------------------------------- units (category, district)
def split_by_category(
    instance: Instance,
    profile: Profile,
    budgets: Mapping[str, object],
    unit_of: Callable[[Project], str | None] | None = None,
    keep_empty_ballots: bool = True,
) -> dict[str, Election]:
    """One election per unit (category by default), each with its own budget.

    ``budgets`` maps a unit to its budget.  ``unit_of(project)`` gives the unit of a project; by
    default its only category among the keys of ``budgets`` (a project in several of them is an
    error; a project in none is left out).  Ballots are restricted to the projects of the unit;
    voters who voted for none of them are kept (they hold a share of every unit's budget, as every
    resident does) unless ``keep_empty_ballots`` is false.
    """
    units = {str(k): to_fraction(v, f"budget of {k}") for k, v in budgets.items()}

    def default_unit(p: Project) -> str | None:
        found = [c for c in p.categories if c in units]
        if len(found) > 1:
            raise ElectionError(f"project {p.id} is in several budgeted categories: {found}")
        return found[0] if found else None

    unit_of = unit_of or default_unit
    members: dict[str, list[Project]] = {u: [] for u in units}
    for p in instance.projects:
        u = unit_of(p)
        if u is None:
            continue
        if u not in members:
            raise ElectionError(f"project {p.id} is in unit {u!r} which has no budget")
        members[u].append(p)
    out: dict[str, Election] = {}
    for u, projects in members.items():
        keep = {p.id for p in projects}
        ballots = []
        for b in profile.ballots:
            if b.points is None:
                vote = tuple(x for x in b.vote if x in keep)
                pts = None
            else:
                pairs = [(x, y) for x, y in zip(b.vote, b.points, strict=True) if x in keep]
                vote = tuple(x for x, _ in pairs)
                pts = tuple(y for _, y in pairs)
            if vote or keep_empty_ballots:
                ballots.append(Ballot(vote, pts, b.voter_id, dict(b.extra)))
        meta = dict(instance.meta)
        meta["unit"] = u
        out[u] = Election(Instance(projects, units[u], meta), Profile(ballots, profile.vote_type))
    return out


def solve_units(
    elections: Mapping[str, Election | tuple[Instance, Profile]],
    rule: str = "mes-add1-greedy",
    sat: str | None = "cost",
) -> dict[str, Outcome]:
    """Run ``rule`` separately in every unit (district, category...)."""
    return {unit: solve(e[0], e[1], rule=rule, sat=sat) for unit, e in elections.items()}
