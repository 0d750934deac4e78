from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class ReserveConfig(RenouveauAppConfig):
    name = "renouveau.reserve"
    label = "reserve"
    verbose_name = _("Réserve citoyenne")
    url_prefix = "reserve-citoyenne/"
