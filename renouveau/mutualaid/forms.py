from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.widgets import FastSelect
from renouveau.territories.models import Commune, Territory

from .models import (
    DAYS,
    PERIODS,
    Category,
    Frequency,
    HelpOffer,
    HelpRequest,
    Initiative,
    Report,
    Urgency,
    slots_mask,
)

COMMUNE_ERRORS = {
    "invalid_choice": _(
        "Cette commune ne fait pas partie de la Métropole : choisissez-en une dans la liste."
    ),
    "required": _("Choisissez votre commune."),
}


def french_blank_choices(form) -> None:
    """Selects open on « — Choisir — » rather than Django's "---------" (read out as dashes)."""
    for field in form.fields.values():
        choices = getattr(field, "choices", None)
        if isinstance(field, forms.ChoiceField) and choices and choices[0] == ("", "---------"):
            field.choices = [("", _("— Choisir —")), *choices[1:]]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def commune_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=kwargs.pop("label", _("Commune")),
        queryset=Commune.objects.order_by("sort_name"),
        empty_label=_("— Choisir —"),
        error_messages=COMMUNE_ERRORS,
        widget=FastSelect,
        **kwargs,
    )


class BirthYearMixin:
    """Asks the birth year when the account has none (minimum age 16 for mutual aid)."""

    def _add_birth_year(self, user) -> None:
        if user.birth_year is None:
            self.fields["birth_year"] = forms.IntegerField(
                label=_("Votre année de naissance"),
                help_text=_("L'entraide est ouverte à partir de 16 ans. Demandée une seule fois."),
                min_value=1900,
                max_value=timezone.localdate().year,
                error_messages={
                    "min_value": _("Indiquez une année de naissance plausible (quatre chiffres)."),
                    "max_value": _("Indiquez une année de naissance plausible (quatre chiffres)."),
                    "invalid": _("Indiquez une année de naissance en chiffres, par exemple 1980."),
                },
            )

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and timezone.localdate().year - year < 16:
            raise forms.ValidationError(_("L'entraide est ouverte à partir de 16 ans."))
        return year


class HelpPostForm(BirthYearMixin, forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        label=_("Jours possibles"),
        choices=DAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Laissez vide si n'importe quel jour convient."),
    )
    periods = forms.TypedMultipleChoiceField(
        label=_("Moments de la journée"),
        choices=PERIODS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Laissez vide si n'importe quel moment convient."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["commune"] = commune_field(initial=user.commune_id)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=30)
        organisations = user.organisations.all()
        if organisations:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].empty_label = _("— À titre personnel —")
        else:
            del self.fields["organisation"]
        self._add_birth_year(user)
        french_blank_choices(self)

    def clean(self):
        cleaned = super().clean()
        days, periods = cleaned.get("days") or [], cleaned.get("periods") or []
        if days or periods:
            cleaned["slots"] = slots_mask(
                days or [d for d, _ in DAYS], periods or [p for p, _ in PERIODS]
            )
        else:
            cleaned["slots"] = 0
        if (
            cleaned.get("frequency") == Frequency.ONE_OFF
            and not cleaned.get("date")
            and not (days or periods)
        ):
            pass  # a one-off help without a date: "as soon as possible"
        return cleaned

    class Meta:
        fields = [
            "category",
            "title",
            "description",
            "commune",
            "neighbourhood",
            "frequency",
            "date",
            "expires_on",
            "address",
            "phone",
            "organisation",
        ]
        widgets = {
            "date": DateInput(),
            "expires_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "neighbourhood": _(
                "Facultatif. Public : c'est tout ce que les autres verront du lieu."
            ),
            "address": _(
                "Facultatif. Visible seulement de la personne avec qui vous serez mis en relation."
            ),
            "phone": _("Facultatif. Visible seulement après accord des deux personnes."),
            "date": _("Pour une aide ponctuelle, si vous connaissez la date."),
        }


class HelpOfferForm(HelpPostForm):
    class Meta(HelpPostForm.Meta):
        model = HelpOffer
        fields = [*HelpPostForm.Meta.fields, "capacity"]


class HelpRequestForm(HelpPostForm):
    class Meta(HelpPostForm.Meta):
        model = HelpRequest
        fields = [
            *HelpPostForm.Meta.fields,
            "urgency",
            "helpers_needed",
            "on_behalf",
            "beneficiary_name",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("beneficiary_name") and not cleaned.get("on_behalf"):
            self.add_error(
                "on_behalf", _("Cochez cette case si la demande est pour quelqu'un d'autre.")
            )
        return cleaned


class PostFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Type d'aide"), choices=[("", _("Tous"))] + list(Category.choices), required=False
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("sort_name"),
        required=False,
        empty_label=_("Tous"),
        widget=FastSelect,
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.order_by("sort_name"),
        required=False,
        empty_label=_("Toutes"),
        error_messages=COMMUNE_ERRORS,
        widget=FastSelect,
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence"), choices=[("", _("Toutes"))] + list(Frequency.choices), required=False
    )


class RequestFilterForm(PostFilterForm):
    urgency = forms.ChoiceField(
        label=_("Urgence"), choices=[("", _("Toutes"))] + list(Urgency.choices), required=False
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        choices=[("", _("Les plus récentes")), ("urgency", _("Les plus urgentes"))],
        required=False,
    )


class ProposeForm(BirthYearMixin, forms.Form):
    post = forms.ModelChoiceField(label="", queryset=HelpOffer.objects.none(), empty_label=None)
    note = forms.CharField(
        label=_("Un mot pour vous présenter (facultatif)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ne donnez pas encore votre adresse ni votre téléphone."),
    )

    def __init__(self, *args, user, queryset, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = queryset
        self.fields["post"].label = label
        self._add_birth_year(user)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TestimonyForm(forms.Form):
    text = forms.CharField(
        label=_("Votre témoignage (public, 500 caractères au plus)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# The metropolis' extent, with a margin: positions outside are refused.
LAT_RANGE = (43.0, 44.0)
LON_RANGE = (4.5, 6.1)


class InitiativeForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("Organisation"), queryset=user.organisations.order_by("name"), empty_label=None
        )
        self.fields["commune"] = commune_field()
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.NumberInput(attrs={"step": "any"})
        self.fields["latitude"].label = _("Latitude (facultatif)")
        self.fields["longitude"].label = _("Longitude (facultatif)")
        self.fields["latitude"].help_text = _(
            "Pour placer l'initiative sur la carte ; sinon, le centre de la commune est utilisé."
        )
        self.order_fields(["organisation"])
        french_blank_choices(self)

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(
                _("Donnez la latitude et la longitude, ou aucune des deux.")
            )
        if lat is not None and not (
            LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
        ):
            raise forms.ValidationError(_("Ce lieu est en dehors de la Métropole."))
        return cleaned

    class Meta:
        model = Initiative
        fields = [
            "kind",
            "title",
            "description",
            "commune",
            "place",
            "latitude",
            "longitude",
            "starts_on",
            "ends_on",
            "schedule",
            "how_to_join",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "how_to_join": forms.Textarea(attrs={"rows": 3}),
        }


class InitiativeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Tous"))] + list(Initiative.Kind.choices), required=False
    )
    territory = PostFilterForm.base_fields["territory"]
    commune = PostFilterForm.base_fields["commune"]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Précisions (facultatif)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la décision (gardé au journal)"),
        max_length=255,
        error_messages={"required": _("Indiquez le motif de la décision.")},
    )
