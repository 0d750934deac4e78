from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from renouveau.core.widgets import FastSelect
from renouveau.plan.models import Workstream
from renouveau.territories.models import Commune, Territory

from .images import photo_clean
from .models import Category, Flag, Idea, Status

COMMUNE_ERRORS = {
    "invalid_choice": _(
        "Cette commune ne fait pas partie de la Métropole : choisissez-en une dans la liste."
    ),
    "required": _("Choisissez la commune concernée."),
}
# The metropolis' extent, with a margin (coordinates outside are refused).
LAT_RANGE = (43.0, 44.0)
LON_RANGE = (4.5, 6.1)


def french_blank_choices(form) -> None:
    """Selects open on « — Choisir — » rather than Django's "---------" (read out as dashes)."""
    for field in form.fields.values():
        choices = getattr(field, "choices", None)
        if isinstance(field, forms.ChoiceField) and choices and choices[0] == ("", "---------"):
            field.choices = [("", _("— Choisir —")), *choices[1:]]


class IdeaForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Photo (facultatif)"),
        required=False,
        help_text=_(
            "JPEG, PNG ou WebP, 5 Mo au plus. Les informations cachées (position GPS, appareil) sont retirées."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = forms.ModelChoiceField(
            label=_("Commune concernée"),
            queryset=Commune.objects.order_by("sort_name"),
            empty_label=_("— Choisir —"),
            error_messages=COMMUNE_ERRORS,
            initial=getattr(user, "commune_id", None),
            widget=FastSelect,
        )
        # Radio buttons: no "---------" choice ticked in advance (the field stays required).
        self.fields["kind"].choices = Idea.Kind.choices
        french_blank_choices(self)
        self.fields["workstream"].queryset = Workstream.objects.order_by("number")
        self.fields["workstream"].empty_label = _("— Je ne sais pas —")
        self.fields["latitude"].widget = forms.NumberInput(attrs={"step": "any"})
        self.fields["longitude"].widget = forms.NumberInput(attrs={"step": "any"})
        self.fields["latitude"].help_text = _(
            "Facultatif. Cliquez sur la carte pour la remplir, ou laissez vide."
        )
        self.order_fields(
            [
                "kind",
                "title",
                "description",
                "category",
                "workstream",
                "commune",
                "place",
                "latitude",
                "longitude",
                "photo",
            ]
        )

    class Meta:
        model = Idea
        fields = [
            "kind",
            "title",
            "description",
            "category",
            "workstream",
            "commune",
            "place",
            "latitude",
            "longitude",
        ]
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 5})}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            # Checked here for a clear message; the service re-encodes it.
            photo_clean(photo)
            photo.seek(0)
        return photo

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Donnez la latitude et la longitude, ou aucune des deux."))
        if lat is not None and not (
            LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
        ):
            raise ValidationError(_("Ce lieu est en dehors de la Métropole."))
        return cleaned


class IdeaFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + list(Status.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("Nature"), choices=[("", _("Toutes"))] + list(Idea.Kind.choices), required=False
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", _("Toutes"))] + list(Category.choices), required=False
    )
    workstream = forms.ModelChoiceField(
        label=_("Chantier"),
        queryset=Workstream.objects.order_by("number"),
        required=False,
        empty_label=_("Tous"),
        widget=FastSelect,
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
    sort = forms.ChoiceField(
        label=_("Trier par"),
        choices=[("recent", _("Les plus récentes")), ("support", _("Les plus soutenues"))],
        required=False,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouvel état"), choices=Status.choices)
    answer = forms.CharField(
        label=_("Réponse publique"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={
            "required": _("Écrivez la réponse publique : l'auteur et les habitants la liront.")
        },
    )
    duplicate_of = forms.IntegerField(
        label=_("Doublon de la contribution n°"), required=False, min_value=1
    )
    promoted_to = forms.CharField(
        label=_("Promue vers (projet, appel à projets, mesure du plan)"),
        max_length=300,
        required=False,
    )
    promoted_url = forms.CharField(
        label=_("Lien (facultatif)"),
        max_length=300,
        required=False,
        help_text=_(
            "L'adresse d'un projet du suivi du plan (/suivi/projets/…) relie l'idée au projet : "
            "sa page montrera l'état, l'avancement et le coût du projet, et le projet l'idée."
        ),
    )

    def clean_duplicate_of(self):
        pk = self.cleaned_data.get("duplicate_of")
        if pk is None:
            return None
        idea = Idea.objects.filter(pk=pk).first()
        if idea is None:
            raise ValidationError(_("Aucune contribution ne porte ce numéro."))
        return idea

    def clean_promoted_url(self):
        url = self.cleaned_data.get("promoted_url", "").strip()
        if url and not (
            url.startswith("/") or url.startswith("https://") or url.startswith("http://")
        ):
            raise ValidationError(_("Donnez une adresse commençant par https:// ou /."))
        return url


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"), choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(label=_("Précisions (facultatif)"), max_length=500, required=False)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la décision (gardé au journal)"),
        max_length=255,
        error_messages={"required": _("Indiquez le motif de la décision.")},
    )
