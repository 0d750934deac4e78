from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renouveau.plan.models import Workstream
from renouveau.territories.models import Commune

from .models import Call, Phase, Submission

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "eligibility",
            "themes",
            "total_amount",
            "minimum_voting_age",
            "rule",
            "submission_opens_at",
            "submission_closes_at",
            "vote_opens_at",
            "vote_closes_at",
            "implementation_starts_at",
            "is_published",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "submission_opens_at": DATETIME_WIDGET,
            "submission_closes_at": DATETIME_WIDGET,
            "vote_opens_at": DATETIME_WIDGET,
            "vote_closes_at": DATETIME_WIDGET,
            "implementation_starts_at": DATETIME_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Workstream.objects.order_by("number")
        for name in (
            "submission_opens_at",
            "submission_closes_at",
            "vote_opens_at",
            "vote_closes_at",
            "implementation_starts_at",
        ):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def clean(self):
        data = super().clean()
        order = [
            (
                "submission_opens_at",
                "submission_closes_at",
                _("La clôture du dépôt doit suivre son ouverture."),
            ),
            (
                "submission_closes_at",
                "vote_opens_at",
                _("Le vote ne peut pas s'ouvrir avant la clôture du dépôt."),
            ),
            ("vote_opens_at", "vote_closes_at", _("La clôture du vote doit suivre son ouverture.")),
            (
                "vote_closes_at",
                "implementation_starts_at",
                _("La réalisation commence après le vote."),
            ),
        ]
        for first, second, message in order:
            a, b = data.get(first), data.get(second)
            if a and b and b < a:
                self.add_error(second, message)
        return data


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase"),
        required=False,
        choices=[("", _("Suivre les dates"))] + list(Phase.choices),
    )


class SubmissionForm(forms.ModelForm):
    class Meta:
        model = Submission
        fields = [
            "title",
            "description",
            "beneficiaries",
            "workstream",
            "commune",
            "address",
            "latitude",
            "longitude",
            "estimated_cost",
            "organisation",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "latitude": _("Facultatif : cliquez sur la carte, ou laissez vide."),
            "longitude": _("Facultatif."),
        }

    def __init__(self, *args, call: Call, user, **kwargs):
        super().__init__(*args, **kwargs)
        themes = call.themes.all()
        self.fields["workstream"].queryset = (
            themes if themes.exists() else Workstream.objects.all()
        ).order_by("number")
        self.fields["workstream"].empty_label = _("— Choisir un chantier —")
        self.fields["commune"].queryset = Commune.objects.order_by("sort_name")
        self.fields["commune"].empty_label = _("— Choisir une commune —")
        if user.is_authenticated and not self.instance.pk and user.commune_id:
            self.fields["commune"].initial = user.commune_id
        organisation_model = self.fields["organisation"].queryset.model
        organisations = organisation_model.objects.none()
        if user.is_authenticated:
            # Only verified organisations: speaking in an organisation's name waits for an
            # agent's verification (checked again by the service).
            organisations = organisation_model.objects.filter(members=user, is_verified=True)
        if self.instance.pk and self.instance.organisation_id:
            # A co-author who is not a member keeps the author's organisation when editing
            # (it was missing from the list, so saving the form dropped it).
            organisations = organisations | organisation_model.objects.filter(
                pk=self.instance.organisation_id
            )
        self.fields["organisation"].queryset = organisations.distinct().order_by("name")
        self.fields["organisation"].required = False
        self.fields["organisation"].empty_label = _("— À titre personnel —")
        self.fields["latitude"].label = _("Latitude (facultatif)")
        self.fields["longitude"].label = _("Longitude (facultatif)")
        self.fields["estimated_cost"].help_text = _(
            "En euros, toutes taxes comprises. Les agents peuvent l'ajuster en l'expliquant."
        )

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None):
            self.add_error(
                "longitude", _("Indiquez la latitude et la longitude, ou aucune des deux.")
            )
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("latitude", _("La latitude est comprise entre -90 et 90."))
        if lng is not None and not -180 <= lng <= 180:
            self.add_error("longitude", _("La longitude est comprise entre -180 et 180."))
        return data


class CoauthorForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne à inviter"),
        help_text=_(
            "Elle recevra une invitation par e-mail et deviendra co-autrice si elle l'accepte, "
            "avec un compte vérifié à cette adresse."
        ),
        error_messages={
            "required": _("Indiquez l'adresse e-mail de la personne à inviter."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )


class ReviewForm(forms.Form):
    DECISIONS = [
        ("accept", _("Recevable : soumettre au vote")),
        ("reject", _("Non recevable (motif public obligatoire)")),
        ("merge", _("Doublon : fusionner avec un autre projet")),
    ]
    decision = forms.ChoiceField(label=_("Décision"), choices=DECISIONS, widget=forms.RadioSelect)
    adjusted_cost = forms.DecimalField(
        label=_("Coût retenu (€)"),
        required=False,
        min_value=1,
        max_digits=12,
        decimal_places=2,
        help_text=_("Laissez vide pour garder le coût estimé par l'auteur."),
    )
    reason = forms.CharField(
        label=_("Motif public"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour refuser ou pour ajuster le coût. Il sera publié."),
    )
    into = forms.ModelChoiceField(
        label=_("Fusionner dans le projet"),
        required=False,
        queryset=Submission.objects.none(),
        empty_label=_("— Choisir —"),
    )

    def __init__(self, *args, submission: Submission, user, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = (
            Submission.objects.filter(call_id=submission.call_id)
            .exclude(pk=submission.pk)
            .exclude(status__in=[Submission.Status.MERGED, Submission.Status.WITHDRAWN])
            .order_by("title")
        )
        from .rules import can_manage_calls

        if not can_manage_calls(user):
            # A commune agent merges only into a project of their communes (as they review).
            candidates = candidates.filter(commune__in=user.agent_communes.values("pk"))
        self.fields["into"].queryset = candidates

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Un motif public est obligatoire pour refuser."))
        if decision == "merge" and not data.get("into"):
            self.add_error("into", _("Choisissez le projet dans lequel fusionner celui-ci."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("hide", _("Masquer")), ("restore", _("Rétablir"))],
        error_messages={
            "required": _("Action de modération inconnue."),
            "invalid_choice": _("Action de modération inconnue."),
        },
    )
    reason = forms.CharField(label=_("Motif de la modération"), max_length=200, required=False)
