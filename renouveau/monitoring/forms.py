from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renouveau.plan.models import Deliberation, Target, Workstream
from renouveau.territories.models import Commune, Territory

from .models import Funding, Project


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    chantier = forms.ModelChoiceField(
        label=_("Chantier"),
        queryset=Workstream.objects.order_by("number"),
        required=False,
        to_field_name="slug",
        empty_label=_("Tous les chantiers"),
    )
    territoire = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("sort_name"),
        required=False,
        to_field_name="code",
        empty_label=_("Tous les Territoires"),
    )
    statut = forms.ChoiceField(
        label=_("État"),
        choices=[("", _("Tous les états")), *Project.Status.choices],
        required=False,
    )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "owner",
            "summary",
            "workstreams",
            "communes",
            "territories",
            "status",
            "progress",
            "start_on",
            "end_on",
            "jobs_created",
            "jobs_kept",
            "origin_kind",
            "origin_ref",
            "deliberation",
            "deliberations",
            "is_published",
        ]
        widgets = {
            "start_on": DateInput(),
            "end_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "workstreams": forms.CheckboxSelectMultiple,
            "territories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = Commune.objects.order_by("sort_name")
        self.fields["communes"].help_text = _(
            "Les Territoires sont déduits des communes si vous n'en cochez aucun."
        )
        self.fields["deliberation"].queryset = Deliberation.objects.order_by("-session_date")
        self.fields["deliberations"].queryset = Deliberation.objects.order_by("-session_date")


class SpendingForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    planned_eur = forms.DecimalField(label=_("Prévu (€)"), min_value=0, max_digits=14)
    committed_eur = forms.DecimalField(
        label=_("Engagé (€)"), min_value=0, max_digits=14, required=False
    )
    paid_eur = forms.DecimalField(
        label=_("Mandaté (€)"), min_value=0, max_digits=14, required=False
    )

    def clean(self):
        data = super().clean()
        committed, paid = data.get("committed_eur") or 0, data.get("paid_eur") or 0
        if committed and paid > committed:
            raise forms.ValidationError(
                _("Le montant mandaté dépasse le montant engagé pour cette année.")
            )
        return data


class FundingForm(forms.Form):
    source = forms.ChoiceField(label=_("Financeur"), choices=Funding.Source.choices)
    amount_eur = forms.DecimalField(label=_("Montant (€)"), min_value=0, max_digits=14)
    note = forms.CharField(label=_("Précision"), max_length=200, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Jalon"), max_length=200)
    due_on = forms.DateField(label=_("Date prévue"), widget=DateInput())
    done_on = forms.DateField(label=_("Atteint le"), required=False, widget=DateInput())


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre du document"), max_length=200)
    url = forms.URLField(label=_("Adresse du document"), max_length=500, assume_scheme="https")


class IndicatorForm(forms.Form):
    label = forms.CharField(label=_("Indicateur"), max_length=200)
    unit = forms.CharField(label=_("Unité"), max_length=40)
    target = forms.ModelChoiceField(
        label=_("Compte pour l'objectif du plan"),
        queryset=Target.objects.select_related("workstream").order_by("workstream__number"),
        required=False,
    )
    baseline_value = forms.DecimalField(label=_("Valeur de départ"), max_digits=14, initial=0)
    baseline_on = forms.DateField(label=_("Date de départ"), required=False, widget=DateInput())
    target_value = forms.DecimalField(label=_("Valeur cible"), max_digits=14)
    target_on = forms.DateField(label=_("Échéance"), required=False, widget=DateInput())


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("Date de la mesure"), widget=DateInput())
    value = forms.DecimalField(label=_("Valeur mesurée"), max_digits=14)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
