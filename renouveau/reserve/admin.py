"""Back office of the citizen reserve.

Only administrators (role or superuser) reach these pages: the app's permissions
(``reserve.view_volunteer``, ``reserve.change_mission``…) share their names with Django's model
permissions and, asked without an object, would let any metropolis or commune agent read every
volunteer's phone or add a mission in any commune here. Every write with a consequence for
people goes through the app's services: a mission's edit is ``services.mission_update`` (audit,
e-mail to the people signed up when the date or place changes); volunteers' statuses, sign-ups
and warning signals are read-only here and handled from the reserve's pages."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from renouveau.core.admin import AuditedModelAdmin
from renouveau.core.rules import is_administrator

from . import services
from .models import Mission, Signal, Signup, Skill, Volunteer


class AdministratorsOnly:
    def has_module_permission(self, request):
        return is_administrator.test(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator.test(request.user)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Skill)
class SkillAdmin(AdministratorsOnly, AuditedModelAdmin):
    list_display = ["name", "code", "order"]

    def has_change_permission(self, request, obj=None):
        return is_administrator.test(request.user)


@admin.register(Volunteer)
class VolunteerAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["user", "status", "created_at", "is_demo"]
    list_filter = ["status", "is_demo"]
    list_select_related = ["user"]


class SignupInline(admin.TabularInline):
    model = Signup
    fields = ["volunteer", "created_at", "attended", "reminded_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MissionAdminForm(forms.ModelForm):
    actor = None  # set per request by MissionAdmin.get_form

    class Meta:
        model = Mission
        fields = [*services.MISSION_FIELDS, "skills"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.pk is None:
            return cleaned
        current = Mission.objects.get(pk=self.instance.pk)
        # Its ValidationError (a dict by field, or a message) becomes the form's errors.
        services.mission_update_check(actor=self.actor, mission=current, data=cleaned)
        return cleaned


@admin.register(Mission)
class MissionAdmin(AdministratorsOnly, admin.ModelAdmin):
    """A mission is created, published, closed and cancelled from the reserve's pages; here
    an administrator may correct its content, through the same service as the edit form."""

    form = MissionAdminForm
    list_display = ["title", "commune", "starts_at", "status", "capacity", "is_demo"]
    list_filter = ["status", "is_demo"]
    list_select_related = ["commune"]
    readonly_fields = ["status", "organiser", "cancel_reason", "is_demo"]
    filter_horizontal = ["skills"]
    inlines = [SignupInline]

    def has_change_permission(self, request, obj=None):
        return is_administrator.test(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        services.mission_update(actor=request.user, mission=obj, data=form.cleaned_data)

    def save_related(self, request, form, formsets, change):
        # The service has set the skills; the sign-ups inline is read-only.
        pass


@admin.register(Signal)
class SignalAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["pk", "category", "commune", "urgency", "status", "created_at", "is_demo"]
    list_filter = ["status", "category", "urgency", "is_demo"]
    list_select_related = ["commune"]
