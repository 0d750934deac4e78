"""Roles of the platform. Each role is a Django group of the same name; a resident is any
verified user without a role. Commune agents are scoped to their commune(s)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    COMMUNE_AGENT = "commune_agent"
    METROPOLIS_AGENT = "metropolis_agent"
    MODERATOR = "moderator"
    ELECTED = "elected"
    ADMINISTRATOR = "administrator"
    CRISIS_CELL = "crisis_cell"


ROLE_LABELS = {
    Role.COMMUNE_AGENT: _("Agent d'une commune"),
    Role.METROPOLIS_AGENT: _("Agent de la Métropole"),
    Role.MODERATOR: _("Modérateur"),
    Role.ELECTED: _("Élu"),
    Role.ADMINISTRATOR: _("Administrateur"),
    Role.CRISIS_CELL: _("Cellule de crise"),
}

STAFF_ROLES = {
    Role.METROPOLIS_AGENT,
    Role.COMMUNE_AGENT,
    Role.MODERATOR,
    Role.ADMINISTRATOR,
    Role.CRISIS_CELL,
}
