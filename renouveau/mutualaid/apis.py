"""Public, read-only API of mutual aid. Public fields only: never the author, e-mail, phone,
address or beneficiary; the place is the commune and the neighbourhood."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .models import Category, HelpOffer, HelpRequest, Initiative
from .selectors import initiative_list, offer_list, request_list


class CommuneRefSerializer(serializers.Serializer):
    insee = serializers.CharField()
    name = serializers.CharField()
    territory = serializers.CharField(source="territory.name")


class PostSerializer(serializers.ModelSerializer):
    commune = CommuneRefSerializer(read_only=True)
    organisation = serializers.SerializerMethodField()
    days = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    periods = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_organisation(self, obj) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    PUBLIC_FIELDS = [
        "id",
        "url",
        "category",
        "title",
        "description",
        "commune",
        "neighbourhood",
        "frequency",
        "date",
        "days",
        "periods",
        "expires_on",
        "status",
        "organisation",
        "created_at",
        "is_demo",
    ]


class HelpOfferSerializer(PostSerializer):
    class Meta:
        model = HelpOffer
        fields = [*PostSerializer.PUBLIC_FIELDS, "capacity"]


class HelpRequestSerializer(PostSerializer):
    class Meta:
        model = HelpRequest
        fields = [*PostSerializer.PUBLIC_FIELDS, "urgency", "helpers_needed"]


class InitiativeSerializer(serializers.ModelSerializer):
    commune = CommuneRefSerializer(read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_latitude(self, obj) -> float | None:
        return obj.point[0] if obj.point else None

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_longitude(self, obj) -> float | None:
        return obj.point[1] if obj.point else None

    class Meta:
        model = Initiative
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "organisation",
            "commune",
            "place",
            "latitude",
            "longitude",
            "starts_on",
            "ends_on",
            "schedule",
            "how_to_join",
            "is_demo",
        ]


COMMON_PARAMETERS = [
    OpenApiParameter("category", str, enum=list(Category.values), description="Type d'aide."),
    OpenApiParameter("commune", str, description="Code INSEE de la commune."),
]


def _filters(request, allowed_categories) -> dict:
    params = request.query_params
    filters: dict = {}
    category = params.get("category")
    if category:
        if category not in allowed_categories:
            raise ValidationError({"category": "Catégorie inconnue."})
        filters["category"] = category
    insee = params.get("commune")
    if insee:
        from renouveau.territories.models import Commune

        commune = Commune.objects.filter(insee=insee).first()
        if commune is None:
            raise ValidationError({"commune": "Commune inconnue de la Métropole."})
        filters["commune"] = commune
    return filters


@extend_schema(tags=["entraide"], parameters=COMMON_PARAMETERS)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Open offers of help between residents (public fields only)."""

    serializer_class = HelpOfferSerializer

    def get_queryset(self):
        return offer_list(filters=_filters(self.request, Category.values))


@extend_schema(tags=["entraide"], parameters=COMMON_PARAMETERS)
class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Open requests of help (public fields only; never who asks nor for whom)."""

    serializer_class = HelpRequestSerializer

    def get_queryset(self):
        return request_list(filters=_filters(self.request, Category.values))


@extend_schema(
    tags=["entraide"],
    parameters=[
        OpenApiParameter("kind", str, enum=list(Initiative.Kind.values)),
        OpenApiParameter("commune", str, description="Code INSEE de la commune."),
    ],
)
class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    """Current and upcoming citizen initiatives of verified organisations."""

    serializer_class = InitiativeSerializer

    def get_queryset(self):
        filters = _filters(self.request, [])
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in Initiative.Kind.values:
                raise ValidationError({"kind": "Type inconnu."})
            filters["kind"] = kind
        return initiative_list(filters=filters)


def register(router) -> None:
    router.register("mutualaid/offers", OfferViewSet, basename="mutualaid-offer")
    router.register("mutualaid/requests", RequestViewSet, basename="mutualaid-request")
    router.register("initiatives", InitiativeViewSet, basename="initiative")
