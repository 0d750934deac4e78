from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class BudgetsConfig(RenouveauAppConfig):
    name = "renouveau.budgets"
    label = "budgets"
    verbose_name = _("Budget participatif")
    url_prefix = "budget-participatif/"

    def ready(self) -> None:
        from . import handlers, permissions  # noqa: F401  (RGPD receivers, rules predicates)
