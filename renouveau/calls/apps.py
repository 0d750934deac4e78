from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class CallsConfig(RenouveauAppConfig):
    name = "renouveau.calls"
    label = "calls"
    verbose_name = _("Appels à projets")
    url_prefix = "appels/"
