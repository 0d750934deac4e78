from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import HelpOffer, HelpRequest, Initiative, Report


class HelpPostAdmin(AuditedModelAdmin):
    list_display = ("title", "category", "commune", "status", "expires_on", "is_hidden", "is_demo")
    list_filter = ("status", "category", "is_hidden", "is_demo")
    search_fields = ("title",)
    list_select_related = ("commune",)
    raw_id_fields = ("author", "organisation")
    # Private fields stay out of the back office lists; moderation goes through the queue.
    exclude = ("address", "phone")


admin.site.register(HelpOffer, HelpPostAdmin)


@admin.register(HelpRequest)
class HelpRequestAdmin(HelpPostAdmin):
    exclude = ("address", "phone", "beneficiary_name")


@admin.register(Initiative)
class InitiativeAdmin(AuditedModelAdmin):
    list_display = (
        "title",
        "organisation",
        "commune",
        "starts_on",
        "ends_on",
        "is_hidden",
        "is_demo",
    )
    list_filter = ("kind", "is_hidden", "is_demo")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "commune")
    raw_id_fields = ("organisation", "created_by")


@admin.register(Report)
class ReportAdmin(AuditedModelAdmin):
    list_display = ("created_at", "reason", "content_type", "object_id", "status")
    list_filter = ("status", "reason")
    readonly_fields = (
        "reporter",
        "content_type",
        "object_id",
        "created_at",
        "handled_by",
        "handled_at",
    )
