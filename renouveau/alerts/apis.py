"""Public, read-only API of alerts: ``/api/v1/alerts/`` lists the alerts in force and the
messages of the last 30 days (updates and cancellations included), each with its CAP 1.2 file."""

from __future__ import annotations

import datetime
import re

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .models import Alert, Risk
from .selectors import alerts_in_force, published_messages

RECENT_DAYS = 30
INSEE_RE = re.compile(r"[0-9][0-9AB][0-9]{3}")


class AlertSerializer(serializers.ModelSerializer):
    communes = serializers.SerializerMethodField()
    references = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    cap_url = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "identifier",
            "sender",
            "sent",
            "status",
            "msg_type",
            "references",
            "risk",
            "category",
            "event",
            "response_type",
            "urgency",
            "severity",
            "certainty",
            "headline",
            "description",
            "instruction",
            # The optional English version ("" when none was written).
            "event_en",
            "headline_en",
            "description_en",
            "instruction_en",
            "effective",
            "onset",
            "expires",
            "area_desc",
            "communes",
            "in_force",
            "url",
            "cap_url",
            "is_demo",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_communes(self, obj) -> list[str]:
        return [c.insee for c in obj.communes.all()]

    @extend_schema_field(OpenApiTypes.STR)
    def get_references(self, obj) -> str | None:
        return obj.references.identifier if obj.references_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_force(self, obj) -> bool:
        return obj.is_in_force()

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self._absolute(obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_cap_url(self, obj) -> str:
        return self._absolute(reverse("alerts:cap", args=[obj.pk]))


@extend_schema(
    tags=["alertes"],
    parameters=[
        OpenApiParameter("commune", str, description="Code INSEE d'une commune concernée."),
        OpenApiParameter("risk", str, enum=list(Risk.values), description="Type de risque."),
        OpenApiParameter(
            "in_force", bool, description="true : seulement les alertes en vigueur maintenant."
        ),
    ],
)
class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts in force and messages of the last 30 days (CAP 1.2 fields, link to the CAP file).
    Exercise messages have ``status`` = ``Exercise``; technical tests are not listed."""

    serializer_class = AlertSerializer

    def get_queryset(self):
        params = self.request.query_params
        now = timezone.now()
        queryset = published_messages().exclude(status=Alert.Status.TEST)
        if params.get("in_force") in ("true", "1"):
            queryset = queryset.filter(pk__in=[a.pk for a in alerts_in_force(now=now)])
        elif params.get("in_force") not in (None, "", "false", "0"):
            raise ValidationError({"in_force": "Valeur attendue : true ou false."})
        else:
            recent = now - datetime.timedelta(days=RECENT_DAYS)
            queryset = queryset.filter(
                Q(sent__gte=recent) | Q(pk__in=[a.pk for a in alerts_in_force(now=now)])
            )
        insee = params.get("commune")
        if insee:
            from renouveau.territories.models import Commune

            commune = (
                Commune.objects.filter(insee=insee).first()
                if INSEE_RE.fullmatch(insee)
                else None  # also keeps a NUL byte away from PostgreSQL (a 500)
            )
            if commune is None:
                raise ValidationError({"commune": "Commune inconnue de la Métropole."})
            queryset = queryset.filter(communes=commune)
        risk = params.get("risk")
        if risk:
            if risk not in Risk.values:
                raise ValidationError({"risk": "Type de risque inconnu."})
            queryset = queryset.filter(risk=risk)
        return queryset.distinct()


def register(router) -> None:
    router.register("alerts", AlertViewSet, basename="alert")
