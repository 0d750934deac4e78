"""Permissions of governance (tested as a matrix persona × action in tests/test_rules.py).

Reading is public. Registering to a public meeting and volunteering for a draw need an account.
Agents of the Metropolis (and administrators) run the bodies' life: meetings, minutes, draws,
recommendations and responses, comparison values; commune agents may announce and run
meetings too (many happen in the communes), but only their own: a meeting they announced, or
one held at a place in a commune they manage (``governance.manage_meeting``, per meeting: edit,
cancel, minutes, documents, the list of registrants)."""

import rules

from renouveau.core.rules import (
    is_administrator,
    is_agent,
    is_commune_agent,
    is_metropolis_agent,
)

can_run_bodies = is_metropolis_agent | is_administrator


@rules.predicate
def is_meeting_of_agent(user, meeting) -> bool:
    """The commune agent announced the meeting, or it is held in one of their communes."""
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    if meeting.created_by_id == user.pk:
        return True
    if meeting.place_id is None:
        return False
    return meeting.place.commune_id in user.agent_commune_ids()


rules.add_perm("governance.manage_meetings", is_agent)
rules.add_perm(
    "governance.manage_meeting", can_run_bodies | (is_commune_agent & is_meeting_of_agent)
)
rules.add_perm("governance.register", rules.is_authenticated)
rules.add_perm("governance.volunteer", rules.is_authenticated)
rules.add_perm("governance.manage_members", can_run_bodies)
rules.add_perm("governance.run_draws", can_run_bodies)
rules.add_perm("governance.manage_recommendations", can_run_bodies)
rules.add_perm("governance.manage_comparisons", can_run_bodies)
