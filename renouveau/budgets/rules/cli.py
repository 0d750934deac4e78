"""Command line: ``renouveau-pb solve FILE.pb --rule ... [--sat ...] [--json]`` and ``renouveau-pb info FILE.pb``.

Exit status: 0 on success, 2 on invalid input (one-line message on stderr naming the line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .compiled import compile_election
from .model import ElectionError
from .pabulib import PabulibError, read_pabulib
from .solve import RULES, solve


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse's convention too)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="renouveau-pb", description="Participatory-budget rules on pabulib files."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p_solve = sub.add_parser("solve", help="compute the selected projects")
    p_solve.add_argument("file", help="pabulib .pb file ('-' for standard input)")
    p_solve.add_argument("--rule", choices=RULES, default="mes-add1-greedy")
    p_solve.add_argument(
        "--sat",
        choices=("cost", "cardinality"),
        default="cost",
        help="satisfaction for approval ballots (cumulative/scoring ballots always use the points)",
    )
    p_solve.add_argument("--json", action="store_true", help="print the outcome with explanations")
    p_info = sub.add_parser("info", help="print the figures of an instance")
    p_info.add_argument("file")
    p_info.add_argument("--json", action="store_true")
    return parser


def _read(path: str):
    if path == "-":
        return read_pabulib(sys.stdin.buffer.read())
    return read_pabulib(path)


def _info(path: str) -> dict:
    instance, profile = _read(path)
    lengths = [len(b.vote) for b in profile.ballots]
    info = {
        "file": path,
        "description": instance.meta.get("description", ""),
        "vote_type": profile.vote_type,
        "budget": float(instance.budget),
        "projects": len(instance.projects),
        "total_cost": float(sum(p.cost for p in instance.projects)),
        "votes": len(profile.ballots),
        "empty_votes": sum(1 for x in lengths if x == 0),
        "mean_vote_length": (sum(lengths) / len(lengths)) if lengths else 0.0,
        "max_vote_length": max(lengths, default=0),
        "categories": instance.categories,
    }
    if profile.vote_type != "ordinal":
        comp = compile_election(instance, profile, None)
        info["distinct_ballots"] = int(comp.units.shape[0])
        info["budget_per_voter"] = float(instance.budget / max(len(profile.ballots), 1))
    for key in ("min_length", "max_length", "min_sum_cost", "max_sum_cost", "max_sum_points"):
        if key in instance.meta:
            info[key] = instance.meta[key]
    return info


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "info":
            info = _info(args.file)
            if args.json:
                print(json.dumps(info, ensure_ascii=False, indent=2))
            else:
                width = max(len(k) for k in info)
                for key, value in info.items():
                    if isinstance(value, list):
                        value = ", ".join(value) if value else "-"
                    elif isinstance(value, float):
                        value = f"{value:,.2f}".replace(",", " ")
                    print(f"{key.ljust(width)}  {value}")
            return 0
        instance, profile = _read(args.file)
        outcome = solve(instance, profile, rule=args.rule, sat=args.sat)
    except PabulibError as exc:
        where = f"{args.file}:{exc.line}" if exc.line else args.file
        print(f"renouveau-pb: error: {where}: {exc.reason}", file=sys.stderr)
        return 2
    except ElectionError as exc:
        print(f"renouveau-pb: error: {args.file}: {exc.reason}", file=sys.stderr)
        return 2
    try:
        if args.json:
            print(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=2))
        else:
            for pid in outcome.selected:
                print(pid)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
