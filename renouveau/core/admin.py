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

    def delete_queryset(self, request, queryset):
        """The changelist's « Supprimer les … sélectionnés » action: one audit line per object,
        written before the rows go (in the admin's transaction)."""
        for obj in queryset:
            log_action(
                actor=request.user,
                action=f"{obj._meta.app_label}.{obj._meta.model_name}_deleted",
                obj=obj,
                data={"via": "admin", "bulk": True},
            )
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        """Inline rows (added, changed, deleted) are audited like the object they belong to."""
        # Logged before the save, while the rows to delete still have their ids (the admin's
        # view is one transaction: a failed save takes these lines back too).
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                self._log_inline(request, deleted.instance, "deleted", {})
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._log_inline(request, obj, "created", {})
        for obj, fields in formset.changed_objects:
            self._log_inline(request, obj, "changed", {"fields": sorted(fields)})

    def _log_inline(self, request, obj, verb: str, data: dict) -> None:
        log_action(
            actor=request.user,
            action=f"{obj._meta.app_label}.{obj._meta.model_name}_{verb}",
            obj=obj,
            data={**data, "via": "admin", "inline": True},
        )


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
