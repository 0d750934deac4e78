from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Guide, GuideTag, SituationBanner


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = ["title", "summary", "body", "tags", "source"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = GuideTag.objects.order_by("name")


class BannerForm(forms.ModelForm):
    class Meta:
        model = SituationBanner
        fields = ["level", "title", "text", "url", "ends_at"]
        widgets = {
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }
        help_texts = {"ends_at": _("Laissez vide pour l'afficher jusqu'à ce que vous le retiriez.")}

    def clean_url(self):
        url = self.cleaned_data.get("url", "").strip()
        # "//site.example" and "/\site.example" start with "/" but lead to another site.
        local = url.startswith("/") and url[1:2] not in ("/", "\\")
        if url and not (local or url.startswith("https://")):
            raise forms.ValidationError(
                _("Indiquez une adresse du site (/…) ou une adresse https://.")
            )
        return url

    def clean_ends_at(self):
        ends_at = self.cleaned_data.get("ends_at")
        if ends_at is not None and ends_at <= timezone.now():
            raise forms.ValidationError(
                _("Cette date est déjà passée : le bandeau ne serait jamais affiché.")
            )
        return ends_at
