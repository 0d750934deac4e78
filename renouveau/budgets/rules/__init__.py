"""Participatory-budget engine (pure Python/NumPy, no Django).

Public API (see docs/pb-engine.md)::

    from renouveau.budgets.rules import make_election, read_pabulib, solve

    instance, profile = read_pabulib("file.pb")            # or make_election(projects, ballots, budget)
    outcome = solve(instance, profile, rule="mes-add1-greedy", sat="cost")
    outcome.selected, outcome.explanations, outcome.to_dict()
"""

from .model import (
    VOTE_TYPES,
    Ballot,
    Election,
    ElectionError,
    Instance,
    Profile,
    Project,
    make_election,
    validate_election,
)
from .outcome import REASONS, Outcome, ProjectExplanation
from .pabulib import PabulibError, read_pabulib, write_pabulib
from .solve import RULES, solve, solve_units, split_by_category

__all__ = [
    "REASONS",
    "RULES",
    "VOTE_TYPES",
    "Ballot",
    "Election",
    "ElectionError",
    "Instance",
    "Outcome",
    "PabulibError",
    "Profile",
    "Project",
    "ProjectExplanation",
    "make_election",
    "read_pabulib",
    "solve",
    "solve_units",
    "split_by_category",
    "validate_election",
    "write_pabulib",
]
