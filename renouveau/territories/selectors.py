from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, Sum

from .models import Commune, Territory


def territory_list() -> QuerySet[Territory]:
    return (
        Territory.objects.select_related("metropolis")
        .annotate(commune_count=Count("communes"), population=Sum("communes__population"))
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("sort_name")))
        .order_by("sort_name")
    )


def commune_choices() -> QuerySet[Commune]:
    return Commune.objects.select_related("territory").order_by("sort_name")
