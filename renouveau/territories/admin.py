from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import Commune, Metropolis, Territory


@admin.register(Metropolis)
class MetropolisAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "siren"]


@admin.register(Territory)
class TerritoryAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "metropolis"]


@admin.register(Commune)
class CommuneAdmin(AuditedModelAdmin):
    list_display = ["name", "insee", "territory", "population"]
    list_filter = ["territory"]
    search_fields = ["name", "insee"]
