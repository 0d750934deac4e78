from __future__ import annotations

import datetime
import re

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.widgets import FastSelect
from renouveau.territories.models import Commune, Territory

from .models import (
    Mission,
    Signal,
    SignalCategory,
    SignalStatus,
    SignalUrgency,
    Skill,
    VolunteerStatus,
)

COMMUNE_ERRORS = {
    "invalid_choice": _(
        "Cette commune ne fait pas partie de la Métropole : choisissez-en une dans la liste."
    ),
    "required": _("Choisissez une commune."),
}
PHONE_RE = re.compile(r"^\+?[0-9 .\-]{10,20}$")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def commune_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=kwargs.pop("label", _("Commune")),
        queryset=kwargs.pop("queryset", Commune.objects.order_by("sort_name")),
        empty_label=kwargs.pop("empty_label", _("— Choisir —")),
        error_messages=COMMUNE_ERRORS,
        widget=FastSelect,
        **kwargs,
    )


def skills_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("order", "name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
        required=False,
        error_messages={"invalid_choice": _("Cette compétence n'existe pas.")},
        **kwargs,
    )


class VolunteerForm(forms.Form):
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes où vous pouvez agir"),
        queryset=Commune.objects.order_by("sort_name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
        help_text=_("Au moins une. Cochez celles où vous pouvez vous rendre facilement."),
        error_messages={
            "required": _("Choisissez au moins une commune."),
            "invalid_choice": _("Cette commune ne fait pas partie de la Métropole."),
        },
    )
    skills = skills_field(
        label=_("Vos compétences"),
        help_text=_(
            "Facultatif : aucune compétence particulière n'est exigée pour rejoindre la réserve."
        ),
    )
    available_weekdays = forms.BooleanField(
        label=_("Disponible en semaine, en journée"), required=False
    )
    available_evenings = forms.BooleanField(label=_("Disponible en soirée"), required=False)
    available_weekends = forms.BooleanField(label=_("Disponible le week-end"), required=False)
    availability_note = forms.CharField(
        label=_("Précisions sur vos disponibilités"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : « le mercredi après-midi », « pas en juillet »."),
    )
    phone = forms.CharField(
        label=_("Téléphone (facultatif)"),
        max_length=30,
        required=False,
        help_text=_(
            "Vu seulement par la cellule de crise et par les organisateurs des missions que vous "
            "rejoignez, pour vous joindre le jour même."
        ),
    )

    def __init__(self, *args, enrolment: bool = True, first_communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if first_communes:
            # The person's own (or already chosen) communes first: a pre-ticked box is seen.
            self.fields["communes"].queryset = Commune.objects.annotate(
                chosen=Case(
                    When(pk__in=list(first_communes), then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ).order_by("chosen", "name")
        if enrolment:
            self.fields["accept_charter"] = forms.BooleanField(
                label=_("J'ai lu la charte de la réserve citoyenne et je m'engage à la respecter."),
                error_messages={"required": _("Vous devez accepter la charte de la réserve.")},
            )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78.")
            )
        return phone


class VolunteerFilterForm(forms.Form):
    commune = commune_field(required=False, empty_label=_("Toutes"))
    skill = forms.ModelChoiceField(
        label=_("Compétence"),
        queryset=Skill.objects.order_by("order", "name"),
        required=False,
        empty_label=_("Toutes"),
        error_messages={"invalid_choice": _("Cette compétence n'existe pas.")},
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Tous (sauf départs)"))] + list(VolunteerStatus.choices),
        required=False,
        error_messages={"invalid_choice": _("Ce statut n'existe pas.")},
    )


class VolunteerStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Nouveau statut"),
        choices=[
            (VolunteerStatus.ACTIVE, _("Valider (active)")),
            (VolunteerStatus.SUSPENDED, _("Suspendre")),
        ],
        error_messages={"invalid_choice": _("Ce statut n'est pas possible.")},
    )
    reason = forms.CharField(
        label=_("Motif (obligatoire pour une suspension, communiqué à la personne)"),
        max_length=300,
        required=False,
    )


class DistinctionForm(forms.Form):
    citation = forms.CharField(
        label=_("Citation"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Quelques lignes publiques sur l'engagement de la personne (400 caractères au plus)."
        ),
        error_messages={"required": _("Rédigez une courte citation.")},
    )


class ConsentForm(forms.Form):
    recognition_public = forms.BooleanField(
        label=_("J'accepte que ma distinction soit affichée publiquement avec mon nom d'usage."),
        required=False,
    )


class MissionForm(forms.ModelForm):
    skills = skills_field(label=_("Compétences recherchées"))

    def __init__(self, *args, user, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        from .rules import is_reserve_manager

        communes = Commune.objects.order_by("sort_name")
        if not is_reserve_manager.test(user):
            communes = user.agent_communes.order_by("sort_name")
        self.fields["commune"] = commune_field(queryset=communes)
        if creating:
            self.fields["publish"] = forms.BooleanField(
                label=_("Publier tout de suite (sinon la mission reste en brouillon)"),
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin doit être après le début."))
        return cleaned

    class Meta:
        model = Mission
        fields = [
            "title",
            "description",
            "commune",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "skills",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "capacity": forms.NumberInput(attrs={"min": 1, "max": 500}),
        }
        help_texts = {
            "place": _("Adresse ou point de rendez-vous, public."),
            "description": _("Ce qu'il faut faire, l'équipement à prévoir, qui accueille."),
        }
        error_messages = {
            "title": {"required": _("Donnez un intitulé à la mission.")},
            "description": {"required": _("Décrivez la mission.")},
            "place": {"required": _("Indiquez le lieu de rendez-vous.")},
            "starts_at": {
                "required": _("Indiquez le début de la mission."),
                "invalid": _("Indiquez une date et une heure valides."),
            },
            "ends_at": {
                "required": _("Indiquez la fin de la mission."),
                "invalid": _("Indiquez une date et une heure valides."),
            },
            "capacity": {
                "required": _("Indiquez le nombre de réservistes attendus."),
                "min_value": _("Il faut au moins une place."),
                "invalid": _("Indiquez un nombre entier."),
            },
        }

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(_("Il faut au moins une place."))
        if capacity > 500:
            raise forms.ValidationError(_("500 places au plus par mission."))
        return capacity


class MissionFilterForm(forms.Form):
    commune = commune_field(required=False, empty_label=_("Toutes"))
    skill = forms.ModelChoiceField(
        label=_("Compétence"),
        queryset=Skill.objects.order_by("order", "name"),
        required=False,
        empty_label=_("Toutes"),
        error_messages={"invalid_choice": _("Cette compétence n'existe pas.")},
    )
    available_only = forms.BooleanField(label=_("Seulement avec des places libres"), required=False)


class MissionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation (envoyé aux inscrits)"),
        max_length=300,
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )


class SignalForm(forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field(initial=getattr(user, "commune_id", None))
        self.fields["observed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        # Radio buttons need no blank « --------- » choice: none ticked already means none chosen.
        self.fields["urgency"].choices = SignalUrgency.choices

    class Meta:
        model = Signal
        fields = ["category", "commune", "place", "description", "observed_at", "urgency"]
        widgets = {
            "observed_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "urgency": forms.RadioSelect,
        }
        help_texts = {
            "place": _("Rue, quartier, lieu-dit : de quoi retrouver l'endroit."),
            "description": _(
                "Ce que vous voyez, depuis quand, ce qui vous inquiète. N'indiquez pas de données sur d'autres personnes."
            ),
        }
        error_messages = {
            "category": {
                "required": _("Choisissez le type de risque."),
                "invalid_choice": _("Choisissez un type de risque dans la liste."),
            },
            "place": {"required": _("Indiquez où vous avez fait cette observation.")},
            "description": {"required": _("Décrivez ce que vous avez observé.")},
            "observed_at": {
                "required": _("Indiquez quand vous l'avez observé."),
                "invalid": _("Indiquez une date et une heure valides."),
            },
            "urgency": {
                "required": _("Indiquez l'urgence que vous estimez."),
                "invalid_choice": _("Choisissez une urgence dans la liste."),
            },
        }

    def clean_observed_at(self):
        observed = self.cleaned_data["observed_at"]
        now = timezone.now()
        if observed > now + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("La date d'observation ne peut pas être dans le futur."))
        if observed < now - datetime.timedelta(days=60):
            raise forms.ValidationError(_("Ce signalement est trop ancien (plus de deux mois)."))
        return observed


class SignalTriageForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Nouvelle étape"),
        choices=[c for c in SignalStatus.choices if c[0] != SignalStatus.NEW],
        error_messages={"invalid_choice": _("Cette étape n'existe pas.")},
    )
    note = forms.CharField(
        label=_("Note pour l'auteur (obligatoire pour traiter ou classer)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    duplicate_of = forms.IntegerField(
        label=_("Numéro du signalement d'origine (pour un doublon)"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Indiquez un numéro de signalement.")},
    )

    def clean_duplicate_of(self):
        number = self.cleaned_data.get("duplicate_of")
        if number is None:
            return None
        original = Signal.objects.filter(pk=number).first()
        if original is None:
            raise forms.ValidationError(_("Aucun signalement ne porte ce numéro."))
        return original


class SignalFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Type de risque"),
        choices=[("", _("Tous"))] + list(SignalCategory.choices),
        required=False,
        error_messages={"invalid_choice": _("Ce type de risque n'existe pas.")},
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("sort_name"),
        required=False,
        empty_label=_("Tous"),
        error_messages={"invalid_choice": _("Ce Territoire n'existe pas.")},
    )
    status = forms.ChoiceField(
        label=_("Étape"),
        choices=[("", _("À traiter (toutes)"))]
        + [
            (s, label)
            for s, label in SignalStatus.choices
            if s in ("new", "acknowledged", "in_progress")
        ],
        required=False,
        error_messages={"invalid_choice": _("Cette étape n'existe pas.")},
    )
