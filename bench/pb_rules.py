"""Benchmark of the participatory-budget rules against pabutools, side by side.

Usage::

    .venv/bin/python bench/pb_rules.py [--dir ../shared/pabulib] [--only NAME ...]
        [--rules greedy,mes,mes-add1,mes-add1-greedy,optimal] [--pabutools-timeout 60]
        [--no-pabutools] [--markdown FILE] [--json FILE]

For every shared instance (ordinal ones excluded: the rules need approval or cardinal ballots) and
every rule, our ``solve()`` runs in a fresh child process: wall time and CPU time of the rule
(file reading excluded), and the peak resident memory of the child.  pabutools runs the same rule
in another child killed after the timeout ("timeout >Ns").  ``ratio`` is pabutools' CPU time over
ours (CPU times are less distorted than wall times on a busy machine; after a timeout it is the
timeout over our wall time, a lower bound).  ``same`` says whether both selections
are equal (the optimal rule compares the total satisfaction: ties between optimal sets are left to
each solver).  Satisfaction: cost for approval ballots, points for cumulative ones.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_pabutools import run_one as pabutools_run  # noqa: E402

from renouveau.budgets.rules import read_pabulib, solve  # noqa: E402
from renouveau.budgets.rules.compiled import compile_election  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "pabulib"
RULES = ("greedy", "mes", "mes-add1", "mes-add1-greedy", "optimal")


def _ours(path: str, rule: str, sat: str, queue) -> None:
    import renouveau.budgets.rules.optimal  # noqa: F401  (scipy import time is not the rule's)

    instance, profile = read_pabulib(path)
    w0, c0 = time.perf_counter(), time.process_time()
    outcome = solve(instance, profile, rule=rule, sat=sat)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
    queue.put(
        {
            "selected": outcome.selected,
            "seconds": wall,
            "cpu": cpu,
            "peak_mib": peak,
            "mes_runs": outcome.mes_runs,
            "add1_increments": outcome.add1_increments,
        }
    )


def run_ours(path: Path, rule: str, sat: str) -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_ours, args=(str(path), rule, sat, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def welfare(path: Path, sat: str, selection: list[str]) -> Fraction:
    instance, profile = read_pabulib(path)
    comp = compile_election(instance, profile, sat)
    index = {pid: j for j, pid in enumerate(comp.ids)}
    return sum((comp.total_sat(index[p]) for p in selection), Fraction(0))


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--rules", default=",".join(RULES))
    ap.add_argument("--pabutools-timeout", type=float, default=60.0)
    ap.add_argument("--no-pabutools", action="store_true")
    ap.add_argument("--markdown", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    rules = args.rules.split(",")
    files = sorted(args.dir.glob("*.pb"))
    if args.only:
        files = [f for f in files if f.name in set(args.only) or f.stem in set(args.only)]
    rows = []
    header = (
        f"{'instance':42} {'rule':16} {'ours s':>8} {'cpu s':>8} {'pabutools s (cpu)':>20} "
        f"{'ratio':>8} {'peak MiB':>9} {'same':>5}"
    )
    print(header)
    print("-" * len(header), flush=True)
    for path in files:
        instance, profile = read_pabulib(path)
        if profile.vote_type == "ordinal":
            continue
        sat = "cost" if profile.is_approval else "points"
        theirs_cache: dict[str, dict] = {}
        for rule in rules:
            ours = run_ours(path, rule, sat)
            theirs = None
            if not args.no_pabutools:
                key = "mes-add1" if rule in ("mes-add1", "mes-add1-greedy") else rule
                if key not in theirs_cache:
                    theirs_cache.update(pabutools_run(path, key, sat, args.pabutools_timeout))
                theirs = theirs_cache.get(rule)
            same = ratio = None
            pab_text = "-"
            if theirs and "selected" in theirs:
                pab_text = f"{fmt_s(theirs['seconds'])} ({fmt_s(theirs.get('cpu'))})"
                ratio = theirs.get("cpu", theirs["seconds"]) / max(ours["cpu"], 1e-6)
                if rule == "optimal":
                    same = welfare(path, sat, ours["selected"]) == welfare(
                        path, sat, theirs["selected"]
                    )
                else:
                    same = ours["selected"] == theirs["selected"]
            elif theirs and "timeout" in theirs:
                pab_text = f"timeout >{theirs['timeout']:g}s"
            elif theirs:
                pab_text = "error"
            row = {
                "instance": path.stem,
                "rule": rule,
                "sat": sat,
                "ours_s": ours["seconds"],
                "ours_cpu_s": ours["cpu"],
                "peak_mib": ours["peak_mib"],
                "mes_runs": ours["mes_runs"],
                "add1_increments": ours["add1_increments"],
                "pabutools": pab_text,
                "pabutools_s": theirs.get("seconds") if theirs else None,
                "pabutools_cpu_s": theirs.get("cpu") if theirs else None,
                "ratio": ratio,
                "same": same,
            }
            rows.append(row)
            ratio_text = (
                "-" if ratio is None else (f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x")
            )
            if ratio is None and pab_text.startswith("timeout"):
                ratio_text = f">{args.pabutools_timeout / max(ours['seconds'], 1e-3):.0f}x"
            same_text = {None: "-", True: "yes", False: "NO"}[same]
            print(
                f"{path.stem[:42]:42} {rule:16} {fmt_s(ours['seconds']):>8} "
                f"{fmt_s(ours['cpu']):>8} {pab_text:>20} {ratio_text:>8} "
                f"{ours['peak_mib']:9.0f} {same_text:>5}",
                flush=True,
            )
            row["ratio_text"] = ratio_text
    total = sum(r["ours_s"] for r in rows)
    total_cpu = sum(r["ours_cpu_s"] for r in rows)
    peak = max((r["peak_mib"] for r in rows), default=0)
    mismatches = [r for r in rows if r["same"] is False]
    load = os.getloadavg()
    print()
    print(
        f"total (ours): {total:.1f} s wall, {total_cpu:.1f} s CPU; max peak memory {peak:.0f} MiB"
    )
    print(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for r in rows:
        if (
            r["instance"] == "Poland_Warszawa_2020_Praga-Poludnie"
            and r["rule"] == "mes-add1-greedy"
        ):
            print(f"Praga-Poludnie mes-add1-greedy: {r['ours_s']:.2f} s (target < 5 s)")
    print(f"outcome mismatches with pabutools: {len(mismatches)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    if args.markdown:
        lines = [
            "| instance | rule | ours (s) | ours CPU (s) | pabutools (s) (CPU) | ratio | peak MiB | same |",
            "|---|---|---:|---:|---:|---:|---:|:---:|",
        ]
        for r in rows:
            same_text = {None: "-", True: "yes", False: "NO"}[r["same"]]
            lines.append(
                f"| {r['instance']} | {r['rule']} | {fmt_s(r['ours_s'])} | {fmt_s(r['ours_cpu_s'])} "
                f"| {r['pabutools']} | {r['ratio_text']} | {r['peak_mib']:.0f} | {same_text} |"
            )
        lines.append("")
        lines.append(
            f"Total (ours): {total:.1f} s wall, {total_cpu:.1f} s CPU; max peak memory {peak:.0f} MiB; "
            f"load average {load[0]:.1f}."
        )
        args.markdown.write_text("\n".join(lines) + "\n")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
