from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from renouveau.core.admin import AuditedModelAdmin

from .models import Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "commune", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "groups"]
    autocomplete_fields = ["commune"]
    filter_horizontal = ["groups", "agent_communes"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profil"), {"fields": ["display_name", "commune", "birth_year"]}),
        (
            _("Rôles"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "agent_communes"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "erased_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined", "erased_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "commune", "is_verified"]
    list_filter = ["kind", "is_verified"]
    search_fields = ["name", "identifier"]
    inlines = [MembershipInline]
