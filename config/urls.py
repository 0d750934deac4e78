"""Root URLs. Each Renouveau app is mounted at its AppConfig ``url_prefix`` (see
renouveau.core.apps.RenouveauAppConfig), so apps plug in without editing this file."""

from importlib import util

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("renouveau.api.urls")),
    path("back-office/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("allauth.urls")),
]

for app in settings.RENOUVEAU_APPS:
    config = apps.get_app_config(app.rsplit(".", 1)[-1])
    prefix = getattr(config, "url_prefix", None)
    if prefix is None or util.find_spec(f"{app}.urls") is None:
        continue
    urlpatterns.append(path(prefix, include(f"{app}.urls")))

handler400 = "renouveau.core.views.bad_request"
handler403 = "renouveau.core.views.permission_denied"
handler404 = "renouveau.core.views.page_not_found"
handler500 = "renouveau.core.views.server_error"
