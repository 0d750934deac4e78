from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class AidsConfig(RenouveauAppConfig):
    name = "renouveau.aids"
    label = "aids"
    verbose_name = _("Aides")
    url_prefix = "aides/"
    nav_label = _("Aides")
    nav_url = "aids:index"
    nav_order = 20

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (RGPD export and erasure receivers)
