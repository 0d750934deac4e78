from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class GovernanceConfig(RenouveauAppConfig):
    name = "renouveau.governance"
    label = "governance"
    verbose_name = _("Gouvernance")
    url_prefix = "gouvernance/"
    nav_label = _("Gouvernance")
    nav_url = "governance:index"
    nav_order = 70

    def ready(self) -> None:
        from . import handlers, rules  # noqa: F401  (RGPD receivers, permissions)
