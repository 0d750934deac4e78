from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class AlertsConfig(RenouveauAppConfig):
    name = "renouveau.alerts"
    label = "alerts"
    verbose_name = _("Alertes")
    url_prefix = "alertes/"
