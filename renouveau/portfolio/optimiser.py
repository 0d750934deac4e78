"""Programming under constraints: choose the set of projects that maximises the total utility
under yearly budgets, minimum spending, balance and logical constraints, solved exactly as a
0-1 integer programme with ``scipy.optimize.milp`` (HiGHS). Pure NumPy/SciPy, no Django.

Every constraint belongs to a named ``Group`` (one budget year, one chantier's yearly minimum,
one mandatory project...), so that results and explanations speak of the groups people set:

- ``solve`` returns the programme and how much of each group is used;
- ``explain`` tells why a project is in or out: which group it would break if added alone, and
  the cost in utility of forcing it in (or out), found by solving again;
- ``diagnose`` finds, when the constraints cannot all hold, an irreducible set of groups that
  conflict (a deletion filter: drop each group in turn, keep it only if the rest becomes
  feasible without it). Infeasibility is a result, never an exception.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"
TIME_LIMIT = "time_limit"
ERROR = "error"

DEFAULT_TIME_LIMIT = 20.0
# Exact by default: HiGHS stops only when the optimality gap is closed (or at the time limit,
# when the result says "time_limit" and carries the proven relative gap to the optimum).
DEFAULT_GAP = 0.0


@dataclass
class Group:
    """One named constraint, as rows ``lb <= A x <= ub`` (A is k × n, sparse)."""

    key: str
    label: str
    kind: str
    rows: sparse.csr_matrix
    lb: np.ndarray
    ub: np.ndarray
    unit_scale: float = 1.0  # to print amounts (e.g. 1e6 for M€)


def _row(n: int, coefficients: dict[int, float] | np.ndarray) -> sparse.csr_matrix:
    if isinstance(coefficients, dict):
        cols = np.fromiter(coefficients.keys(), dtype=int, count=len(coefficients))
        vals = np.fromiter(coefficients.values(), dtype=float, count=len(coefficients))
        return sparse.csr_matrix((vals, (np.zeros(len(cols), dtype=int), cols)), shape=(1, n))
    return sparse.csr_matrix(np.asarray(coefficients, dtype=float).reshape(1, n))


def at_most(key, label, kind, n, coefficients, bound, *, unit_scale=1.0) -> Group:
    return Group(key, label, kind, _row(n, coefficients), np.array([-np.inf]),
                 np.array([float(bound)]), unit_scale)  # fmt: skip


def at_least(key, label, kind, n, coefficients, bound, *, unit_scale=1.0) -> Group:
    return Group(key, label, kind, _row(n, coefficients), np.array([float(bound)]),
                 np.array([np.inf]), unit_scale)  # fmt: skip


def force_in(key, label, n, i) -> Group:
    return at_least(key, label, "mandatory", n, {i: 1.0}, 1)


def force_out(key, label, n, i) -> Group:
    return at_most(key, label, "excluded", n, {i: 1.0}, 0)


def incompatible(key, label, n, i, j) -> Group:
    return at_most(key, label, "incompatible", n, {i: 1.0, j: 1.0}, 1)


def requires(key, label, n, i, j) -> Group:
    """Project i may be chosen only if project j is chosen: x_i - x_j <= 0."""
    return at_most(key, label, "requires", n, {i: 1.0, j: -1.0}, 0)


def min_share(key, label, n, member_costs: np.ndarray, all_costs: np.ndarray, share: float):
    """Members' cost at least ``share`` of the whole programme's cost (linear):
    sum_T c_i x_i - share * sum c_i x_i >= 0."""
    return at_least(key, label, "share", n, member_costs - share * all_costs, 0)


@dataclass
class Problem:
    utility: np.ndarray  # per project, >= 0
    groups: list[Group]
    names: Sequence[str] = ()

    @property
    def size(self) -> int:
        return len(self.utility)


@dataclass
class GroupUse:
    """How a programme uses a group. ``blocks``: left-out projects that the group alone keeps
    out (adding one of them alone would break it); ``forces``: chosen projects that the group
    alone keeps in (removing one alone would break it). The group limits the choice
    ("binding") when either is positive."""

    group: Group
    activity: float
    blocks: int = 0
    forces: int = 0

    @property
    def binding(self) -> bool:
        return self.blocks > 0 or self.forces > 0


@dataclass
class Solution:
    status: str
    selected: np.ndarray  # bool per project
    objective: float
    seconds: float
    uses: list[GroupUse] = field(default_factory=list)
    conflict: list[Group] = field(default_factory=list)
    conflict_minimal: bool = True
    message: str = ""
    gap: float | None = None  # proven relative gap to the optimum (0 when optimal)
    bound: float | None = None  # proven upper bound on the utility (= objective when optimal)

    @property
    def feasible(self) -> bool:
        return self.status in (OPTIMAL, TIME_LIMIT) and self.selected is not None


def _stack(groups: Sequence[Group], n: int):
    if not groups:
        return None
    matrix = sparse.vstack([g.rows for g in groups], format="csr")
    lb = np.concatenate([g.lb for g in groups])
    ub = np.concatenate([g.ub for g in groups])
    return matrix, lb, ub


def _milp(utility, groups, *, feasibility_only=False, time_limit=DEFAULT_TIME_LIMIT,
          gap=DEFAULT_GAP):  # fmt: skip
    n = len(utility)
    stacked = _stack(groups, n)
    constraints = [LinearConstraint(*stacked)] if stacked else []
    c = np.zeros(n) if feasibility_only else -np.asarray(utility, dtype=float)
    return milp(
        c,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": gap, "presolve": True},
    )


def _tolerance(bound: float) -> float:
    return 1e-6 * max(1.0, abs(bound))


def _breaks(g: Group, values: np.ndarray) -> np.ndarray:
    """For a (k × m) array of row activities, which columns break the group's bounds."""
    lb, ub = g.lb[:, None], g.ub[:, None]
    tol_u = np.where(np.isfinite(ub), 1e-6 * np.maximum(1.0, np.abs(ub)), 0)
    tol_l = np.where(np.isfinite(lb), 1e-6 * np.maximum(1.0, np.abs(lb)), 0)
    return ((values > ub + tol_u) | (values < lb - tol_l)).any(axis=0)


def group_uses(groups: Sequence[Group], x: np.ndarray) -> list[GroupUse]:
    x = np.asarray(x, dtype=float)
    chosen = x > 0.5
    uses = []
    for g in groups:
        activity = g.rows @ x
        dense = g.rows.toarray()  # k × n, k is 1 for every group built here
        # Adding project i (if out) or removing it (if in): activity ± its column.
        moved = activity[:, None] + np.where(chosen, -dense, dense)
        broken = _breaks(g, moved) & np.any(dense != 0, axis=0)
        uses.append(
            GroupUse(
                g,
                float(activity.sum()),
                int((broken & ~chosen).sum()),
                int((broken & chosen).sum()),
            )
        )
    return uses


def violated(groups: Sequence[Group], x: np.ndarray) -> list[tuple[Group, float]]:
    """Groups that ``x`` breaks, with by how much (in the group's own unit)."""
    result = []
    for g in groups:
        activity = g.rows @ x
        over = np.where(np.isfinite(g.ub), activity - g.ub, -np.inf)
        under = np.where(np.isfinite(g.lb), g.lb - activity, -np.inf)
        excess = float(max(over.max(), under.max()))
        if excess > _tolerance(excess):
            result.append((g, excess))
    return result


def feasibility(problem: Problem, groups: Sequence[Group], *, time_limit=DEFAULT_TIME_LIMIT):
    """True if the groups can hold together, False if proven not, None if unknown (time)."""
    result = _milp(problem.utility, groups, feasibility_only=True, time_limit=time_limit)
    if result.x is not None and result.status in (0, 1):
        return True
    if result.status == 2:
        return False
    return None


def feasible(problem: Problem, groups: Sequence[Group], *, time_limit=DEFAULT_TIME_LIMIT) -> bool:
    return feasibility(problem, groups, time_limit=time_limit) is True


def diagnose(
    problem: Problem, groups: Sequence[Group] | None = None, *, max_solves: int = 200,
    time_limit: float = 10.0, deadline_seconds: float = 30.0,
) -> tuple[list[Group], bool]:  # fmt: skip
    """An irreducible subset of ``groups`` that cannot hold together, and whether it is proven
    minimal (False when ``max_solves``, the overall ``deadline_seconds`` or an undecided check
    came first: the set then still conflicts, but may hold a few groups too many). Empty when
    the groups are feasible.

    Groups are first filtered by kind (all budgets, all mandatory projects...), then one by
    one, so that thousands of simple groups need few solves. A group is dropped only when the
    rest is *proven* infeasible without it."""
    groups = list(problem.groups if groups is None else groups)
    deadline = time.perf_counter() + deadline_seconds
    minimal = True

    def check(trial):
        nonlocal minimal
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            minimal = False
            return None
        answer = feasibility(problem, trial, time_limit=min(time_limit, remaining))
        if answer is None:
            minimal = False
        return answer

    if check(groups) is not False:
        return ([], True) if minimal else (groups, False)
    solves = 1
    core = groups
    for kind in dict.fromkeys(g.kind for g in groups):
        trial = [g for g in core if g.kind != kind]
        solves += 1
        if trial and check(trial) is False:
            core = trial
    for g in list(core):
        if solves >= max_solves or time.perf_counter() >= deadline:
            minimal = False
            break
        trial = [h for h in core if h is not g]
        solves += 1
        if trial and check(trial) is False:
            core = trial
    return core, minimal


def solve(
    problem: Problem,
    *,
    extra: Iterable[Group] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
    gap: float = DEFAULT_GAP,
    diagnose_infeasible: bool = True,
) -> Solution:
    groups = [*problem.groups, *extra]
    started = time.perf_counter()
    n = problem.size
    if n == 0:
        return Solution(OPTIMAL, np.zeros(0, dtype=bool), 0.0, 0.0, group_uses(groups, np.zeros(0)))
    result = _milp(problem.utility, groups, time_limit=time_limit, gap=gap)
    seconds = time.perf_counter() - started
    if result.x is not None and result.status in (0, 1):
        x = np.round(result.x).astype(int)
        selected = x.astype(bool)
        status = OPTIMAL if result.status == 0 else TIME_LIMIT
        objective = float(problem.utility @ x)
        gap = getattr(result, "mip_gap", None)
        bound = getattr(result, "mip_dual_bound", None)
        return Solution(
            status, selected, objective, seconds, group_uses(groups, x), message=result.message,
            gap=0.0 if status == OPTIMAL else (float(gap) if gap is not None else None),
            bound=objective if status == OPTIMAL else (-float(bound) if bound is not None else None),
        )  # fmt: skip
    if result.status == 2:
        conflict, minimal = diagnose(problem, groups) if diagnose_infeasible else (groups, False)
        return Solution(INFEASIBLE, None, 0.0, time.perf_counter() - started,
                        conflict=conflict, conflict_minimal=minimal, message=result.message)  # fmt: skip
    status = TIME_LIMIT if result.status == 1 else ERROR
    return Solution(status, None, 0.0, seconds, message=result.message)


@dataclass
class Explanation:
    index: int
    selected: bool
    # Groups the project would break if added alone to (or removed alone from) the programme.
    blocking: list[tuple[Group, float]] = field(default_factory=list)
    # Re-solving with the project forced the other way:
    alternative_status: str = ""
    utility_cost: float | None = None  # utility lost by forcing it (>= 0)
    entering: list[int] = field(default_factory=list)
    leaving: list[int] = field(default_factory=list)
    alternative_binding: list[Group] = field(default_factory=list)
    conflict: list[Group] = field(default_factory=list)


def explain(problem: Problem, solution: Solution, index: int, *,
            time_limit: float = DEFAULT_TIME_LIMIT) -> Explanation:  # fmt: skip
    """Why project ``index`` is in (or out of) ``solution``."""
    if not solution.feasible:
        raise ValueError("no programme to explain")
    n = problem.size
    x = solution.selected.astype(int)
    selected = bool(x[index])
    name = problem.names[index] if len(problem.names) > index else str(index)
    toggled = x.copy()
    toggled[index] = 0 if selected else 1
    explanation = Explanation(index=index, selected=selected)
    explanation.blocking = violated(problem.groups, toggled)
    forced = (
        force_out(f"force-out:{index}", f"« {name} » écarté", n, index)
        if selected
        else force_in(f"force-in:{index}", f"« {name} » retenu", n, index)
    )
    alternative = solve(problem, extra=[forced], time_limit=time_limit, diagnose_infeasible=False)
    explanation.alternative_status = alternative.status
    if alternative.feasible:
        explanation.utility_cost = max(0.0, solution.objective - alternative.objective)
        explanation.entering = [
            int(i) for i in np.nonzero(alternative.selected & ~solution.selected)[0] if i != index
        ]
        explanation.leaving = [
            int(i) for i in np.nonzero(solution.selected & ~alternative.selected)[0] if i != index
        ]
        explanation.alternative_binding = [
            u.group for u in alternative.uses if u.blocks and u.group is not forced
        ]
    elif alternative.status == INFEASIBLE:
        conflict, _minimal = diagnose(problem, [*problem.groups, forced])
        explanation.conflict = [g for g in conflict if g is not forced]
    return explanation
