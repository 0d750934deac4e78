from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class PortfolioConfig(RenouveauAppConfig):
    name = "renouveau.portfolio"
    label = "portfolio"
    verbose_name = _("Priorisation")
    url_prefix = "priorisation/"
    nav_label = _("Priorisation")
    nav_url = "portfolio:index"
    nav_order = 60

    def ready(self) -> None:
        from . import handlers, rules  # noqa: F401  (permissions, RGPD receivers)
