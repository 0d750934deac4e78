"""Public, read-only API of the citizen reserve: the open missions (no personal data: never the
organiser, the volunteers or their number beyond the places taken)."""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .models import Mission, Skill
from .selectors import mission_public_list

# Checked before any query: a NUL byte in a filter made PostgreSQL fail (500).
INSEE_RE = re.compile(r"[0-9][0-9AB][0-9]{3}")
SKILL_CODE_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


class CommuneRefSerializer(serializers.Serializer):
    insee = serializers.CharField()
    name = serializers.CharField()
    territory = serializers.CharField(source="territory.name")


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["code", "name"]


class MissionSerializer(serializers.ModelSerializer):
    commune = CommuneRefSerializer(read_only=True)
    skills = SkillSerializer(many=True, read_only=True)
    places_taken = serializers.IntegerField(source="taken", read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    class Meta:
        model = Mission
        fields = [
            "id",
            "url",
            "title",
            "description",
            "commune",
            "place",
            "starts_at",
            "ends_at",
            "skills",
            "capacity",
            "places_taken",
            "status",
            "is_demo",
        ]


@extend_schema(
    tags=["réserve citoyenne"],
    parameters=[
        OpenApiParameter("commune", str, description="Code INSEE de la commune."),
        OpenApiParameter("skill", str, description="Code d'une compétence (ex. premiers-secours)."),
    ],
)
class MissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Missions of the citizen reserve open to volunteers (published, not over), soonest first."""

    serializer_class = MissionSerializer

    def get_queryset(self):
        params = self.request.query_params
        filters: dict = {}
        insee = params.get("commune")
        if insee:
            if not INSEE_RE.fullmatch(insee):
                raise ValidationError({"commune": "Commune inconnue de la Métropole."})
            from renouveau.territories.models import Commune

            commune = Commune.objects.filter(insee=insee).first()
            if commune is None:
                raise ValidationError({"commune": "Commune inconnue de la Métropole."})
            filters["commune"] = commune
        code = params.get("skill")
        if code:
            if not SKILL_CODE_RE.fullmatch(code):
                raise ValidationError({"skill": "Compétence inconnue."})
            skill = Skill.objects.filter(code=code).first()
            if skill is None:
                raise ValidationError({"skill": "Compétence inconnue."})
            filters["skill"] = skill
        return mission_public_list(filters=filters)


def register(router) -> None:
    router.register("missions", MissionViewSet, basename="reserve-mission")
