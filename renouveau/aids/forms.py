from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from renouveau.plan.models import Imperative, Workstream
from renouveau.territories.models import Commune, Territory

from .models import LANGUAGES, Aid, AidAlert, AidType, Audience, Funder
from .selectors import AidFilters, Sort

MAX_QUERY_LENGTH = 200


class AidSearchForm(forms.Form):
    """The public search: every field optional, French parameter names (shareable URLs)."""

    q = forms.CharField(
        label=_("Rechercher une aide"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Votre recherche est trop longue : %(limit_value)d caractères au plus.")
        },
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("énergie, loyer, emploi…")}
        ),
    )
    public = forms.MultipleChoiceField(
        label=_("Pour qui ?"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    type = forms.MultipleChoiceField(
        label=_("Nature de l'aide"),
        choices=AidType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    chantier = forms.ModelChoiceField(
        label=_("Chantier du plan"),
        queryset=Workstream.objects.order_by("number"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous les chantiers"),
    )
    territoire = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("sort_name"),
        to_field_name="code",
        required=False,
        empty_label=_("Tous les Territoires"),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.order_by("sort_name"),
        to_field_name="insee",
        required=False,
        empty_label=_("Toutes les communes"),
    )
    ouvert = forms.BooleanField(label=_("Ouvertes aujourd'hui"), required=False)
    avant = forms.DateField(
        label=_("Clôture avant le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("", _("Pertinence (ou nouveauté sans recherche)")),
            (Sort.CLOSING, _("Date de clôture")),
            (Sort.RECENT, _("Nouveauté")),
        ],
    )

    FIELDS = ("q", "public", "type", "chantier", "territoire", "commune", "ouvert", "avant", "tri")

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def filters(self) -> AidFilters:
        data = self.cleaned_data
        return AidFilters(
            q=data.get("q") or "",
            audiences=list(data.get("public") or []),
            aid_types=list(data.get("type") or []),
            workstream=data.get("chantier"),
            territory=data.get("territoire"),
            commune=data.get("commune"),
            open_now=bool(data.get("ouvert")),
            closes_before=data.get("avant"),
            sort=data.get("tri") or "",
        )

    def saved_query(self) -> dict[str, Any]:
        """The raw, validated parameters (to store in an alert and rebuild the URL)."""
        query: dict[str, Any] = {}
        for name in self.FIELDS:
            if name in ("public", "type"):
                values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                if values:
                    query[name] = sorted(set(values))
            elif name != "tri":
                value = self.data.get(name)
                if value:
                    query[name] = value.strip() if isinstance(value, str) else value
        return query


class AlertForm(forms.Form):
    email = forms.EmailField(label=_("Votre adresse e-mail"))
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=AidAlert.Frequency.choices,
        initial=AidAlert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )


class AlertSettingsForm(forms.Form):
    """An alert's frequency and the language of its e-mails, changed from its own page."""

    frequency = forms.ChoiceField(
        label=_("Fréquence"), choices=AidAlert.Frequency.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Langue des e-mails"), choices=LANGUAGES, widget=forms.RadioSelect
    )


class QuestionnaireForm(forms.Form):
    WHO = [
        ("resident", _("Un·e habitant·e")),
        ("student", _("Un·e étudiant·e")),
        ("pupil", _("Un·e élève ou ses parents")),
        ("job_seeker", _("En recherche d'emploi")),
        ("senior", _("Une personne âgée")),
        ("association", _("Une association")),
        ("entrepreneur", _("Je crée mon entreprise")),
        ("micro_business", _("Un commerce, un artisan, une très petite entreprise")),
        ("sme", _("Une PME")),
        ("farmer", _("Un·e agriculteur·rice")),
    ]
    SITUATIONS = [
        ("low_income", _("Mes revenus sont modestes")),
        ("disabled", _("Je vis avec un handicap")),
        ("family", _("J'ai des enfants à charge")),
        ("young", _("J'ai moins de 26 ans")),
        ("transit_user", _("J'utilise les transports en commun")),
        ("traveller", _("Je fais partie des gens du voyage")),
        ("social_economy", _("Ma structure relève de l'économie sociale et solidaire")),
    ]
    NEEDS = [
        ("", _("Tout type d'aide")),
        ("financer", _("Financer un projet (subvention, prêt)")),
        ("payer_moins", _("Payer moins (exonération, réduction, remboursement)")),
        ("accompagnement", _("Être accompagné·e")),
    ]
    qui = forms.ChoiceField(label=_("Vous êtes"), choices=WHO, widget=forms.RadioSelect)
    commune = forms.ModelChoiceField(
        label=_("Votre commune"),
        queryset=Commune.objects.order_by("sort_name"),
        to_field_name="insee",
        required=False,
        empty_label=_("Je préfère ne pas le dire"),
    )
    situation = forms.MultipleChoiceField(
        label=_("Votre situation (facultatif)"),
        choices=SITUATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    besoin = forms.ChoiceField(label=_("Votre besoin"), choices=NEEDS, required=False)

    def audiences(self) -> list[str]:
        data = self.cleaned_data
        codes = [data["qui"], *data.get("situation", [])]
        if data["qui"] in ("student", "pupil", "job_seeker", "senior"):
            codes.append(Audience.RESIDENT)
        return sorted(set(codes))


class AidForm(forms.ModelForm):
    """The back-office form; ``owner`` is limited to the funders of the agent."""

    audiences = forms.MultipleChoiceField(
        label=_("Publics cibles"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    aid_types = forms.MultipleChoiceField(
        label=_("Natures de l'aide"), choices=AidType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Aid
        fields = [
            "title", "promise", "description", "eligibility", "examples", "keywords",
            "audiences", "aid_types", "amount_min", "amount_max", "rate_min", "rate_max",
            "amount_text", "owner", "funders", "instructing_bodies", "scope", "territories",
            "communes", "workstreams", "imperatives", "opens_on", "closes_on", "recurrence",
            "application_url", "contact", "deliberation", "deliberation_reference",
            "source_note", "guides", "external_id",
        ]  # fmt: skip
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "funders": forms.CheckboxSelectMultiple,
            "instructing_bodies": forms.CheckboxSelectMultiple,
            "territories": forms.CheckboxSelectMultiple,
            "workstreams": forms.CheckboxSelectMultiple,
            "imperatives": forms.CheckboxSelectMultiple,
            "guides": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
            "eligibility": forms.Textarea(attrs={"rows": 4}),
            "examples": forms.Textarea(attrs={"rows": 3}),
            "contact": forms.Textarea(attrs={"rows": 2}),
            "source_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners
        self.fields["communes"].queryset = Commune.objects.order_by("sort_name")
        self.fields["workstreams"].queryset = Workstream.objects.order_by("number")
        self.fields["imperatives"].queryset = Imperative.objects.order_by("position")
        self.fields["funders"].queryset = Funder.objects.order_by("name")
        self.fields["instructing_bodies"].queryset = Funder.objects.order_by("name")
        self.fields["external_id"].required = False
        # As the CSV import: no negative amount or rate, no rate over 100 % (an aid saved here
        # must export and re-import).
        for name in ("amount_min", "amount_max", "rate_min", "rate_max"):
            field = self.fields[name]
            field.validators.append(MinValueValidator(0, _("Indiquez un nombre positif.")))
            field.widget.attrs["min"] = "0"
        for name in ("rate_min", "rate_max"):
            field = self.fields[name]
            field.validators.append(
                MaxValueValidator(100, _("Un taux ne dépasse pas %(limit_value)s %%."))
            )
            field.widget.attrs["max"] = "100"
        self.fields["deliberation"].queryset = self.fields["deliberation"].queryset.order_by(
            "session_date", "body", "position"
        )

    def clean_external_id(self):
        return self.cleaned_data.get("external_id") or None

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Aid.Scope.TERRITORIES and not data.get("territories"):
            self.add_error("territories", _("Choisissez au moins un Territoire."))
        if scope == Aid.Scope.COMMUNES and not data.get("communes"):
            self.add_error("communes", _("Choisissez au moins une commune."))
        for low, high, message in (
            ("amount_min", "amount_max", _("Le minimum dépasse le maximum.")),
            ("rate_min", "rate_max", _("Le taux minimum dépasse le taux maximum.")),
            ("opens_on", "closes_on", _("La clôture précède l'ouverture.")),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, message)
        return data


class CsvImportForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Porteur des aides importées"), queryset=Funder.objects.none()
    )
    file = forms.FileField(
        label=_("Fichier CSV (UTF-8, séparateur virgule ou point-virgule)"),
        help_text=_("5 Mo au plus. Colonnes : voir le modèle à télécharger."),
    )
    dry_run = forms.BooleanField(
        label=_("Simulation : vérifier sans rien enregistrer"), required=False, initial=True
    )

    MAX_SIZE = 5 * 1024 * 1024

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo."))
        return upload
