from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class IdeasConfig(RenouveauAppConfig):
    name = "renouveau.ideas"
    label = "ideas"
    verbose_name = _("Idées et signalements")
    url_prefix = "idees/"
    nav_label = _("Idées et signalements")
    nav_url = "ideas:index"
    nav_order = 40

    def ready(self) -> None:
        from renouveau.core.moderation import Queue, register_queue

        from . import handlers  # noqa: F401  (RGPD export and erasure receivers)
        from .selectors import flag_queue

        register_queue(
            Queue(
                key="ideas",
                label=_("Idées et commentaires"),
                description=_("Contributions et commentaires signalés par des habitants."),
                url_name="ideas:moderation",
                permission="ideas.moderate",
                open_count=lambda: flag_queue().count(),
            )
        )
