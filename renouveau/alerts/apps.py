from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class AlertsConfig(RenouveauAppConfig):
    name = "renouveau.alerts"
    label = "alerts"
    verbose_name = _("Alertes")
    url_prefix = "alertes/"
    nav_label = _("Alertes")
    nav_url = "alerts:index"
    nav_order = 15

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (RGPD export and erasure receivers)
