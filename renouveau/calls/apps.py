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
        from renouveau.core.moderation import Queue, register_queue

        from . import handlers  # noqa: F401  (RGPD receivers)
        from .selectors import comment_report_queue

        register_queue(
            Queue(
                key="calls",
                label=_("Commentaires des projets déposés"),
                description=_("Commentaires des appels à projets signalés par des habitants."),
                url_name="calls:moderation",
                permission="calls.moderate_comment",
                open_count=lambda: comment_report_queue().count(),
            )
        )
