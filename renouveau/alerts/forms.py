from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.widgets import FastSelect
from renouveau.territories.models import Commune, Territory

from .models import Alert, Exercise, Risk

# The optional English version of an alert's texts (a fieldset of its own in the form).
ENGLISH_FIELDS = ("event_en", "headline_en", "description_en", "instruction_en")


def english_texts_error(data: dict):
    """The error for an English text given without the English headline, else None (the
    English CAP <info> and the English pages are titled by it)."""
    if (data.get("headline_en") or "").strip():
        return None
    if any((data.get(name) or "").strip() for name in ENGLISH_FIELDS):
        return _(
            "Donnez aussi le titre en anglais : il est obligatoire dès qu'un texte anglais "
            "est rempli (ou videz les champs en anglais)."
        )
    return None


COMMUNE_ERRORS = {
    "invalid_choice": _(
        "Cette commune ne fait pas partie de la Métropole : choisissez-en une dans la liste."
    ),
    "required": _("Choisissez une commune."),
    "invalid_pk_value": _("Cette commune ne fait pas partie de la Métropole."),
}
DATETIME_ERRORS = {
    "invalid": _("Indiquez une date et une heure valides, par exemple 14/07/2026 18:30."),
    "required": _("Indiquez une date et une heure."),
}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BoundedDateTimeField(forms.DateTimeField):
    """A date the database and the CAP file can hold: years 2000 to 2099 only (a mistyped
    year 0001 converted to UTC falls before year 1 and breaks every page listing it)."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and not (2000 <= result.year <= 2099):
            raise forms.ValidationError(
                _("Indiquez une date comprise entre l'an 2000 et l'an 2099."), code="out_of_range"
            )
        return result


def _datetime_field(label, *, required=False, help_text=""):
    return BoundedDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages=DATETIME_ERRORS,
    )


class AreaMixin(forms.Form):
    territories = forms.ModelMultipleChoiceField(
        label=_("Territoires entiers"),
        queryset=Territory.objects.order_by("sort_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Toutes les communes du Territoire sont alors concernées."),
        error_messages={"invalid_choice": _("Ce Territoire n'existe pas.")},
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes"),
        queryset=Commune.objects.order_by("sort_name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
        error_messages=COMMUNE_ERRORS,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("communes") and not cleaned.get("territories") and not self.errors:
            # On the field, so the message is announced with it (not only at the top).
            self.add_error(
                "communes", _("Choisissez au moins une commune ou un Territoire concerné.")
            )
        return cleaned


class AlertForm(AreaMixin, forms.ModelForm):
    effective = _datetime_field(
        _("En vigueur à partir du"), help_text=_("Laissez vide : dès la publication.")
    )
    onset = _datetime_field(_("Début de l'événement"))
    expires = _datetime_field(
        _("Fin de validité"),
        help_text=_("L'alerte cesse d'elle-même à cette date, sauf mise à jour."),
    )

    field_order = [
        "status",
        "exercise",
        "risk",
        "category",
        "event",
        "headline",
        "description",
        "instruction",
        "response_type",
        "urgency",
        "severity",
        "certainty",
        "effective",
        "onset",
        "expires",
        "territories",
        "communes",
        "area_desc",
        "contact",
        *ENGLISH_FIELDS,
    ]

    class Meta:
        model = Alert
        fields = [
            "status",
            "exercise",
            "risk",
            "category",
            "event",
            "headline",
            "description",
            "instruction",
            "response_type",
            "urgency",
            "severity",
            "certainty",
            "area_desc",
            "contact",
            *ENGLISH_FIELDS,
        ]
        labels = {
            "event_en": _("Événement, en anglais"),
            "headline_en": _("Titre, en anglais"),
            "description_en": _("Description, en anglais"),
            "instruction_en": _("Consignes, en anglais"),
            "status": _("Nature du message"),
            "headline": _("Titre (court et clair)"),
            "instruction": _("Consignes : ce qu'il faut faire"),
            "area_desc": _("Description de la zone"),
        }
        help_texts = {
            "status": _("« Exercice » : le message est étiqueté EXERCICE partout."),
            "event": _("Par exemple : crue de l'Huveaune, canicule, feu de forêt."),
            "area_desc": _("Laissez vide : la liste des Territoires et communes choisis."),
            "contact": _("Numéro ou adresse pour se renseigner."),
            "event_en": _("Par exemple : Huveaune river flood, heatwave, forest fire."),
            "headline_en": _("Obligatoire dès qu'un texte anglais est rempli."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "instruction": forms.Textarea(attrs={"rows": 4}),
            # What is typed there is English: said to browsers' spell checkers and readers.
            "event_en": forms.TextInput(attrs={"lang": "en"}),
            "headline_en": forms.TextInput(attrs={"lang": "en"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "instruction_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_desc"].required = False
        self.fields["exercise"].queryset = Exercise.objects.order_by("-starts_at")
        self.fields["exercise"].required = False
        self.fields["exercise"].help_text = _("Pour un message d'exercice : l'exercice concerné.")
        self.fields["instruction"].required = True
        self.fields["instruction"].error_messages["required"] = _(
            "Dites clairement aux habitants ce qu'ils doivent faire."
        )
        if self.instance.pk:
            self.initial.setdefault("communes", list(self.instance.communes.all()))
            for name in ("effective", "onset", "expires"):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial.setdefault(name, timezone.localtime(value))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exercise") and cleaned.get("status") == Alert.Status.ACTUAL:
            self.add_error(
                "status", _("Un message rattaché à un exercice est de nature « Exercice ».")
            )
        english_headline_error = english_texts_error(cleaned)
        if english_headline_error and "headline_en" not in self.errors:
            self.add_error("headline_en", english_headline_error)
        return cleaned

    def french_fields(self):
        return [field for field in self.visible_fields() if field.name not in ENGLISH_FIELDS]

    def english_fields(self):
        return [field for field in self.visible_fields() if field.name in ENGLISH_FIELDS]

    def _post_clean(self):
        # The services validate the workflow; the model's constraints are checked there.
        pass


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Motif de l'annulation, dit au public"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Expliquez au public pourquoi l'alerte est levée.")},
    )
    note_en = forms.CharField(
        label=_("Motif de l'annulation, en anglais (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        max_length=1000,
        required=False,
        help_text=_(
            "Pour les habitants et visiteurs anglophones, si l'alerte a une version anglaise."
        ),
    )


class CrisisModeForm(forms.Form):
    headline = forms.CharField(label=_("Titre du bandeau"), max_length=160)
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class SubscriptionForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.order_by("sort_name"),
        empty_label=_("— Choisir —"),
        error_messages=COMMUNE_ERRORS,
        widget=FastSelect,
    )
    include_exercises = forms.BooleanField(
        label=_("Recevoir aussi les messages d'exercice"), required=False
    )


class FilterForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.order_by("sort_name"),
        required=False,
        empty_label=_("Toutes les communes"),
        error_messages=COMMUNE_ERRORS,
        widget=FastSelect,
        to_field_name="insee",
    )


class ArchiveFilterForm(FilterForm):
    risk = forms.ChoiceField(
        label=_("Type de risque"),
        choices=[("", _("Tous les risques")), *Risk.choices],
        required=False,
        error_messages={"invalid_choice": _("Ce type de risque n'existe pas.")},
    )
    status = forms.ChoiceField(
        label=_("Nature"),
        choices=[
            ("", _("Alertes réelles et exercices")),
            (Alert.Status.ACTUAL, _("Alertes réelles")),
            (Alert.Status.EXERCISE, _("Exercices")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Cette nature de message n'existe pas.")},
    )


class ExerciseForm(AreaMixin, forms.ModelForm):
    starts_at = _datetime_field(_("Début"), required=True)
    ends_at = _datetime_field(_("Fin"), required=True)

    field_order = [
        "title",
        "risk",
        "scenario",
        "starts_at",
        "ends_at",
        "place",
        "territories",
        "communes",
        "organiser",
        "capacity",
    ]

    class Meta:
        model = Exercise
        fields = ["title", "risk", "scenario", "place", "organiser", "capacity"]
        widgets = {"scenario": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "scenario": _("Ce qui sera simulé et ce que les participants auront à faire."),
        }

    capacity = forms.IntegerField(
        label=_("Nombre de places"),
        min_value=1,
        max_value=100000,
        help_text=_("Nombre de places ouvertes aux habitants."),
        error_messages={
            "min_value": _("Ouvrez au moins une place."),
            "max_value": _("Ouvrez au plus 100 000 places."),
            "invalid": _("Indiquez un nombre entier de places."),
            "required": _("Indiquez le nombre de places."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("communes", list(self.instance.communes.all()))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin doit suivre le début de l'exercice."))
        return cleaned

    def _post_clean(self):
        pass


class DebriefForm(forms.Form):
    went_well = forms.CharField(
        label=_("Ce qui a bien fonctionné"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Dites ce qui a bien fonctionné.")},
    )
    to_improve = forms.CharField(
        label=_("Ce qui est à améliorer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Dites ce qui est à améliorer.")},
    )
