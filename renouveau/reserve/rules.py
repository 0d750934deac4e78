"""Permissions of the citizen reserve (tested as a matrix persona × state in tests/).

- Volunteers are validated by metropolis agents, the crisis cell, administrators, or commune
  agents for a volunteer who acts in one of their communes.
- Missions are created by the same agents (commune agents for their communes only) and managed
  by their organiser or by a metropolis agent / crisis cell member / administrator.
- Warning signals are triaged by the crisis cell (and administrators); metropolis agents may
  view them.
"""

import rules

from renouveau.accounts.roles import Role
from renouveau.core.rules import (
    is_administrator,
    is_commune_agent,
    is_crisis_cell,
    is_metropolis_agent,
)

is_reserve_manager = is_metropolis_agent | is_crisis_cell | is_administrator
is_reserve_agent = is_reserve_manager | is_commune_agent


@rules.predicate
def is_active_volunteer(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    volunteer = getattr(user, "volunteer", None)
    return volunteer is not None and volunteer.is_active


@rules.predicate
def is_agent_of_volunteer_commune(user, volunteer) -> bool:
    if volunteer is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.has_role(Role.COMMUNE_AGENT):
        return False
    managed = user.agent_commune_ids()
    return bool(managed) and volunteer.communes.filter(pk__in=managed).exists()


@rules.predicate
def is_mission_organiser(user, mission) -> bool:
    return bool(getattr(user, "is_authenticated", False) and mission is not None) and (
        mission.organiser_id == user.pk
    )


@rules.predicate
def is_agent_of_mission_commune(user, mission) -> bool:
    if mission is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.has_role(Role.COMMUNE_AGENT):
        return False
    return mission.commune_id in user.agent_commune_ids()


@rules.predicate
def is_signal_reporter(user, signal) -> bool:
    return bool(getattr(user, "is_authenticated", False) and signal is not None) and (
        signal.reporter_id == user.pk
    )


can_triage = is_crisis_cell | is_administrator
can_view_signals = can_triage | is_metropolis_agent
# The organiser manages their mission only while they are still an agent: someone whose agent
# role was withdrawn no longer sees the volunteers' contacts.
can_manage_mission = (
    is_reserve_manager | (is_mission_organiser & is_reserve_agent) | is_agent_of_mission_commune
)

rules.add_perm("reserve.enrol", rules.is_authenticated)
rules.add_perm("reserve.list_volunteers", is_reserve_agent)
rules.add_perm("reserve.view_volunteer", is_reserve_manager | is_agent_of_volunteer_commune)
rules.add_perm("reserve.validate_volunteer", is_reserve_manager | is_agent_of_volunteer_commune)
rules.add_perm("reserve.distinguish_volunteer", is_reserve_manager | is_agent_of_volunteer_commune)
# Phone numbers and e-mail addresses of the whole reserve: the crisis cell only.
rules.add_perm("reserve.view_contacts", is_crisis_cell | is_administrator)
rules.add_perm("reserve.add_mission", is_reserve_agent)
rules.add_perm("reserve.change_mission", can_manage_mission)
rules.add_perm("reserve.signup_mission", is_active_volunteer)
rules.add_perm("reserve.report_signal", rules.is_authenticated)
rules.add_perm("reserve.view_signal", is_signal_reporter | can_view_signals)
rules.add_perm("reserve.list_signals", can_view_signals)
rules.add_perm("reserve.triage_signal", can_triage)
