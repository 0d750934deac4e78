from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class FollowsConfig(RenouveauAppConfig):
    name = "renouveau.follows"
    label = "follows"
    verbose_name = _("Suivis")
    url_prefix = "suivis/"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (RGPD receivers)
