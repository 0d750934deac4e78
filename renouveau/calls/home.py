"""Calls for projects open for submissions or votes, for the home page."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renouveau.core.home import Entry, Section

from .models import Call, Phase


def home_section() -> Section | None:
    entries = []
    # Only calls whose vote is not over by the dates, or set by hand to submissions or votes:
    # years of past calls must not push the current ones out of the first rows.
    candidates = Call.objects.published().filter(
        Q(vote_closes_at__gt=timezone.now(), phase_override="")
        | Q(phase_override__in=[Phase.SUBMISSION, Phase.VOTE])
    )
    for call in candidates.order_by("vote_closes_at", "id")[:50]:
        phase = call.phase
        if phase == Phase.SUBMISSION:
            entries.append(
                Entry(
                    title=call.title,
                    url=call.get_absolute_url(),
                    when=call.submission_closes_at,
                    when_label=_("Dépôt des projets ouvert jusqu'au"),
                    badge=call.phase_label,
                )
            )
        elif phase == Phase.VOTE:
            entries.append(
                Entry(
                    title=call.title,
                    url=call.get_absolute_url(),
                    when=call.vote_closes_at,
                    when_label=_("Vote ouvert jusqu'au"),
                    badge=call.phase_label,
                )
            )
    return Section(
        order=20,
        heading=_("Appels à projets en cours"),
        more_url=reverse("calls:index"),
        more_label=_("Tous les appels à projets"),
        entries=entries[:3],
    )


def my_section(user) -> Section | None:
    """The person's projects and, first, the invitations to co-author waiting for their
    answer (sent to one of their verified addresses)."""
    from .selectors import invitations_pending_for_user, submission_list_of_user

    invitations = list(invitations_pending_for_user(user=user)[:5])
    submissions = submission_list_of_user(user=user)[:3]
    return Section(
        order=20,
        heading=_("Mes projets déposés"),
        more_url=reverse("calls:mine"),
        more_label=_("Tous mes projets"),
        entries=[
            Entry(
                title=invitation.submission.title,
                url=reverse("calls:invitation", args=[invitation.token]),
                detail=invitation.submission.call.title,
                when=invitation.expires_at,
                when_label=_("Invitation à co-porter ce projet, à accepter ou refuser avant le"),
                badge=_("Invitation"),
            )
            for invitation in invitations
        ]
        + [
            Entry(
                title=submission.title,
                url=submission.get_absolute_url(),
                detail=submission.call.title,
                badge=submission.get_status_display(),
            )
            for submission in submissions
        ],
    )
