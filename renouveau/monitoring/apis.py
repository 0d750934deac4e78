"""``/api/v1/projects/`` and ``/api/v1/indicators/`` (read-only open data)."""

from __future__ import annotations

import re

from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets

from renouveau.core.pagination import PAGE_NUMBER

from .models import Indicator, Measurement, Project
from .selectors import indicator_list, project_detail_queryset

TERRITORY_CODE = re.compile(r"[-a-zA-Z0-9_]{1,50}")


class SpendingSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    planned_eur = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed_eur = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_eur = serializers.DecimalField(max_digits=14, decimal_places=2)


class PlanProjectSerializer(serializers.ModelSerializer):
    chantiers = serializers.SerializerMethodField()
    territories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    communes = serializers.SlugRelatedField(slug_field="insee", many=True, read_only=True)
    cost_eur = serializers.DecimalField(
        source="total_cost_eur", max_digits=14, decimal_places=2, read_only=True
    )
    spending_by_year = SpendingSerializer(source="spendings", many=True, read_only=True)
    score = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "slug",
            "title",
            "owner",
            "chantiers",
            "territories",
            "communes",
            "status",
            "progress",
            "start_on",
            "end_on",
            "cost_eur",
            "spending_by_year",
            "jobs_created",
            "jobs_kept",
            "origin_kind",
            "origin_ref",
            "score",
            "is_demo",
            "url",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_chantiers(self, project) -> list[int]:
        return [w.number for w in project.workstreams.all()]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_score(self, project) -> float | None:
        """The project's weighted score (0-100) on the grid with the default weights, or null
        when it has not been scored."""
        scores = self.context.get("scores")
        return scores.get(project.pk) if scores else None

    def get_url(self, project) -> str:
        request = self.context.get("request")
        path = project.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "source"]


class IndicatorSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    plan_target = serializers.SlugRelatedField(
        source="target", slug_field="code", read_only=True, allow_null=True
    )
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "project",
            "label",
            "unit",
            "plan_target",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
            "measurements",
            "is_demo",
        ]


class _ScoreContext(dict):
    """Scores loaded on first use only (one aggregated query over the grid)."""

    @cached_property
    def _scores(self):
        try:
            from renouveau.portfolio.selectors import project_default_scores
        except ImportError:  # pragma: no cover - portfolio not installed
            return {}
        return project_default_scores()

    def get(self, key, default=None):
        if key == "scores":
            return self._scores
        return super().get(key, default)


@extend_schema(
    tags=["monitoring"],
    parameters=[
        OpenApiParameter("chantier", int, description="Numéro du chantier (1 à 8)."),
        OpenApiParameter("territoire", str, description="Code du Territoire."),
        OpenApiParameter("status", str, enum=[c for c, _ in Project.Status.choices]),
    ],
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Published projects of the plan, with chantiers, cost, status, progress and score."""

    serializer_class = PlanProjectSerializer
    lookup_field = "slug"

    def get_queryset(self):
        queryset = project_detail_queryset(user=None).published().order_by("pk")
        params = self.request.query_params
        chantier = params.get("chantier", "")
        if chantier:
            if not PAGE_NUMBER.fullmatch(chantier):  # ASCII digits ("²" passed isdigit())
                raise serializers.ValidationError({"chantier": "Indiquez un numéro de chantier."})
            queryset = queryset.filter(workstreams__number=int(chantier))
        if params.get("territoire"):
            if not TERRITORY_CODE.fullmatch(params["territoire"]):  # a NUL byte was a 500
                raise serializers.ValidationError({"territoire": "Code de Territoire inconnu."})
            queryset = queryset.filter(territories__code=params["territoire"])
        if params.get("status"):
            if params["status"] not in Project.Status.values:
                raise serializers.ValidationError({"status": "État inconnu."})
            queryset = queryset.filter(status=params["status"])
        return queryset

    def get_serializer_context(self):
        context = _ScoreContext(super().get_serializer_context())
        return context


@extend_schema(tags=["monitoring"])
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicators of the published projects, with baseline, target and dated measurements."""

    serializer_class = IndicatorSerializer

    def get_queryset(self):
        return indicator_list(user=None).order_by("pk")


def register(router) -> None:
    router.register("projects", ProjectViewSet, basename="project")
    router.register("indicators", IndicatorViewSet, basename="indicator")
