from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import (
    Agreement,
    Deliberation,
    Deliverable,
    EmergencyMeasure,
    Plan,
    PlanSection,
    Session,
    Target,
    Workstream,
)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0


class PlanSectionInline(admin.StackedInline):
    model = PlanSection
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ["title", "code", "adopted_on"]
    inlines = [PlanSectionInline]


@admin.register(Workstream)
class WorkstreamAdmin(AuditedModelAdmin):
    list_display = ["number", "title"]
    inlines = [TargetInline]


@admin.register(Deliberation)
class DeliberationAdmin(AuditedModelAdmin):
    list_display = ["number", "body", "session_date", "title"]
    list_filter = ["body", "session_date"]
    search_fields = ["number", "title"]


@admin.register(Agreement)
class AgreementAdmin(AuditedModelAdmin):
    list_display = ["title", "partner", "amount_eur", "ends_on"]
    inlines = [DeliverableInline]


admin.site.register(EmergencyMeasure, AuditedModelAdmin)
admin.site.register(Session, AuditedModelAdmin)
