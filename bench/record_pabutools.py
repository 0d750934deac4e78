"""Record pabutools' outcomes on the shared pabulib instances (reference for the tests).

Usage::

    .venv/bin/python bench/record_pabutools.py [--dir ../shared/pabulib] [--timeout 120]
        [--only NAME ...] [--rules greedy,mes,...] [--force]

Each (instance, rule, satisfaction) is computed by pabutools in a child process killed after
``--timeout`` seconds; such entries are stored as ``{"timeout": N}`` and skipped by the tests.
Results are merged into ``renouveau/budgets/rules/tests/data/pabutools_outcomes.json`` (existing
entries are kept unless ``--force``), with the SHA-256 of each file so that the tests notice a
changed instance.  ``mes-add1-greedy`` is pabutools' greedy completion of its ``mes-add1`` outcome.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DIR = ROOT.parent / "shared" / "pabulib"
OUT = ROOT / "renouveau" / "budgets" / "rules" / "tests" / "data" / "pabutools_outcomes.json"
RULES = ("greedy", "mes", "mes-add1", "optimal")  # mes-add1-greedy is derived from mes-add1


def _worker(path: str, rule: str, sat: str, queue) -> None:
    warnings.simplefilter("ignore")
    from pabutools.election import (
        Additive_Cardinal_Sat,
        Cardinality_Sat,
        Cost_Sat,
        parse_pabulib,
    )
    from pabutools.rules import (
        MaxAddUtilWelfareAlgo,
        greedy_utilitarian_welfare,
        max_additive_utilitarian_welfare,
        method_of_equal_shares,
    )

    sat_class = {"cost": Cost_Sat, "cardinality": Cardinality_Sat, "points": Additive_Cardinal_Sat}[
        sat
    ]
    instance, profile = parse_pabulib(path)
    t0 = time.perf_counter()
    c0 = time.process_time()
    out = {}
    if rule.startswith("mes@"):
        # one MES run with the per-voter budget budget/n + k (checks a run of our Add1 when
        # pabutools' own Add1 does not finish)
        from pabutools.election import AbstractApprovalProfile
        from pabutools.fractions import frac
        from pabutools.rules.budgetallocation import BudgetAllocation
        from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
        from pabutools.tiebreaking import lexico_tie_breaking

        k = int(rule[4:])
        res = method_of_equal_shares_scheme(
            instance,
            profile,
            profile.as_sat_profile(sat_class),
            frac(instance.budget_limit, profile.num_ballots()) + k,
            BudgetAllocation(),
            lexico_tie_breaking,
            binary_sat=isinstance(profile, AbstractApprovalProfile),
        )
        seconds = round(time.perf_counter() - t0, 3)
        queue.put({rule: {"selected": [p.name for p in res], "seconds": seconds, "increment": k}})
        return
    if rule == "greedy":
        res = greedy_utilitarian_welfare(instance, profile, sat_class=sat_class)
    elif rule == "mes":
        res = method_of_equal_shares(instance, profile, sat_class=sat_class)
    elif rule == "optimal":
        res = max_additive_utilitarian_welfare(
            instance, profile, sat_class=sat_class, inner_algo=MaxAddUtilWelfareAlgo.ILP_SOLVER
        )
    else:
        res = method_of_equal_shares(
            instance, profile, sat_class=sat_class, voter_budget_increment=1
        )
        t1, c1 = time.perf_counter(), time.process_time()
        out["mes-add1"] = {
            "selected": [p.name for p in res],
            "seconds": round(t1 - t0, 3),
            "cpu": round(c1 - c0, 3),
        }
        res = greedy_utilitarian_welfare(
            instance, profile, sat_class=sat_class, initial_budget_allocation=res
        )
        rule = "mes-add1-greedy"
    out[rule] = {
        "selected": [p.name for p in res],
        "seconds": round(time.perf_counter() - t0, 3),
        "cpu": round(time.process_time() - c0, 3),
    }
    queue.put(out)


def run_one(path: Path, rule: str, sat: str, timeout: float) -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_worker, args=(str(path), rule, sat, queue))
    proc.start()
    try:
        result = queue.get(timeout=timeout)
    except Exception:  # queue.Empty: timeout (or a crash of the child)
        result = None
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if result is None:
        if proc.exitcode not in (0, None, -9):
            return {"error": f"exit code {proc.exitcode}"}
        names = ["mes-add1", "mes-add1-greedy"] if rule == "mes-add1" else [rule]
        return {name: {"timeout": timeout} for name in names}
    return result


def vote_type(path: Path) -> str:
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            if line.lower().startswith("vote_type;"):
                return line.split(";", 1)[1].strip()
    return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--only", nargs="*", default=None, help="instance file names")
    ap.add_argument("--rules", default=",".join(RULES))
    ap.add_argument("--sats", default="cost,cardinality", help="satisfactions for approval files")
    ap.add_argument("--force", action="store_true", help="recompute entries already recorded")
    ap.add_argument(
        "--retry-timeouts", action="store_true", help="recompute entries that timed out"
    )
    ap.add_argument(
        "--add1-check",
        action="store_true",
        help="where pabutools' Add1 timed out, record its MES runs at our final Add1 budgets",
    )
    args = ap.parse_args(argv)
    from importlib.metadata import version

    import pabutools  # noqa: F401  (fail early if missing)

    data = json.loads(OUT.read_text()) if OUT.exists() else {}
    data["pabutools_version"] = version("pabutools")
    instances = data.setdefault("instances", {})
    files = sorted(args.dir.glob("*.pb"))
    if args.only:
        files = [f for f in files if f.name in set(args.only)]
    for path in files:
        vt = vote_type(path)
        if vt == "ordinal":
            continue
        sats = args.sats.split(",") if vt in ("approval", "choose-1") else ["points"]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entry = instances.setdefault(path.name, {"sha256": digest, "results": {}})
        if entry.get("sha256") != digest:
            entry.update({"sha256": digest, "results": {}})
        results = entry["results"]
        for sat in sats:
            rules = args.rules.split(",")
            if args.add1_check:
                if "timeout" not in results.get(f"mes-add1/{sat}", {}):
                    continue
                # pabutools' Add1 did not finish: record its MES runs at the per-voter budgets
                # where our Add1 stops (k) and the one before (k - 1).
                from renouveau.budgets.rules import read_pabulib, solve

                k = solve(*read_pabulib(path), rule="mes-add1", sat=sat).add1_increments
                rules = [f"mes@{k}"] + ([f"mes@{k - 1}"] if k > 0 else [])
            for rule in rules:
                key = f"{rule}/{sat}"
                old = results.get(key)
                if old and not args.force and not (args.retry_timeouts and "timeout" in old):
                    continue
                print(f"{path.name} {key} ...", end=" ", flush=True)
                res = run_one(path, rule, sat, args.timeout)
                for name, value in res.items():
                    if name == "error":
                        results[key] = {"error": value}
                    else:
                        results[f"{name}/{sat}"] = value
                print(
                    json.dumps(
                        {
                            k: ("timeout" if "timeout" in v else v.get("seconds"))
                            for k, v in res.items()
                            if isinstance(v, dict)
                        }
                    ),
                    flush=True,
                )
                OUT.parent.mkdir(parents=True, exist_ok=True)
                OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
