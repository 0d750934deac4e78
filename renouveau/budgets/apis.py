"""``GET /api/v1/calls/{id}/results/``: per envelope, the rule, the selected projects, each
project's explanation, the greedy comparison and the vote counts (never who voted what)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from renouveau.calls.models import Call

from .selectors import results_data

ProjectResults = inline_serializer(
    "ProjectResult",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "cost": serializers.FloatField(),
        "selected": serializers.BooleanField(),
        "position": serializers.IntegerField(allow_null=True),
        "reason": serializers.CharField(),
        "explanation": serializers.CharField(),
        "greedy_selected": serializers.BooleanField(),
        "votes": serializers.IntegerField(),
        "points": serializers.IntegerField(),
    },
)
EnvelopeResults = inline_serializer(
    "EnvelopeResult",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "amount": serializers.DecimalField(max_digits=12, decimal_places=2),
        "ballot_type": serializers.CharField(),
        "rule": serializers.CharField(),
        "ballots": serializers.IntegerField(),
        "selected": serializers.ListField(child=serializers.IntegerField()),
        "greedy_selected": serializers.ListField(child=serializers.IntegerField()),
        "total_cost": serializers.FloatField(),
        "summary": serializers.CharField(),
        "computed_at": serializers.DateTimeField(),
        "pabulib_url": serializers.CharField(),
        "projects": ProjectResults,
    },
)
CallResults = inline_serializer(
    "CallResults",
    fields={
        "call": serializers.IntegerField(),
        "phase": serializers.CharField(),
        "envelopes": EnvelopeResults,
    },
)


@extend_schema(tags=["appels à projets"], responses=CallResults)
@api_view(["GET"])
@permission_classes([AllowAny])
def call_results(request, pk: int):
    """Results of a call whose vote has closed (403 before)."""
    call = get_object_or_404(Call.objects.published(), pk=pk)
    if not request.user.has_perm("budgets.view_results", call):
        raise PermissionDenied(_("Les résultats seront publiés à la clôture du vote."))
    from django.urls import reverse

    envelopes = []
    for item in results_data(call):
        result, envelope = item["result"], item["envelope"]
        envelopes.append(
            {
                "id": envelope.pk,
                "name": envelope.name,
                "amount": envelope.amount,
                "ballot_type": envelope.ballot_type,
                "rule": result.rule,
                "ballots": result.ballot_count,
                "selected": result.selected,
                "greedy_selected": [int(x) for x in result.greedy.get("selected", [])],
                "total_cost": item["total_cost"],
                "summary": item["summary"],
                "computed_at": result.computed_at,
                "pabulib_url": request.build_absolute_uri(
                    reverse("budgets:pabulib", args=[envelope.pk])
                ),
                "projects": [
                    {
                        k: row[k]
                        for k in (
                            "id",
                            "title",
                            "cost",
                            "selected",
                            "position",
                            "reason",
                            "explanation",
                            "greedy_selected",
                            "votes",
                            "points",
                        )
                    }
                    for row in item["rows"]
                ],
            }
        )
    # Rendered through the schema's own serializer, so that the answer is what the schema says
    # (the amount was a JSON number where the schema announces a decimal string, and the date
    # was in UTC where every other date of the API is in the site's time zone).
    payload = {"call": call.pk, "phase": call.phase, "envelopes": envelopes}
    return Response(type(CallResults)(instance=payload).data)


urlpatterns = [path("calls/<int:pk>/results/", call_results, name="call-results")]
