from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renouveau.core.widgets import FastSelect
from renouveau.territories.models import Commune, Territory

from .models import AGE_BANDS, Body, Candidate, Meeting, Membership, Place, Recommendation
from .rules import can_run_bodies
from .services import meeting_year_check

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_ERRORS = {
    "invalid": _("Indiquez une date et une heure valides, par exemple 2026-03-14 18:30."),
    "required": _("Ce champ est obligatoire."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _meeting_date(value):
    meeting_year_check(value)
    return value


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "body",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "location",
            "agenda",
            "is_public",
            "capacity",
        ]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}
        error_messages = {"starts_at": DATETIME_ERRORS, "ends_at": DATETIME_ERRORS}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].empty_label = _("— Réunion publique hors instance —")
        self.fields["place"].empty_label = _("— Autre lieu (indiqué ci-dessous) —")
        places = Place.objects.select_related("commune").order_by("name")
        if user is not None and not can_run_bodies.test(user):
            # A commune agent announces meetings in their communes' places (or elsewhere, by
            # address), not in another commune's; a meeting's current place stays selectable.
            current = Q(pk=self.instance.place_id) if self.instance.place_id else Q(pk__in=[])
            places = places.filter(Q(commune__in=user.agent_communes.all()) | current)
        self.fields["place"].queryset = places

    def clean_starts_at(self):
        return _meeting_date(self.cleaned_data["starts_at"])

    def clean_ends_at(self):
        return _meeting_date(self.cleaned_data["ends_at"])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin doit être après le début."))
        if cleaned.get("capacity") is not None and not cleaned.get("is_public"):
            self.add_error(
                "capacity", _("Une réunion à huis clos ne prend pas d'inscriptions du public.")
            )
        if not cleaned.get("place") and not (cleaned.get("location") or "").strip():
            self.add_error("location", _("Indiquez un lieu du plan ou une adresse."))
        return cleaned


class MembershipForm(forms.ModelForm):
    """Only what is public about a member of a public body."""

    class Meta:
        model = Membership
        fields = ["public_name", "college", "quality", "commune", "started_on", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput(), "commune": FastSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("sort_name")
        self.fields["commune"].empty_label = _("— Aucune ou hors Métropole —")

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("La fin du mandat doit suivre son début."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation (envoyé aux inscrit·es)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 12}), max_length=50000
    )


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class DocumentForm(forms.Form):
    """A link to a document, or a PDF (at most 10 Mo, checked by its ``%PDF-`` signature, not
    by its name or the type the browser announces)."""

    title = forms.CharField(label=_("Titre du document"), max_length=200)
    url = forms.URLField(
        label=_("Adresse du document"),
        required=False,
        assume_scheme="https",
        help_text=_("Un lien vers le document, ou bien un fichier PDF ci-dessous."),
        error_messages={"invalid": _("Indiquez une adresse web complète (https://…).")},
    )
    file = forms.FileField(
        label=_("Fichier PDF"),
        required=False,
        help_text=_("PDF de 10 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "invalid": _("Le fichier envoyé est illisible : envoyez-le à nouveau."),
            "empty": _("Le fichier envoyé est vide."),
            "missing": _("Le fichier envoyé est illisible : envoyez-le à nouveau."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mo."))
        upload.seek(0)
        signature = upload.read(5)
        upload.seek(0)
        if signature != b"%PDF-":
            raise forms.ValidationError(_("Ce fichier n'est pas un PDF."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("url") and cleaned.get("file"):
            raise forms.ValidationError(_("Indiquez un lien ou un fichier, pas les deux."))
        if not cleaned.get("url") and not cleaned.get("file"):
            self.add_error("url", _("Indiquez l'adresse du document ou joignez un fichier PDF."))
        return cleaned


class CandidateForm(forms.Form):
    public_name = forms.CharField(
        label=_("Nom publié si vous êtes tiré·e au sort"),
        max_length=100,
        help_text=_("Par exemple votre prénom et l'initiale de votre nom."),
    )
    commune = forms.ModelChoiceField(
        label=_("Votre commune de résidence"),
        queryset=Commune.objects.order_by("sort_name"),
        empty_label=_("— Choisir —"),
        widget=FastSelect,
        error_messages={
            "invalid_choice": _("Choisissez une commune de la Métropole dans la liste."),
            "required": _("Choisissez votre commune."),
        },
    )
    age_band = forms.ChoiceField(label=_("Votre tranche d'âge"), choices=AGE_BANDS)
    gender = forms.ChoiceField(
        label=_("Votre genre, tel que vous le déclarez"), choices=Candidate.Gender.choices
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que ces informations servent au tirage au sort et que la liste des "
            "candidatures soit publiée sous un code anonyme (Territoire, genre, tranche d'âge) ; "
            "mon nom public n'est publié que si je suis tiré·e au sort."
        ),
        error_messages={"required": _("Votre accord est nécessaire pour candidater.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and getattr(user, "commune_id", None) and not self.is_bound:
            self.initial.setdefault("commune", user.commune_id)


class DrawForm(forms.Form):
    """A draw with its quotas: one number per Territoire, per gender and per age band, each
    dimension adding up to the seats (left all empty, a dimension has no quota)."""

    body = forms.ModelChoiceField(
        label=_("Instance"), queryset=Body.objects.all(), empty_label=_("— Choisir —")
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    seats = forms.IntegerField(label=_("Nombre de sièges"), min_value=1, max_value=1000)
    closes_on = forms.DateField(
        label=_("Candidatures jusqu'au"),
        widget=DateInput(),
        error_messages={"invalid": _("Indiquez une date valide.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = {
            "territory": [(t.code, t.name) for t in Territory.objects.order_by("sort_name")],
            "gender": list(Candidate.Gender.choices),
            "age_band": [(code, str(label)) for code, label in AGE_BANDS],
        }
        self.dimension_labels = {
            "territory": _("Quotas par Territoire"),
            "gender": _("Quotas par genre"),
            "age_band": _("Quotas par tranche d'âge"),
        }
        for dimension, values in self.dimensions.items():
            for code, label in values:
                self.fields[f"q_{dimension}_{code}"] = forms.IntegerField(
                    label=label, min_value=0, required=False
                )

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise forms.ValidationError(
                _("La date de clôture des candidatures ne peut pas être déjà passée.")
            )
        return closes_on

    def quota_groups(self):
        return [
            (self.dimension_labels[d], [self[f"q_{d}_{code}"] for code, _label in values])
            for d, values in self.dimensions.items()
        ]

    def clean(self):
        cleaned = super().clean()
        seats = cleaned.get("seats")
        quotas: dict[str, dict[str, int]] = {}
        for dimension, values in self.dimensions.items():
            numbers = {code: cleaned.get(f"q_{dimension}_{code}") for code, _label in values}
            if all(n is None for n in numbers.values()):
                continue
            quotas[dimension] = {code: n or 0 for code, n in numbers.items()}
            if seats and sum(quotas[dimension].values()) != seats:
                self.add_error(
                    None,
                    _("%(label)s : le total (%(total)d) doit être égal au nombre de sièges.")
                    % {
                        "label": self.dimension_labels[dimension],
                        "total": sum(quotas[dimension].values()),
                    },
                )
        cleaned["quotas"] = quotas
        return cleaned


class DrawRunForm(forms.Form):
    """While candidacies are still open, an explicit confirmation that they close early. No
    seed: the server generated it when the draw was prepared and published its fingerprint."""

    def __init__(self, *args, early: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if early:
            self.fields["early"] = forms.BooleanField(
                label=_(
                    "Les candidatures sont encore ouvertes : je confirme les clore maintenant "
                    "et tirer au sort parmi les candidatures déjà reçues."
                ),
                error_messages={"required": _("Confirmez la clôture anticipée des candidatures.")},
            )


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["body", "number", "title", "text", "made_on"]
        widgets = {"made_on": DateInput()}


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Suite donnée"),
        choices=[c for c in Recommendation.Response.choices if c[0] != "pending"],
    )
    response_text = forms.CharField(
        label=_("Justification (publiée)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={
            "required": _("La réponse doit être justifiée : expliquez la suite donnée.")
        },
    )


class RecommendationFilterForm(forms.Form):
    q = forms.CharField(label=_("Mots-clés"), required=False, max_length=100)
    body = forms.ModelChoiceField(
        label=_("Instance"),
        queryset=Body.objects.all(),
        required=False,
        empty_label=_("Toutes"),
        to_field_name="code",
    )
    response = forms.ChoiceField(
        label=_("Suite donnée"),
        choices=[("", _("Toutes")), *Recommendation.Response.choices],
        required=False,
    )


class PlaceFilterForm(forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("sort_name"),
        required=False,
        empty_label=_("Tous"),
        to_field_name="code",
    )
    kind = forms.ChoiceField(
        label=_("Type de lieu"), choices=[("", _("Tous")), *Place.Kind.choices], required=False
    )


class ComparisonValueForm(forms.Form):
    metropolis = forms.CharField(label=_("Métropole"), max_length=120)
    value = forms.DecimalField(
        label=_("Valeur"),
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("Indiquez un nombre, par exemple 12,5.")},
    )
    is_home = forms.BooleanField(label=_("C'est notre métropole"), required=False)
    source_note = forms.CharField(
        label=_("Précision sur la source"), max_length=300, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].localize = True
        self.fields["value"].widget.is_localized = True
