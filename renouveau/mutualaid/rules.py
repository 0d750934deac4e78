"""Permissions of mutual aid (tested as a matrix persona × state in tests/test_rules.py)."""

import rules

from renouveau.core.rules import (
    is_administrator,
    is_commune_agent,
    is_metropolis_agent,
    is_moderator,
)


@rules.predicate
def is_post_author(user, post) -> bool:
    return bool(getattr(user, "is_authenticated", False) and post is not None) and (
        post.author_id == user.pk
    )


@rules.predicate
def is_match_participant(user, match) -> bool:
    if not getattr(user, "is_authenticated", False) or match is None:
        return False
    return user.pk in match.participants()


@rules.predicate
def is_match_answerer(user, match) -> bool:
    if not getattr(user, "is_authenticated", False) or match is None:
        return False
    return match.status == "proposed" and user.pk == match.answerer_id()


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return organisation.membership_set.filter(user=user).exists()


@rules.predicate
def belongs_to_an_organisation(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.organisations.exists()


@rules.predicate
def is_agent_of_post_commune(user, post) -> bool:
    """A commune agent of the commune where an offer or a request is."""
    if not getattr(user, "is_authenticated", False) or post is None:
        return False
    return post.commune_id in user.agent_commune_ids()


can_moderate = is_moderator | is_administrator
# The audit log of an offer or a request (``core:audit_log``, which checks these rules with the
# object): the metropolis' agents, moderators, administrators and the agents of its commune —
# not the agents of another commune.
can_read_post_log = (
    is_metropolis_agent | can_moderate | (is_commune_agent & is_agent_of_post_commune)
)

rules.add_perm("mutualaid.add_post", rules.is_authenticated)
rules.add_perm("mutualaid.close_post", is_post_author)
rules.add_perm("mutualaid.view_match", is_match_participant)
rules.add_perm("mutualaid.answer_match", is_match_answerer)
rules.add_perm("mutualaid.add_initiative", belongs_to_an_organisation)
rules.add_perm("mutualaid.publish_initiative_for", is_organisation_member)
rules.add_perm("mutualaid.report", rules.is_authenticated)
rules.add_perm("mutualaid.moderate", can_moderate)
rules.add_perm("mutualaid.view_auditlog_helpoffer", can_read_post_log)
rules.add_perm("mutualaid.view_auditlog_helprequest", can_read_post_log)
