from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import Funding, Indicator, Measurement, Milestone, Project, ProjectDocument, Spending


class SpendingInline(admin.TabularInline):
    model = Spending
    extra = 0


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class DocumentInline(admin.TabularInline):
    model = ProjectDocument
    extra = 0


@admin.register(Project)
class ProjectAdmin(AuditedModelAdmin):
    list_display = ["title", "owner", "status", "progress", "total_cost_eur", "is_published"]
    list_filter = ["status", "origin_kind", "is_published", "is_demo", "workstreams"]
    search_fields = ["title", "owner", "origin_ref"]
    readonly_fields = ["total_cost_eur"]
    filter_horizontal = ["workstreams", "territories", "communes", "deliberations"]
    inlines = [SpendingInline, FundingInline, MilestoneInline, DocumentInline]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    readonly_fields = ["created_by", "created_at"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ["label", "project", "unit", "target"]
    search_fields = ["label", "project__title"]
    inlines = [MeasurementInline]
