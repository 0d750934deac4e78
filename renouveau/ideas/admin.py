from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import Idea, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = ("service", "category", "territory", "commune", "email")
    list_filter = ("category", "territory")
    autocomplete_fields = ()
    filter_horizontal = ("agents",)


@admin.register(Idea)
class IdeaAdmin(AuditedModelAdmin):
    list_display = ("title", "kind", "category", "commune", "status", "supports_count", "is_hidden")
    list_filter = ("status", "kind", "category", "is_hidden")
    search_fields = ("title",)
    raw_id_fields = ("author", "duplicate_of")
    list_select_related = ("commune",)
