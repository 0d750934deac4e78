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
        from renouveau.core.moderation import Queue, register_queue

        from . import handlers  # noqa: F401  (RGPD export and erasure receivers)
        from .selectors import report_queue

        register_queue(
            Queue(
                key="mutualaid",
                label=_("Entraide"),
                description=_("Offres, demandes, messages et témoignages signalés."),
                url_name="mutualaid:moderation",
                permission="mutualaid.moderate",
                open_count=lambda: report_queue().count(),
            )
        )
