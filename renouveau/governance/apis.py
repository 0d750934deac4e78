"""Public API of governance: the public meetings (never who registered)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .models import Body, Meeting
from .selectors import meeting_list


class MeetingSerializer(serializers.ModelSerializer):
    body = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_body(self, obj) -> str | None:
        return obj.body.code if obj.body_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_place(self, obj) -> str:
        return obj.where

    @extend_schema_field(OpenApiTypes.INT)
    def get_seats_left(self, obj) -> int | None:
        if obj.capacity is None:
            return None
        return max(obj.capacity - obj.registered, 0)

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self._absolute(obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_ics_url(self, obj) -> str:
        from django.urls import reverse

        return self._absolute(reverse("governance:meeting_ics", args=[obj.pk]))

    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
            "url",
            "ics_url",
            "title",
            "body",
            "starts_at",
            "ends_at",
            "place",
            "agenda",
            "status",
            "capacity",
            "seats_left",
            "minutes",
            "minutes_published_at",
            "is_demo",
        ]


@extend_schema(
    tags=["gouvernance"],
    parameters=[
        OpenApiParameter("body", str, description="Code de l'instance."),
        OpenApiParameter(
            "when", str, enum=["upcoming", "past", "all"], description="Période (défaut : all)."
        ),
    ],
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Public meetings of the bodies and public meetings of the plan (closed sittings are
    left out)."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        params = self.request.query_params
        when = params.get("when", "all")
        if when not in ("upcoming", "past", "all"):
            raise ValidationError({"when": "Valeur attendue : upcoming, past ou all."})
        body = None
        if params.get("body"):
            body = Body.objects.filter(code=params["body"]).first()
            if body is None:
                raise ValidationError({"body": "Instance inconnue."})
        qs = meeting_list(body=body, when=when, include_closed=False)
        return qs.order_by("starts_at", "id") if when == "all" else qs


def register(router) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
