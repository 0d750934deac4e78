from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin

from .models import Aid, AidAlert, Funder, FunderMembership


class FunderMembershipInline(admin.TabularInline):
    model = FunderMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Funder)
class FunderAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "siren"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FunderMembershipInline]


@admin.register(Aid)
class AidAdmin(AuditedModelAdmin):
    """For administrators; agents use the custom back office at /aides/gestion/."""

    list_display = ["title", "owner", "status", "is_synthetic", "updated_at"]
    list_filter = ["status", "is_synthetic", "is_demo", "owner"]
    search_fields = ["title", "external_id"]
    readonly_fields = ["status", "submitted_at", "published_at", "archived_at"]
    filter_horizontal = ["funders", "instructing_bodies", "territories", "communes", "workstreams",
                         "imperatives", "guides"]  # fmt: skip

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from .services import aids_reindex

        aids_reindex(queryset=Aid.objects.filter(pk=form.instance.pk))


@admin.register(AidAlert)
class AidAlertAdmin(AuditedModelAdmin):
    """Audited like every back-office edit. The address, its confirmation and the search are
    read-only: an administrator cannot confirm an alert for an address in its owner's stead
    (double opt-in) nor point someone's confirmed alert at another address."""

    list_display = ["email", "frequency", "language", "confirmed_at", "unsubscribed_at",
                    "last_sent_at"]  # fmt: skip
    list_filter = ["frequency", "language"]
    search_fields = ["email"]
    readonly_fields = ["token", "email", "user", "query", "confirmed_at", "last_sent_at",
                       "pending_frequency", "pending_language", "pending_requested_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False
