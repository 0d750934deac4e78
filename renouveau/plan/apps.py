from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class PlanConfig(RenouveauAppConfig):
    name = "renouveau.plan"
    label = "plan"
    verbose_name = _("Le plan")
    url_prefix = "plan/"
    nav_label = _("Le plan")
    nav_url = "plan:index"
    nav_order = 10
