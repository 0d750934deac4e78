from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class GuidesConfig(RenouveauAppConfig):
    name = "renouveau.guides"
    label = "guides"
    verbose_name = _("Bonnes pratiques")
    url_prefix = "bonnes-pratiques/"
