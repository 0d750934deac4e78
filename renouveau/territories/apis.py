from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from .models import Commune, Territory
from .selectors import territory_list


class CommuneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commune
        fields = ["insee", "name", "population", "latitude", "longitude"]


class TerritorySerializer(serializers.ModelSerializer):
    communes = CommuneSerializer(many=True, read_only=True)
    commune_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Territory
        fields = ["code", "name", "seat", "commune_count", "communes"]


@extend_schema(tags=["territoires"])
class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The Territoires of the metropolis, each with its communes (INSEE code, name, population)."""

    serializer_class = TerritorySerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return territory_list()


def register(router) -> None:
    router.register("territories", TerritoryViewSet, basename="territory")
