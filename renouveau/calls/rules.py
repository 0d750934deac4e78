"""Who may do what in a call, depending on its current phase (tested as persona × phase).

=====================  ===========================================================
permission             who, when
=====================  ===========================================================
calls.manage_call      Metropolis agents and administrators, any phase
calls.submit_project   any signed-in user, during the submission phase
calls.change_submission its author or a co-author, submission phase, not yet reviewed
calls.invite_coauthor  the same people, at the same time (the project may still change)
calls.leave_submission a co-author (never the author), any phase: takes their name off
calls.review_submission Metropolis agents, administrators, and commune agents for a
                       project in their commune; submission and review phases. A merge
                       needs it on both projects (``can_merge``).
calls.withdraw_submission its author (a co-author leaves instead), submission and review
                       phases
calls.comment          any signed-in user, from submission to the end of the vote
calls.moderate_comment moderators and agents, any phase
=====================  ===========================================================
"""

from __future__ import annotations

import rules

from renouveau.core.rules import is_administrator, is_metropolis_agent, is_moderator

from .models import Phase

can_manage_calls = is_metropolis_agent | is_administrator


def _phase_of(obj) -> str | None:
    call = getattr(obj, "call", obj)
    return getattr(call, "phase", None)


@rules.predicate
def call_in_submission(user, obj) -> bool:
    return _phase_of(obj) == Phase.SUBMISSION


@rules.predicate
def call_in_review_window(user, obj) -> bool:
    return _phase_of(obj) in (Phase.SUBMISSION, Phase.REVIEW)


@rules.predicate
def call_open_for_comments(user, obj) -> bool:
    return _phase_of(obj) in (Phase.SUBMISSION, Phase.REVIEW, Phase.VOTE)


@rules.predicate
def is_submission_author(user, submission) -> bool:
    return submission is not None and submission.is_author(user)


@rules.predicate
def is_submission_main_author(user, submission) -> bool:
    return (
        submission is not None
        and getattr(user, "is_authenticated", False)
        and submission.author_id == user.pk
    )


@rules.predicate
def is_submission_coauthor(user, submission) -> bool:
    if submission is None or not getattr(user, "is_authenticated", False):
        return False
    return submission.author_id != user.pk and submission.is_author(user)


@rules.predicate
def submission_not_reviewed(user, submission) -> bool:
    return submission is not None and submission.status == submission.Status.SUBMITTED


@rules.predicate
def submission_is_final(user, submission) -> bool:
    return submission is not None and submission.status in (
        submission.Status.REJECTED,
        submission.Status.MERGED,
        submission.Status.WITHDRAWN,
    )


@rules.predicate
def is_agent_of_submission_commune(user, submission) -> bool:
    if submission is None or not getattr(user, "is_authenticated", False):
        return False
    from renouveau.accounts.roles import Role

    if not user.has_role(Role.COMMUNE_AGENT):
        return False
    return submission.commune_id in user.agent_commune_ids()


@rules.predicate
def is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "erased_at", None)


can_review = can_manage_calls | is_agent_of_submission_commune

rules.add_perm("calls.manage_call", can_manage_calls)
rules.add_perm("calls.submit_project", is_active_user & call_in_submission)
rules.add_perm(
    "calls.change_submission", is_submission_author & call_in_submission & submission_not_reviewed
)
rules.add_perm(
    "calls.invite_coauthor", is_submission_author & call_in_submission & submission_not_reviewed
)
rules.add_perm("calls.leave_submission", is_submission_coauthor)
# Only the author withdraws the whole project: a co-author (invited, or an author whose duplicate
# an agent merged into it) could otherwise withdraw someone else's project; they leave instead.
rules.add_perm(
    "calls.withdraw_submission",
    is_submission_main_author & call_in_review_window & ~submission_is_final,
)
rules.add_perm("calls.review_submission", can_review & call_in_review_window)
rules.add_perm("calls.comment", is_active_user & call_open_for_comments)
rules.add_perm("calls.moderate_comment", is_moderator | can_manage_calls)


def can_merge(user, submission, into) -> bool:
    """An agent merges ``submission`` into ``into`` only if they may review both: a commune
    agent merges only projects of their own communes, like every other review decision."""
    return user.has_perm("calls.review_submission", submission) and user.has_perm(
        "calls.review_submission", into
    )
