"""Public, read-only API of ideas and field reports: public fields only (no author's e-mail,
no photo metadata; the author is not named either)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .models import Category, Idea, Status
from .selectors import SORTS, idea_list


class IdeaSerializer(serializers.ModelSerializer):
    commune = serializers.SerializerMethodField()
    workstream = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    project = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "insee": {"type": "string"},
                "name": {"type": "string"},
                "territory": {"type": "string"},
            },
        }
    )
    def get_commune(self, obj) -> dict:
        return {
            "insee": obj.commune.insee,
            "name": obj.commune.name,
            "territory": obj.commune.territory.name,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return (
            request.build_absolute_uri(obj.get_absolute_url())
            if request
            else obj.get_absolute_url()
        )

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "Adresse (slug) du projet du plan "
         "qui reprend l'idée, dans /api/v1/projects/."}
    )  # fmt: skip
    def get_project(self, obj) -> str | None:
        project = obj.project
        return project.slug if project is not None and project.is_published else None

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_latitude(self, obj) -> float | None:
        return obj.latitude

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_longitude(self, obj) -> float | None:
        return obj.longitude

    class Meta:
        model = Idea
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "description",
            "category",
            "workstream",
            "commune",
            "place",
            "latitude",
            "longitude",
            "status",
            "public_answer",
            "answered_at",
            "routed_service",
            "promoted_to",
            "project",
            "supports_count",
            "created_at",
            "is_demo",
        ]


@extend_schema(
    tags=["idées"],
    parameters=[
        OpenApiParameter("status", str, enum=list(Status.values)),
        OpenApiParameter("category", str, enum=list(Category.values)),
        OpenApiParameter("kind", str, enum=list(Idea.Kind.values)),
        OpenApiParameter("commune", str, description="Code INSEE de la commune."),
        OpenApiParameter("chantier", str, description="Adresse (slug) du chantier du plan."),
        OpenApiParameter("sort", str, enum=list(SORTS)),
    ],
)
class IdeaViewSet(viewsets.ReadOnlyModelViewSet):
    """Problems reported and solutions proposed by residents, with the public answers."""

    serializer_class = IdeaSerializer

    def get_queryset(self):
        params = self.request.query_params
        filters: dict = {}
        for name, allowed in (
            ("status", Status.values),
            ("category", Category.values),
            ("kind", Idea.Kind.values),
            ("sort", list(SORTS)),
        ):
            value = params.get(name)
            if value:
                if value not in allowed:
                    raise ValidationError({name: "Valeur inconnue."})
                filters[name] = value
        if params.get("commune"):
            from renouveau.territories.models import Commune

            commune = Commune.objects.filter(insee=params["commune"]).first()
            if commune is None:
                raise ValidationError({"commune": "Commune inconnue de la Métropole."})
            filters["commune"] = commune
        if params.get("chantier"):
            from renouveau.plan.models import Workstream

            workstream = Workstream.objects.filter(slug=params["chantier"]).first()
            if workstream is None:
                raise ValidationError({"chantier": "Chantier inconnu."})
            filters["workstream"] = workstream
        return idea_list(filters=filters).select_related("project")


def register(router) -> None:
    router.register("ideas", IdeaViewSet, basename="idea")
