"""Permissions of the monitoring app (rules predicates)."""

from __future__ import annotations

import rules

from renouveau.core.rules import (
    is_administrator,
    is_agent,
    is_commune_agent,
    is_elected,
    is_metropolis_agent,
)


@rules.predicate
def manages_a_commune_of_the_project(user, project) -> bool:
    """A commune agent edits the projects located in one of the communes they manage."""
    if project is None or not getattr(user, "is_authenticated", False):
        return False
    managed = user.agent_commune_ids()
    return bool(managed) and project.communes.filter(pk__in=managed).exists()


can_see_unpublished = is_agent | is_elected
can_manage_projects = is_metropolis_agent | is_administrator

rules.add_perm("monitoring.view_unpublished", can_see_unpublished)
rules.add_perm("monitoring.add_project", can_manage_projects)
rules.add_perm(
    "monitoring.change_project",
    can_manage_projects | (is_commune_agent & manages_a_commune_of_the_project),
)
rules.add_perm("monitoring.delete_project", is_administrator)
