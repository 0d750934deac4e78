from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class MonitoringConfig(RenouveauAppConfig):
    name = "renouveau.monitoring"
    label = "monitoring"
    verbose_name = _("Suivi du plan")
    url_prefix = "suivi/"
    nav_label = _("Suivi du plan")
    nav_url = "monitoring:index"
    nav_order = 50

    def ready(self) -> None:
        from . import handlers, rules  # noqa: F401  (permissions, RGPD receivers)
