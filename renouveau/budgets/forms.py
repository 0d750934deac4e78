from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renouveau.plan.models import Workstream
from renouveau.territories.models import Territory

from .models import Envelope, TrackedProject


class EnvelopeForm(forms.ModelForm):
    class Meta:
        model = Envelope
        fields = [
            "name",
            "territory",
            "workstream",
            "amount",
            "ballot_type",
            "min_share_percent",
            "max_projects",
            "points_total",
            "max_points_per_project",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.order_by("sort_name")
        self.fields["territory"].empty_label = _("— Toute la Métropole —")
        self.fields["workstream"].queryset = Workstream.objects.order_by("number")
        self.fields["workstream"].empty_label = _("— Tous les thèmes —")


class PaperReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Numéro du bulletin papier"),
        max_length=60,
        help_text=_(
            "Par exemple « Maison du Projet Aix – 0042 ». Saisir deux fois le même numéro corrige le bulletin."
        ),
    )


class TrackedProjectForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Point d'étape public"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = TrackedProject
        fields = ["status", "progress", "spent"]
