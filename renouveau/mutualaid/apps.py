from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class MutualaidConfig(RenouveauAppConfig):
    name = "renouveau.mutualaid"
    label = "mutualaid"
    verbose_name = _("Entraide")
    url_prefix = "entraide/"
