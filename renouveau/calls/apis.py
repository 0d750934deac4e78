"""``/api/v1/calls/`` and ``/api/v1/calls/{id}/projects/`` (the results are in budgets.apis)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404

from .models import Call, Submission
from .selectors import submission_list


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURLField(serializers.ReadOnlyField):
    """The object's page as an absolute URL, as the other endpoints give it (it was a bare path
    declared as ``format: uri``, which a reuser could not open)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class EnvelopeSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    territory = serializers.CharField(source="territory.name", allow_null=True, default=None)
    workstream = serializers.IntegerField(source="workstream.number", allow_null=True, default=None)
    ballot_type = serializers.CharField()
    min_share_percent = serializers.IntegerField()
    max_projects = serializers.IntegerField(allow_null=True)
    points_total = serializers.IntegerField(allow_null=True)


class CallSerializer(serializers.ModelSerializer):
    phase = serializers.CharField(read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    envelopes = EnvelopeSummarySerializer(many=True, read_only=True)
    url = AbsoluteURLField()
    is_demo = serializers.BooleanField(read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "phase",
            "total_amount",
            "minimum_voting_age",
            "rule",
            "submission_opens_at",
            "submission_closes_at",
            "vote_opens_at",
            "vote_closes_at",
            "implementation_starts_at",
            "themes",
            "envelopes",
            "url",
            "is_demo",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    commune = serializers.CharField(source="commune.insee")
    commune_name = serializers.CharField(source="commune.name")
    territory = serializers.CharField(source="commune.territory.code")
    workstream = serializers.IntegerField(source="workstream.number")
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    url = AbsoluteURLField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "title",
            "description",
            "beneficiaries",
            "commune",
            "commune_name",
            "territory",
            "latitude",
            "longitude",
            "workstream",
            "estimated_cost",
            "adjusted_cost",
            "cost_adjustment_reason",
            "cost",
            "status",
            "public_reason",
            "organisation",
            "created_at",
            "url",
            "is_demo",
        ]


@extend_schema(tags=["appels à projets"])
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Published calls for projects ("Réinventons la Métropole"), their phases and envelopes."""

    serializer_class = CallSerializer

    def get_queryset(self):
        from renouveau.budgets.models import Envelope

        return (
            Call.objects.published()
            .prefetch_related(
                "themes",
                Prefetch(
                    "envelopes",
                    queryset=Envelope.objects.select_related("territory", "workstream"),
                ),
            )
            .order_by("-vote_opens_at", "-id")
        )

    @extend_schema(responses=ProjectSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=ProjectSerializer)
    def projects(self, request, pk=None, format=None):  # noqa: A002 (DRF format suffix)
        """The projects submitted to a call (withdrawn ones excepted), with their status and
        their cost after review. Authors' identities are not published."""
        call = get_object_or_404(Call.objects.published(), pk=pk)
        queryset = submission_list(call=call).order_by("pk")
        page = self.paginate_queryset(queryset)
        serializer = ProjectSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)


def register(router) -> None:
    router.register("calls", CallViewSet, basename="call")
