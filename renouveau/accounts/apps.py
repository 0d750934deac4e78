from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class AccountsConfig(RenouveauAppConfig):
    name = "renouveau.accounts"
    label = "accounts"
    verbose_name = _("Comptes")
    url_prefix = "compte/"

    def ready(self) -> None:
        from . import handlers  # noqa: F401
