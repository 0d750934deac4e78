from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class TerritoriesConfig(RenouveauAppConfig):
    name = "renouveau.territories"
    label = "territories"
    verbose_name = _("Territoires")
    url_prefix = "territoires/"
