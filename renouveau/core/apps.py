from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenouveauAppConfig(AppConfig):
    """Base of every Renouveau app.

    Class attributes read by ``config/urls.py`` and the base template, so that an app plugs
    itself in without editing shared files:

    - ``url_prefix``: where the app's ``urls.py`` is mounted (e.g. ``"aides/"``); ``None`` for
      apps without public pages.
    - ``nav_label`` / ``nav_url`` / ``nav_order``: the entry of the main navigation, if any.
    """

    default_auto_field = "django.db.models.BigAutoField"
    # Not a candidate itself when imported into an app's apps.py; every subclass is.
    default = False
    url_prefix: str | None = None
    nav_label = None
    nav_url: str | None = None
    nav_order = 100

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True


class CoreConfig(RenouveauAppConfig):
    name = "renouveau.core"
    label = "core"
    verbose_name = _("Noyau")
    url_prefix = ""

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
