from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from .models import Target, Workstream
from .selectors import plan_current, workstream_list


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["code", "label", "value", "unit", "kind", "period"]


class WorkstreamSerializer(serializers.ModelSerializer):
    imperatives = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Workstream
        fields = ["number", "slug", "title", "summary", "imperatives", "targets"]


@extend_schema(tags=["plan"])
class WorkstreamViewSet(viewsets.ReadOnlyModelViewSet):
    """The eight chantiers (workstreams) of the plan, with their quantified targets."""

    serializer_class = WorkstreamSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):
        return workstream_list(plan=plan_current())


def register(router) -> None:
    router.register("chantiers", WorkstreamViewSet, basename="chantier")
