"""Permissions of governance (tested as a matrix persona × action in tests/test_rules.py).

Reading is public. Registering to a public meeting and volunteering for a draw need an account.
Agents of the Metropolis (and administrators) run the bodies' life: meetings, minutes, draws,
recommendations and responses, comparison values; commune agents may announce and run
meetings too (many happen in the communes)."""

import rules

from renouveau.core.rules import is_administrator, is_agent, is_metropolis_agent

can_run_bodies = is_metropolis_agent | is_administrator

rules.add_perm("governance.manage_meetings", is_agent)
rules.add_perm("governance.register", rules.is_authenticated)
rules.add_perm("governance.volunteer", rules.is_authenticated)
rules.add_perm("governance.manage_members", can_run_bodies)
rules.add_perm("governance.run_draws", can_run_bodies)
rules.add_perm("governance.manage_recommendations", can_run_bodies)
rules.add_perm("governance.manage_comparisons", can_run_bodies)
