"""Reads of the ideas app (lists with a constant number of queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from .models import Comment, Flag, Idea, StatusChange, Support

SORTS = {"recent": ("-created_at", "-id"), "support": ("-supports_count", "-created_at", "-id")}


def idea_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Idea]:
    filters = filters or {}
    queryset = Idea.objects.public().select_related("commune__territory", "workstream", "author")
    for name in ("status", "kind", "category", "workstream", "commune"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("territory"):
        queryset = queryset.filter(commune__territory=filters["territory"])
    return queryset.order_by(*SORTS.get(filters.get("sort") or "recent", SORTS["recent"]))


def idea_detail(pk: int) -> Idea | None:
    return (
        Idea.objects.select_related(
            "commune__territory", "workstream", "author", "duplicate_of", "routing_rule"
        )
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("created_at", "id")),
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(is_hidden=False)
                .select_related("author")
                .order_by("created_at", "id"),
                to_attr="visible_comments",
            ),
        )
        .filter(pk=pk)
        .first()
    )


def has_supported(*, user, idea: Idea) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Support.objects.filter(user=user, idea=idea).exists()


def ideas_to_answer(user) -> QuerySet[Idea]:
    """The open contributions an agent can answer: routed to them, in their commune(s), or all
    for agents of the Métropole."""
    from renouveau.accounts.roles import Role

    queryset = (
        Idea.objects.public()
        .exclude(status__in=["done", "not_retained", "duplicate", "promoted"])
        .select_related("commune__territory", "workstream", "author")
    )
    if not (
        user.has_role(Role.METROPOLIS_AGENT)
        or user.has_role(Role.ADMINISTRATOR)
        or user.is_superuser
    ):
        queryset = queryset.filter(
            Q(commune__in=user.agent_communes.all()) | Q(routing_rule__agents=user)
        ).distinct()
    return queryset.order_by("created_at", "id")


def flag_queue() -> QuerySet[Flag]:
    return (
        Flag.objects.filter(state=Flag.State.OPEN)
        .select_related("idea", "comment__idea", "reporter")
        .order_by("created_at", "id")
    )


def hidden_contents(limit: int = 50) -> list[tuple[str, object]]:
    ideas = [("idea", i) for i in Idea.objects.filter(is_hidden=True).order_by("-pk")[:limit]]
    comments = [
        ("comment", c) for c in Comment.objects.filter(is_hidden=True).order_by("-pk")[:limit]
    ]
    return (ideas + comments)[:limit]
