"""Read-only back office: alerts, crisis mode, exercises, subscriptions and registrations are
written through the app's pages, whose services write the audit log."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Alert, CrisisMode, Exercise, Registration, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = (
        "headline",
        "status",
        "msg_type",
        "severity",
        "state",
        "sent",
        "expires",
        "signal_count",
    )
    list_filter = ("state", "status", "msg_type", "severity", "risk")
    search_fields = ("headline", "identifier", "event")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_signals=Count("signal_links"))

    @admin.display(description=_("signalements d'origine"), ordering="n_signals")
    def signal_count(self, alert):
        return alert.n_signals


@admin.register(Exercise)
class ExerciseAdmin(ReadOnlyAdmin):
    list_display = ("title", "risk", "starts_at", "capacity", "debrief_published_at")
    list_filter = ("risk",)
    search_fields = ("title",)


@admin.register(CrisisMode)
class CrisisModeAdmin(ReadOnlyAdmin):
    list_display = ("headline", "is_active", "started_at", "ended_at")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("commune", "created_at")
    list_select_related = ("commune",)


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("exercise", "created_at")
    list_select_related = ("exercise",)
