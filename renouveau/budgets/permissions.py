"""Permission predicates of the participatory budget (imported by BudgetsConfig.ready(); the
module is not called ``rules.py`` because ``budgets/rules/`` is the voting-rules engine).

======================  =========================================================
permission              who, when
======================  =========================================================
budgets.vote            an eligible resident (Territoire, minimum age), vote phase
budgets.record_paper    agents (Metropolis, administrators; commune agents for a
                        global or theme envelope or their own Territoire's), vote phase
budgets.manage_envelope Metropolis agents and administrators, before the vote
budgets.close_vote      Metropolis agents and administrators, vote phase
budgets.view_results    anyone, results and implementation phases
budgets.track_project   agents (Metropolis, administrators; commune agents for a
                        winner in one of their communes), results and implementation
======================  =========================================================
"""

from __future__ import annotations

import rules

from renouveau.calls.models import Phase
from renouveau.calls.rules import can_manage_calls
from renouveau.core.rules import is_commune_agent


def _phase(obj) -> str | None:
    call = getattr(obj, "call", None) or obj
    if hasattr(obj, "envelope"):
        call = obj.envelope.call
    return getattr(call, "phase", None)


@rules.predicate
def in_vote(user, obj) -> bool:
    return _phase(obj) == Phase.VOTE


@rules.predicate
def before_vote(user, obj) -> bool:
    return _phase(obj) in (Phase.UPCOMING, Phase.SUBMISSION, Phase.REVIEW)


@rules.predicate
def after_vote(user, obj) -> bool:
    return _phase(obj) in (Phase.RESULTS, Phase.IMPLEMENTATION)


@rules.predicate
def is_eligible_voter(user, envelope) -> bool:
    from .services import voter_ineligibility

    return envelope is not None and voter_ineligibility(user, envelope) is None


@rules.predicate
def is_agent_of_area(user, obj) -> bool:
    """A commune agent acts where they are agent: a winner (``TrackedProject``) of one of their
    communes, or an envelope of the whole metropolis, of a theme, or of their Territoire.
    Without this, an agent of Marseille edited the progress of a winner in Aix."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    submission = getattr(obj, "submission", None)
    if submission is not None:
        return submission.commune_id in user.agent_commune_ids()
    territory_id = getattr(obj, "territory_id", None)
    if territory_id is None:
        return True
    return user.agent_communes.filter(territory_id=territory_id).exists()


area_agent = can_manage_calls | (is_commune_agent & is_agent_of_area)

rules.add_perm("budgets.vote", in_vote & is_eligible_voter)
rules.add_perm("budgets.record_paper", area_agent & in_vote)
rules.add_perm("budgets.manage_envelope", can_manage_calls & before_vote)
rules.add_perm("budgets.close_vote", can_manage_calls & in_vote)
rules.add_perm("budgets.view_results", after_vote)
rules.add_perm("budgets.track_project", area_agent & after_vote)
