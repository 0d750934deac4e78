from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class IdeasConfig(RenouveauAppConfig):
    name = "renouveau.ideas"
    label = "ideas"
    verbose_name = _("Idées et signalements")
    url_prefix = "idees/"
