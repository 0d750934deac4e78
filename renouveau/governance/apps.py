from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class GovernanceConfig(RenouveauAppConfig):
    name = "renouveau.governance"
    label = "governance"
    verbose_name = _("Gouvernance")
    url_prefix = "gouvernance/"
