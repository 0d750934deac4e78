"""Back office: reference rows (bodies, partners), members, places and the OECD comparison
indicators are edited here by agents; meetings, draws and responses go through the public
pages' agent forms. Every save writes the audit log (``AuditedModelAdmin``); a meeting's save
goes through the same services as the agents' form (checks, audit, e-mails to registrants and
waiting people when its date or place changes, seats given to the waiting list)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.admin import AuditedModelAdmin
from renouveau.territories.models import Territory

from . import services
from .forms import MeetingForm
from .models import (
    AGE_BANDS,
    Body,
    Candidate,
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
class BodyAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "planned_for")


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
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
class PlaceAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "commune", "is_demo")
    list_filter = ("kind", "is_demo")
    list_select_related = ("commune",)


# What the back office may change on a meeting (status, minutes date, SEQUENCE… are read-only).
MEETING_FIELDS = (*MeetingForm.Meta.fields, "minutes", "is_demo")


class MeetingAdminForm(forms.ModelForm):
    """The agents' form's rules, here too: an edit is checked by the service's own check
    (a cancelled meeting, a capacity below the registrants, registrations closed while people
    are registered or waiting) and answered with the form's errors, not a 500."""

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS

    def clean_starts_at(self):
        services.meeting_year_check(self.cleaned_data["starts_at"])
        return self.cleaned_data["starts_at"]

    def clean_ends_at(self):
        services.meeting_year_check(self.cleaned_data["ends_at"])
        return self.cleaned_data["ends_at"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = {name: cleaned[name] for name in MEETING_FIELDS if name in cleaned}
        try:
            if self.instance.pk:
                services.meeting_update_check(
                    meeting=Meeting.objects.get(pk=self.instance.pk), data=data
                )
            else:
                services.meeting_check(data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(AuditedModelAdmin):
    form = MeetingAdminForm
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
    # Deleting a meeting would drop its registrants and waiting people silently: cancel it.
    actions = None

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in MEETING_FIELDS if name in form.cleaned_data
        }
        if change:
            services.meeting_update(actor=request.user, meeting=obj, data=data, via="admin")
        else:
            created = services.meeting_create(actor=request.user, data=data)
            obj.pk = created.pk
            obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.registrations.exists() or obj.waitlist.exists()):
            return False
        return super().has_delete_permission(request, obj)


class DrawAdminForm(forms.ModelForm):
    """A draw prepared in the back office gets the agents' form's checks: quotas shaped as
    ``{dimension: {value: seats}}`` with known dimensions and values, whole non-negative
    numbers, each dimension adding up to the seats; no closing date already past. (A list or a
    number typed as quotas made the draw's public page a 500.)"""

    class Meta:
        model = Draw
        fields = ("body", "title", "description", "seats", "quotas", "closes_on", "is_demo")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            closes_on = cleaned.get("closes_on")
            if closes_on and closes_on < timezone.localdate():
                self.add_error(
                    "closes_on",
                    _("La date de clôture des candidatures ne peut pas être déjà passée."),
                )
        if "quotas" not in self.fields or "quotas" not in cleaned or not cleaned.get("seats"):
            return cleaned
        quotas = cleaned["quotas"] or {}
        known = {
            "territory": set(Territory.objects.values_list("code", flat=True)),
            "gender": set(Candidate.Gender.values),
            "age_band": {code for code, _label in AGE_BANDS},
        }
        shaped = isinstance(quotas, dict) and all(
            dimension in known
            and isinstance(values, dict)
            and set(values) <= known[dimension]
            and all(type(n) is int and n >= 0 for n in values.values())
            for dimension, values in quotas.items()
        )
        if not shaped:
            self.add_error(
                "quotas",
                _(
                    'Quotas attendus sous la forme {"territory": {"code": sièges}, '
                    '"gender": {…}, "age_band": {…}} : dimensions et valeurs connues, '
                    "nombres entiers positifs."
                ),
            )
            return cleaned
        try:
            services._quota_check(cleaned["seats"], quotas)
        except ValidationError as exc:
            self.add_error("quotas", exc)
        return cleaned


@admin.register(Draw)
class DrawAdmin(AuditedModelAdmin):
    form = DrawAdminForm
    list_display = ("title", "body", "seats", "status", "drawn_at", "is_demo")
    # The seed is generated by the server when the draw is prepared and never edited; before
    # the draw only its fingerprint is shown, even here.
    readonly_fields = ("seed_fingerprint", "published_seed", "drawn_at", "drawn_by", "status")

    @admin.display(description=_("empreinte de la graine (SHA-256)"))
    def seed_fingerprint(self, obj):
        return obj.seed_fingerprint if obj and obj.pk else "—"

    @admin.display(description=_("graine (publiée avec le résultat)"))
    def published_seed(self, obj):
        return (obj.published_seed if obj else "") or "—"

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
class RecommendationAdmin(AuditedModelAdmin):
    list_display = ("number", "title", "body", "made_on", "response", "is_demo")
    list_filter = ("body", "response", "is_demo")


@admin.register(Partner)
class PartnerAdmin(AuditedModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    filter_horizontal = ("agreements",)


class ComparisonValueInline(admin.TabularInline):
    model = ComparisonValue
    extra = 1


@admin.register(ComparisonIndicator)
class ComparisonIndicatorAdmin(AuditedModelAdmin):
    list_display = ("name", "unit", "year", "source", "is_demo")
    inlines = [ComparisonValueInline]
