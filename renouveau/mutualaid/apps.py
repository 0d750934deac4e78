from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class MutualaidConfig(RenouveauAppConfig):
    name = "renouveau.mutualaid"
    label = "mutualaid"
    verbose_name = _("Entraide")
    url_prefix = "entraide/"
    nav_label = _("Entraide")
    nav_url = "mutualaid:index"
    nav_order = 30

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (RGPD export and erasure receivers)
