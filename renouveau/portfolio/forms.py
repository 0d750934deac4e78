from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GREEN_AXES, Criterion, GreenRating, Scenario, ScenarioConstraint
from .selectors import candidate_projects


class ScoreForm(forms.Form):
    """One block per criterion: a mark (or a rating per environmental axis) and a
    justification. A criterion left blank is not scored now."""

    def __init__(self, *args, criteria: list[Criterion], initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_scores = initial_scores or {}
        self.groups = []
        for criterion in criteria:
            current = initial_scores.get(criterion.pk)
            names = []
            if criterion.kind == Criterion.Kind.GREEN_BUDGET:
                for code, label in GREEN_AXES:
                    name = f"{criterion.code}__{code}"
                    self.fields[name] = forms.ChoiceField(
                        label=label,
                        choices=[("", _("— non coté —")), *GreenRating.choices],
                        required=False,
                        initial=(current.axes.get(code) if current else ""),
                    )
                    names.append(name)
            else:
                name = f"{criterion.code}__value"
                self.fields[name] = forms.ChoiceField(
                    label=_("Note"),
                    choices=[
                        ("", _("— non noté —")),
                        *[(str(v), t) for v, t in criterion.level_choices],
                    ],
                    required=False,
                    initial=(
                        str(int(current.value)) if current and current.value is not None else ""
                    ),
                )
                names.append(name)
            name = f"{criterion.code}__justification"
            self.fields[name] = forms.CharField(
                label=_("Justification"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=3000,
                initial=current.justification if current else "",
            )
            names.append(name)
            self.groups.append((criterion, [self[n] for n in names]))

    def entries(self):
        """For each criterion with a mark: (criterion, value, axes, justification)."""
        for criterion in self.criteria:
            data = self.cleaned_data
            justification = data.get(f"{criterion.code}__justification", "")
            if criterion.kind == Criterion.Kind.GREEN_BUDGET:
                axes = {code: data.get(f"{criterion.code}__{code}") for code, _l in GREEN_AXES}
                if not any(axes.values()):
                    continue
                yield criterion, None, {k: v for k, v in axes.items() if v}, justification
            else:
                value = data.get(f"{criterion.code}__value")
                if value in (None, ""):
                    continue
                yield criterion, value, None, justification

    def add_service_errors(self, criterion: Criterion, error) -> None:
        for key, messages in error.message_dict.items():
            if key == "justification":
                field = f"{criterion.code}__justification"
            elif key == "axes":
                field = f"{criterion.code}__{GREEN_AXES[0][0]}"
            elif key == "value":
                field = f"{criterion.code}__value"
            else:
                field = None
            for message in messages:
                self.add_error(field, message)


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = [
            "title",
            "description",
            "method",
            "first_year",
            "last_year",
            "sensitivity_percent",
            "is_public",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, criteria: list[Criterion], weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        weights = weights or {}
        for criterion in criteria:
            self.fields[f"weight__{criterion.code}"] = forms.DecimalField(
                label=_("Poids : %(label)s") % {"label": criterion.label},
                min_value=0,
                max_value=100,
                max_digits=6,
                decimal_places=2,
                initial=weights.get(criterion.pk, criterion.default_weight),
            )

    def clean(self):
        data = super().clean()
        if self.criteria and not any(data.get(f"weight__{c.code}") for c in self.criteria):
            raise forms.ValidationError(_("Au moins un critère doit avoir un poids positif."))
        return data

    def weights(self):
        return {c: self.cleaned_data[f"weight__{c.code}"] for c in self.criteria}

    def scenario_data(self):
        return {k: self.cleaned_data[k] for k in self.Meta.fields}

    def weight_fields(self):
        return [self[f"weight__{c.code}"] for c in self.criteria]


class ConstraintForm(forms.ModelForm):
    class Meta:
        model = ScenarioConstraint
        fields = [
            "kind",
            "year",
            "amount_eur",
            "share_percent",
            "workstream",
            "territory",
            "project",
            "other_project",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = candidate_projects().order_by("title")
        self.fields["project"].queryset = projects
        self.fields["other_project"].queryset = projects
        self.fields["workstream"].queryset = self.fields["workstream"].queryset.order_by("number")
