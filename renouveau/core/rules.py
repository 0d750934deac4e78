"""Role predicates shared by every app (roles are Django groups, see accounts.roles)."""

from __future__ import annotations

import rules

from renouveau.accounts.roles import Role


def _has_role(role: Role):
    @rules.predicate(name=f"has_role_{role.value}")
    def predicate(user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return user.has_role(role)

    return predicate


is_authenticated = rules.is_authenticated
is_superuser = rules.is_superuser
is_metropolis_agent = _has_role(Role.METROPOLIS_AGENT)
is_commune_agent = _has_role(Role.COMMUNE_AGENT)
is_moderator = _has_role(Role.MODERATOR)
is_elected = _has_role(Role.ELECTED)
is_administrator = _has_role(Role.ADMINISTRATOR) | is_superuser
# Agents who triage warning signals and publish alerts (reserve and alerts apps).
is_crisis_cell = _has_role(Role.CRISIS_CELL)
is_agent = is_metropolis_agent | is_commune_agent | is_administrator
is_staff_member = is_agent | is_moderator | is_elected

rules.add_perm("core.view_auditlog", is_agent | is_moderator)
