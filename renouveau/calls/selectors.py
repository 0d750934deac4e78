"""Reads of the calls app (constant query counts whatever the number of rows)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Call, CoauthorInvitation, Comment, Submission


def call_list(*, user) -> QuerySet[Call]:
    return (
        Call.objects.visible_to(user)
        .prefetch_related("themes")
        .annotate(
            submission_count=Count(
                "submissions", filter=~Q(submissions__status=Submission.Status.WITHDRAWN)
            )
        )
        .order_by("-vote_opens_at", "-id")
    )


def call_get(*, user, slug: str) -> Call | None:
    return Call.objects.visible_to(user).prefetch_related("themes").filter(slug=slug).first()


def submission_list(
    *,
    call: Call,
    status: str = "",
    commune_id: int | None = None,
    workstream_id: int | None = None,
    query: str = "",
    include_withdrawn: bool = False,
) -> QuerySet[Submission]:
    qs = Submission.objects.filter(call=call)
    if not include_withdrawn:
        qs = qs.public()
    if status:
        qs = qs.filter(status=status)
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if workstream_id:
        qs = qs.filter(workstream_id=workstream_id)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return (
        qs.select_related("commune", "commune__territory", "workstream", "author", "organisation")
        .annotate(
            comment_count=Count("comments", filter=Q(comments__is_hidden=False), distinct=True)
        )
        .order_by("-created_at", "-id")
    )


# Reports not yet dismissed by a moderator (hiding the comment closes them too).
OPEN_REPORTS = Count("commentreport", filter=Q(commentreport__handled_at__isnull=True))


def comment_report_queue():
    """Visible comments with open reports, most reported first: the moderators' queue."""
    return (
        Comment.objects.filter(is_hidden=False)
        .annotate(report_count=OPEN_REPORTS)
        .filter(report_count__gt=0)
        .select_related("author", "submission", "submission__call")
        .order_by("-report_count", "created_at", "id")
    )


def submission_get(*, call: Call, pk: int) -> Submission | None:
    comments = Comment.objects.select_related("author").annotate(report_count=OPEN_REPORTS)
    return (
        Submission.objects.filter(call=call, pk=pk)
        .select_related(
            "call",
            "commune",
            "commune__territory",
            "workstream",
            "author",
            "organisation",
            "merged_into",
        )
        .prefetch_related("coauthors", Prefetch("comments", queryset=comments), "merged_from")
        .first()
    )


def submission_list_of_user(*, user) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(Q(author=user) | Q(coauthors=user))
        .distinct()
        .select_related("call", "commune", "workstream")
        .order_by("-created_at", "-id")
    )


def invitation_get(*, token: str) -> CoauthorInvitation | None:
    if not token or len(token) > 64:
        return None
    return (
        CoauthorInvitation.objects.filter(token=token)
        .select_related("submission", "submission__call", "invited_by")
        .first()
    )


def invitations_pending_of_submission(*, submission: Submission) -> QuerySet[CoauthorInvitation]:
    """What the authors see: the invitations waiting for an answer (not expired)."""
    return (
        CoauthorInvitation.objects.filter(submission=submission)
        .pending()
        .order_by("created_at", "id")
    )


def invitations_pending_for_user(*, user) -> QuerySet[CoauthorInvitation]:
    """Invitations waiting for ``user``'s answer: sent to one of their verified addresses,
    not expired, on a project that can still accept co-authors."""
    from .services import verified_addresses

    addresses = verified_addresses(user)
    if not addresses:
        return CoauthorInvitation.objects.none()
    return (
        CoauthorInvitation.objects.pending()
        .filter(email__in=addresses, submission__status=Submission.Status.SUBMITTED)
        .select_related("submission", "submission__call", "invited_by")
        .order_by("expires_at", "id")
    )
