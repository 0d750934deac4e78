"""Back office: reference rows (bodies, partners), members, places and the OECD comparison
indicators are edited here by agents; meetings, draws and responses go through the public
pages' agent forms, which write the audit log."""

from django.contrib import admin

from .models import (
    Body,
    ComparisonIndicator,
    ComparisonValue,
    Draw,
    Meeting,
    Membership,
    Partner,
    Place,
    Recommendation,
)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "planned_for")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "public_name",
        "body",
        "college",
        "commune",
        "started_on",
        "ended_on",
        "is_demo",
    )
    list_filter = ("body", "college", "is_demo")
    search_fields = ("public_name",)
    list_select_related = ("body", "commune")
    raw_id_fields = ("user",)
    autocomplete_fields = ()


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "commune", "is_demo")
    list_filter = ("kind", "is_demo")
    list_select_related = ("commune",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "starts_at", "is_public", "capacity", "status", "is_demo")
    list_filter = ("body", "status", "is_public", "is_demo")
    list_select_related = ("body",)
    # Cancelling goes through the agents' form, which e-mails the registrants the reason and
    # bumps the iCalendar SEQUENCE; a status changed here would tell nobody.
    readonly_fields = (
        "uid",
        "sequence",
        "created_by",
        "status",
        "cancellation_reason",
        "minutes_published_at",
    )


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "seats", "status", "drawn_at", "is_demo")
    readonly_fields = ("seed", "drawn_at", "drawn_by", "status")

    def get_readonly_fields(self, request, obj=None):
        """Seats and quotas are published when candidacies open and the result is checked
        against them: once the draw exists they are not edited here (no check, no audit line);
        once drawn, nothing is."""
        fields = [*super().get_readonly_fields(request, obj)]
        if obj is not None:
            fields += ["seats", "quotas"]
            if obj.status == Draw.Status.DRAWN:
                fields += ["body", "title", "description", "closes_on", "is_demo"]
        return fields


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "body", "made_on", "response", "is_demo")
    list_filter = ("body", "response", "is_demo")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    filter_horizontal = ("agreements",)


class ComparisonValueInline(admin.TabularInline):
    model = ComparisonValue
    extra = 1


@admin.register(ComparisonIndicator)
class ComparisonIndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "year", "source", "is_demo")
    inlines = [ComparisonValueInline]
