"""Benchmark of the portfolio engine: 2 000 projects over 6 years, 20 constraints.

    .venv/bin/python bench/portfolio.py [--projects 2000] [--seeds 3] [--budget 5]
                                        [--tolerance-limit 30]
    .venv/bin/python bench/portfolio.py --sweep 100,200,300,500 [--seeds 3] [--sweep-limit 30]

Pure engine (renouveau.portfolio.mcda and .optimiser), no database: the instance is
generated like a metropolitan programme. Each project belongs to one of 8 chantiers and one
of 6 Territoires, runs 1 to 4 consecutive years with a yearly cost drawn from a log-normal
law (median 3 M€), and is scored 0-4 on 7 criteria by 3 assessors (the matrix holds their
mean). Constraints (20): a budget per year (6), at least a given amount per year for the
transport chantier (6), each Territoire at least 8 % of the programme's cost (6), one
mandatory project and one incompatible pair (2).

Utilities are weighted sums of means of integer marks, so every programme's utility is a
multiple of the quantum q = 1 / (13 × 4 × 3) = 1/156 (weights sum to 13, scale 0-4, 3
assessors); HiGHS detects it ("objective function is integral with scale 156") and stops as
soon as no better multiple of q remains possible. A programme is *proven optimal* (exact)
when the proven upper bound minus its utility is below one quantum; the bench prints that
distance in quanta.

Prints, per seed: the exact solve (relative gap 0) stopped at the ``--budget`` time limit
(5 s): its status, the utility found, the proven bound and the gap, in % and in quanta; the
time HiGHS needs to reach its default tolerance (relative gap 1e-4, *not* exact), up to
``--tolerance-limit``; and the time of the ranking with sensitivity (weighted sum, TOPSIS and
PROMETHEE II, each of the 7 weights moved by ±20 %, 42 re-rankings in all). ``--sweep`` instead
gives, for smaller programmes, the time to the proven optimum.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from renouveau.portfolio import mcda  # noqa: E402
from renouveau.portfolio import optimiser as opt  # noqa: E402

YEARS = 6
CRITERIA = 7
WEIGHTS = np.array([3, 3, 2, 2, 1, 1, 1], dtype=float)
TRANSPORT = 4


def instance(n: int, seed: int):
    rng = np.random.default_rng(seed)
    workstream = rng.integers(0, 8, n)
    territory = rng.integers(0, 6, n)
    start = rng.integers(0, YEARS, n)
    duration = rng.integers(1, 5, n)
    yearly = rng.lognormal(np.log(3e6), 0.8, n)
    costs = np.zeros((n, YEARS))
    for i in range(n):
        costs[i, start[i] : min(YEARS, start[i] + duration[i])] = yearly[i]
    costs = np.round(costs, -3)
    marks = rng.integers(0, 5, (n, CRITERIA, 3)).mean(axis=2)  # 3 assessors, 0-4 scale
    matrix = marks / 4
    utility = mcda.weighted_sum(matrix, WEIGHTS)
    groups = []
    per_year = costs.sum(axis=0)
    transport = (workstream == TRANSPORT).astype(float)
    for y in range(YEARS):
        groups.append(
            opt.at_most(f"budget:{y}", f"Budget {y}", "budget", n, costs[:, y], 0.35 * per_year[y])
        )
    for y in range(YEARS):
        floor = 0.5 * (costs[:, y] * transport).sum()
        groups.append(
            opt.at_least(
                f"transport:{y}",
                f"Transport {y}",
                "workstream_min",
                n,
                costs[:, y] * transport,
                floor,
            )
        )
    total = costs.sum(axis=1)
    for t in range(6):
        groups.append(
            opt.min_share(f"share:{t}", f"Territoire {t}", n, total * (territory == t), total, 0.08)
        )
    groups.append(opt.force_in("mandatory", "Obligatoire", n, int(np.argmax(total))))
    groups.append(opt.incompatible("incompatible", "Incompatibles", n, 0, 1))
    assert len(groups) == 20
    return matrix, opt.Problem(utility=utility, groups=groups)


QUANTUM = 1 / (WEIGHTS.sum() * 4 * 3)


def describe(solution: opt.Solution, seconds: float) -> str:
    if not solution.feasible:
        return f"{solution.status} after {seconds:.2f} s"
    quanta = (solution.bound - solution.objective) / QUANTUM if solution.bound is not None else None
    proven = "proven optimal" if solution.status == opt.OPTIMAL else "best found"
    return (
        f"{proven} in {seconds:.2f} s, utility {solution.objective:.4f}, bound "
        f"{solution.bound:.4f}, gap {100 * (solution.gap or 0):.4f} % = "
        f"{quanta:.1f} quanta"
    )


def run_main(args) -> None:
    budget_gaps, tolerance_times, rank_times = [], [], []
    for seed in range(args.seeds):
        matrix, problem = instance(args.projects, seed)
        started = time.perf_counter()
        exact = opt.solve(problem, time_limit=args.budget, gap=0.0)
        exact_time = time.perf_counter() - started
        budget_gaps.append(exact.gap if exact.feasible else float("inf"))
        started = time.perf_counter()
        tolerant = opt.solve(problem, time_limit=args.tolerance_limit, gap=1e-4)
        tolerance_times.append(time.perf_counter() - started)
        reached = (
            f"reached in {tolerance_times[-1]:.2f} s"
            if tolerant.status == opt.OPTIMAL
            else f"not reached in {args.tolerance_limit:.0f} s "
            f"(gap {100 * (tolerant.gap or 0):.4f} %)"
        )
        started = time.perf_counter()
        for method in mcda.METHODS:
            mcda.scores_for(method, matrix, WEIGHTS)
            mcda.sensitivity(matrix, WEIGHTS, method=method, delta=0.2)
        rank_times.append(time.perf_counter() - started)
        print(
            f"seed {seed}: exact, {args.budget:g} s limit -> {describe(exact, exact_time)}; "
            f"HiGHS default tolerance (rel. gap 1e-4) {reached}; "
            f"ranking + sensitivity {rank_times[-1] * 1000:.0f} ms",
            flush=True,
        )
    print(
        f"{args.projects} projects x {YEARS} years, 20 constraints, {args.seeds} seeds: "
        f"exact within {args.budget:g} s: "
        f"{sum(g == 0 for g in budget_gaps)}/{args.seeds} proven optimal "
        f"(largest gap {100 * max(budget_gaps):.4f} %); "
        f"ranking + sensitivity median {statistics.median(rank_times) * 1000:.0f} ms "
        f"(max {max(rank_times) * 1000:.0f} ms)"
    )


def run_sweep(args) -> None:
    for size in (int(s) for s in args.sweep.split(",")):
        times = []
        for seed in range(args.seeds):
            _matrix, problem = instance(size, seed)
            started = time.perf_counter()
            solution = opt.solve(problem, time_limit=args.sweep_limit, gap=0.0)
            seconds = time.perf_counter() - started
            times.append(seconds if solution.status == opt.OPTIMAL else float("inf"))
            print(f"{size} projects, seed {seed}: {describe(solution, seconds)}", flush=True)
        shown = ", ".join(f"{t:.2f} s" if t < float("inf") else "not proven" for t in times)
        print(f"{size} projects: time to the proven optimum {shown}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=float, default=5.0, help="time limit of the exact solve")
    parser.add_argument("--tolerance-limit", type=float, default=30.0)
    parser.add_argument("--sweep", default="", help="sizes, e.g. 100,200,300 (instead)")
    parser.add_argument("--sweep-limit", type=float, default=30.0)
    args = parser.parse_args()
    if args.sweep:
        run_sweep(args)
    else:
        run_main(args)


if __name__ == "__main__":
    main()
