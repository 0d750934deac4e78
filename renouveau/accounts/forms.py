from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renouveau.territories.models import Commune

from .models import Membership, Organisation, User


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form (e-mail and password are allauth's)."""

    display_name = forms.CharField(
        label=_("Nom affiché (facultatif)"),
        max_length=80,
        required=False,
        help_text=_("Le nom montré à côté de vos contributions."),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune de résidence (facultatif)"),
        queryset=Commune.objects.order_by("sort_name"),
        required=False,
        empty_label=_("— Choisir —"),
    )
    accept_terms = forms.BooleanField(
        label=_(
            "J'ai lu la politique de confidentialité et j'accepte les conditions d'utilisation."
        ),
        required=True,
        error_messages={"required": _("Vous devez accepter les conditions pour créer un compte.")},
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.commune = self.cleaned_data.get("commune")
        user.save(update_fields=["display_name", "commune"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "commune", "birth_year", "language"]
        help_texts = {
            "birth_year": _(
                "Demandée seulement pour vérifier l'âge minimum d'un vote ou de l'entraide."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("sort_name")
        self.fields["commune"].empty_label = _("— Choisir —")
        # A form posted without the field (an older page) keeps the language already chosen.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language

    def clean_birth_year(self):
        from django.utils import timezone

        year = self.cleaned_data.get("birth_year")
        if year is None:
            return year
        current = timezone.now().year
        if year < current - 120 or year > current:
            raise forms.ValidationError(
                _("Indiquez une année de naissance plausible (quatre chiffres).")
            )
        return year


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"), widget=forms.PasswordInput
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression est définitive."),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Le mot de passe est incorrect."))
        return password


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "identifier", "commune", "description", "website"]

    def clean_identifier(self):
        value = "".join(self.cleaned_data.get("identifier", "").split())
        if value and not (
            (value.isdigit() and len(value) in (9, 14))
            or (value.upper().startswith("W") and value[1:].isdigit() and len(value) == 10)
        ):
            raise forms.ValidationError(
                _(
                    "Un SIREN compte 9 chiffres, un SIRET 14 chiffres, un numéro RNA « W » suivi de 9 chiffres."
                )
            )
        return value.upper()


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte à ajouter"))
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _(
                    "Aucun compte actif n'utilise cette adresse : la personne doit d'abord créer son compte."
                )
            )
        self.user = user
        return email
