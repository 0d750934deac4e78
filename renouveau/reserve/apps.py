from django.utils.translation import gettext_lazy as _

from renouveau.core.apps import RenouveauAppConfig


class ReserveConfig(RenouveauAppConfig):
    name = "renouveau.reserve"
    label = "reserve"
    verbose_name = _("Réserve citoyenne")
    url_prefix = "reserve-citoyenne/"
    nav_label = _("Réserve citoyenne")
    nav_url = "reserve:index"
    nav_order = 35

    def ready(self) -> None:
        from renouveau.core.moderation import Queue, register_queue

        from . import handlers  # noqa: F401  (RGPD export and erasure receivers)
        from .selectors import signal_open_count

        register_queue(
            Queue(
                key="reserve_signals",
                label=_("Vigie : signalements"),
                description=_(
                    "Signaux d'alerte remontés du terrain, à trier par la cellule de crise."
                ),
                url_name="reserve:signal_queue",
                permission="reserve.triage_signal",
                open_count=signal_open_count,
            )
        )
