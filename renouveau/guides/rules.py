"""Guides and the situation banner are edited by agents (any agent of the platform)."""

import rules

from renouveau.core.rules import is_agent

rules.add_perm("guides.manage_guides", is_agent)
rules.add_perm("guides.set_banner", is_agent)
