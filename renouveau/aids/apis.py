"""``/api/v1/aids/``: published aids, with the same filters as the search page."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .forms import AidSearchForm
from .models import Aid
from .selectors import AidFilters, aid_detail_queryset, aid_search_results


class AidListSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Aid
        fields = [
            "id", "slug", "url", "title", "promise", "audiences", "aid_types", "amount_min",
            "amount_max", "rate_min", "rate_max", "amount_text", "owner", "scope", "opens_on",
            "closes_on", "recurrence", "application_url", "published_at", "is_demo",
        ]  # fmt: skip

    def get_url(self, aid) -> str:
        request = self.context.get("request")
        path = aid.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class AidDetailSerializer(AidListSerializer):
    funders = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    instructing_bodies = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    territories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    communes = serializers.SlugRelatedField(slug_field="insee", many=True, read_only=True)
    workstreams = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    imperatives = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    deliberation = serializers.SerializerMethodField()

    class Meta(AidListSerializer.Meta):
        fields = AidListSerializer.Meta.fields + [
            "description", "eligibility", "examples", "contact", "funders",
            "instructing_bodies", "territories", "communes", "workstreams", "imperatives",
            "deliberation", "updated_at",
        ]  # fmt: skip

    def get_deliberation(self, aid) -> dict | None:
        if aid.deliberation_id is None and not aid.deliberation_reference:
            return None
        d = aid.deliberation
        return {
            "reference": aid.deliberation_reference or (d.number if d else ""),
            "number": d.number if d else None,
            "body": d.body if d else None,
            "session_date": d.session_date.isoformat() if d else None,
            "title": d.title if d else None,
        }


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Texte libre (200 caractères au plus)."),
    OpenApiParameter("public", OpenApiTypes.STR, many=True, description="Public cible (code)."),
    OpenApiParameter("type", OpenApiTypes.STR, many=True, description="Nature de l'aide (code)."),
    OpenApiParameter("chantier", OpenApiTypes.STR, description="Chantier du plan (slug)."),
    OpenApiParameter("territoire", OpenApiTypes.STR, description="Territoire (code)."),
    OpenApiParameter("commune", OpenApiTypes.STR, description="Commune (code INSEE)."),
    OpenApiParameter("ouvert", OpenApiTypes.BOOL, description="Ouvertes aujourd'hui."),
    OpenApiParameter("avant", OpenApiTypes.DATE, description="Clôture au plus tard ce jour."),
    OpenApiParameter(
        "tri", OpenApiTypes.STR, enum=["pertinence", "cloture", "recent"], description="Ordre."
    ),
]


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS, tags=["aids"]),
    retrieve=extend_schema(tags=["aids"]),
)
class AidViewSet(viewsets.ReadOnlyModelViewSet):
    """The panorama of published aids. Unknown filter values answer 400 with the reason."""

    def get_serializer_class(self):
        return AidDetailSerializer if self.action == "retrieve" else AidListSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return aid_detail_queryset().filter(status=Aid.Status.PUBLISHED)
        params = self.request.query_params
        # The results, paginated as the search page's (relevance read group by group).
        if not any(k in params for k in AidSearchForm.FIELDS):
            return aid_search_results(filters=AidFilters())
        form = AidSearchForm(data=params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return aid_search_results(filters=form.filters())

    def handle_exception(self, exc):
        if isinstance(exc, BadRequest):
            exc = ValidationError({"detail": str(exc)})
        return super().handle_exception(exc)


def register(router) -> None:
    router.register("aids", AidViewSet, basename="aid")
