from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class AidsConfig(RenouveauAppConfig):
    name = "renouveau.aids"
    label = "aids"
    verbose_name = _("Aides")
    url_prefix = "aides/"
