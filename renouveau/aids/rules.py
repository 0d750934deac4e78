"""Object permissions on aids: a funder's agents manage only the aids their funder owns.

- ``aids.access_backoffice``: agents (and administrators).
- ``aids.add_aid``: an agent member of at least one funder, or an administrator.
- ``aids.change_aid`` / ``aids.submit_aid`` / ``aids.duplicate_aid``: member (any role) of
  the aid's owner, or an administrator.
- ``aids.publish_aid`` / ``aids.archive_aid``: member with the "reviewer" role of the aid's
  owner, or an administrator.
- ``aids.view_aid``: anyone for a published aid; otherwise whoever may change it.
"""

from __future__ import annotations

import rules

from renouveau.core.rules import is_administrator, is_agent


def _memberships(user):
    cached = getattr(user, "_aid_funder_roles", None)
    if cached is None:
        from .models import FunderMembership

        cached = dict(FunderMembership.objects.filter(user=user).values_list("funder_id", "role"))
        user._aid_funder_roles = cached
    return cached


@rules.predicate
def is_funder_member(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_memberships(user))


@rules.predicate
def is_owner_member(user, aid) -> bool:
    if aid is None or not getattr(user, "is_authenticated", False):
        return False
    return aid.owner_id in _memberships(user)


@rules.predicate
def is_owner_reviewer(user, aid) -> bool:
    if aid is None or not getattr(user, "is_authenticated", False):
        return False
    return _memberships(user).get(aid.owner_id) == "reviewer"


@rules.predicate
def is_published(user, aid) -> bool:
    return aid is not None and aid.status == "published"


can_edit = is_administrator | (is_agent & is_owner_member)
can_review = is_administrator | (is_agent & is_owner_reviewer)

rules.add_perm("aids.access_backoffice", is_agent)
rules.add_perm("aids.add_aid", is_administrator | (is_agent & is_funder_member))
rules.add_perm("aids.change_aid", can_edit)
rules.add_perm("aids.submit_aid", can_edit)
rules.add_perm("aids.duplicate_aid", can_edit)
rules.add_perm("aids.publish_aid", can_review)
rules.add_perm("aids.archive_aid", can_review)
rules.add_perm("aids.view_aid", is_published | can_edit)
rules.add_perm("aids.import_aids", is_administrator | (is_agent & is_funder_member))
