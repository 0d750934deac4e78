"""Permissions of mutual aid (tested as a matrix persona × state in tests/test_rules.py)."""

import rules

from renouveau.core.rules import is_administrator, is_moderator


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


can_moderate = is_moderator | is_administrator

rules.add_perm("mutualaid.add_post", rules.is_authenticated)
rules.add_perm("mutualaid.close_post", is_post_author)
rules.add_perm("mutualaid.view_match", is_match_participant)
rules.add_perm("mutualaid.answer_match", is_match_answerer)
rules.add_perm("mutualaid.add_initiative", belongs_to_an_organisation)
rules.add_perm("mutualaid.publish_initiative_for", is_organisation_member)
rules.add_perm("mutualaid.report", rules.is_authenticated)
rules.add_perm("mutualaid.moderate", can_moderate)
