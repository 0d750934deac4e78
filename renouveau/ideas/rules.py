"""Permissions of the ideas app (tested as a matrix persona × state)."""

import rules

from renouveau.core.rules import (
    is_administrator,
    is_agent,
    is_commune_agent,
    is_metropolis_agent,
    is_moderator,
)


@rules.predicate
def is_idea_author(user, idea) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False) and idea is not None)
        and idea.author_id == user.pk
    )


@rules.predicate
def is_agent_of_idea_commune(user, idea) -> bool:
    if idea is None or not getattr(user, "is_authenticated", False):
        return False
    return idea.commune_id in user.agent_commune_ids()


@rules.predicate
def is_routed_agent(user, idea) -> bool:
    if idea is None or not idea.routing_rule_id or not getattr(user, "is_authenticated", False):
        return False
    return idea.routing_rule.agents.filter(pk=user.pk).exists()


can_answer = (
    is_metropolis_agent
    | is_administrator
    | (is_commune_agent & is_agent_of_idea_commune)
    # A routing rule may still name someone whose agent role was withdrawn: not them.
    | (is_agent & is_routed_agent)
)
can_moderate = is_moderator | is_administrator

rules.add_perm("ideas.add_idea", rules.is_authenticated)
rules.add_perm("ideas.support_idea", rules.is_authenticated & ~is_idea_author)
rules.add_perm("ideas.comment_idea", rules.is_authenticated)
rules.add_perm("ideas.flag", rules.is_authenticated)
rules.add_perm("ideas.answer_idea", can_answer)
rules.add_perm("ideas.view_answer_queue", is_metropolis_agent | is_commune_agent | is_administrator)
rules.add_perm("ideas.moderate", can_moderate)
