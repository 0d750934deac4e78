from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class MonitoringConfig(RenouveauAppConfig):
    name = "renouveau.monitoring"
    label = "monitoring"
    verbose_name = _("Suivi du plan")
    url_prefix = "suivi/"
