from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class GuidesConfig(RenouveauAppConfig):
    name = "renouveau.guides"
    label = "guides"
    verbose_name = _("Bonnes pratiques")
    url_prefix = "bonnes-pratiques/"
    nav_label = _("Bonnes pratiques")
    nav_url = "guides:index"
    nav_order = 25
