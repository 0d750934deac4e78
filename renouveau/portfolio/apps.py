from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class PortfolioConfig(RenouveauAppConfig):
    name = "renouveau.portfolio"
    label = "portfolio"
    verbose_name = _("Priorisation")
    url_prefix = "priorisation/"
