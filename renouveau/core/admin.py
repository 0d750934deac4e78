from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditLog, ScheduledRun
from .services import log_action

admin.site.site_header = _("Renouveau — back-office")
admin.site.site_title = _("Renouveau")
admin.site.index_title = _("Administration de la plateforme")


class AuditedModelAdmin(admin.ModelAdmin):
    """Back-office edits go through the same audit trail as services."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        log_action(
            actor=request.user,
            action=f"{obj._meta.app_label}.{obj._meta.model_name}_{'changed' if change else 'created'}",
            obj=obj,
            data={"fields": sorted(form.changed_data), "via": "admin"},
        )

    def delete_model(self, request, obj):
        log_action(
            actor=request.user,
            action=f"{obj._meta.app_label}.{obj._meta.model_name}_deleted",
            obj=obj,
            data={"via": "admin"},
        )
        super().delete_model(request, obj)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """What the scheduler enqueued (read-only: the rows are its claims on each slot)."""

    list_display = ["enqueued_at", "job", "slot", "task_id"]
    list_filter = ["job"]
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
