from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class ApiConfig(RenouveauAppConfig):
    name = "renouveau.api"
    label = "api"
    verbose_name = _("API")
