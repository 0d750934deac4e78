from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class CallsConfig(RenouveauAppConfig):
    name = "renouveau.calls"
    label = "calls"
    verbose_name = _("Appels à projets")
    url_prefix = "appels/"
    nav_label = _("Réinventons la Métropole")
    nav_url = "calls:index"
    nav_order = 45

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (RGPD receivers)
