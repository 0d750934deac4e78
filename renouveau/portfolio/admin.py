from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import Criterion, Grid, Programme, Scenario, ScenarioConstraint, ScenarioWeight, Score


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


@admin.register(Grid)
class GridAdmin(AuditedModelAdmin):
    list_display = ["title", "slug", "is_default"]
    inlines = [CriterionInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Scores change only through the scoring page (history and audit); read-only here."""

    list_display = ["project", "criterion", "assessor", "value", "updated_at"]
    list_filter = ["criterion"]
    search_fields = ["project__title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class WeightInline(admin.TabularInline):
    model = ScenarioWeight
    extra = 0


class ConstraintInline(admin.TabularInline):
    model = ScenarioConstraint
    extra = 0
    raw_id_fields = ["project", "other_project"]


@admin.register(Scenario)
class ScenarioAdmin(AuditedModelAdmin):
    list_display = ["title", "method", "first_year", "last_year", "is_public", "is_demo"]
    inlines = [WeightInline, ConstraintInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["scenario", "created_at", "status", "objective"]
    readonly_fields = [f.name for f in Programme._meta.fields]

    def has_add_permission(self, request):
        return False
