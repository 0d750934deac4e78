"""Permissions of the portfolio app (rules predicates)."""

from __future__ import annotations

import rules

from renouveau.core.rules import is_administrator, is_agent, is_elected, is_metropolis_agent


@rules.predicate
def scenario_is_public(user, scenario) -> bool:
    return scenario is not None and scenario.is_public


can_assess = is_agent | is_elected
can_manage_scenarios = is_metropolis_agent | is_administrator

rules.add_perm("portfolio.assess_project", can_assess)
rules.add_perm("portfolio.view_individual_scores", can_assess)
rules.add_perm("portfolio.manage_scenarios", can_manage_scenarios)
rules.add_perm("portfolio.view_scenario", scenario_is_public | can_assess)
