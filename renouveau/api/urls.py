"""``/api/v1/``: each app contributes through an optional ``apis.py`` that defines
``register(router)`` (viewsets) and/or ``urlpatterns`` (plain API views)."""

from importlib import import_module, util

from django.conf import settings
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

# A detail URL's lookup value: anything but a slash, a dot (the format suffix) or a control
# character (a NUL byte in a slug or code reached PostgreSQL, which refuses it: a 500).
LOOKUP_VALUE = r"[^/.\x00-\x1f\x7f]+"


class Router(DefaultRouter):
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_regex", None) or getattr(
            viewset, "lookup_value_converter", None
        ):
            return super().get_lookup_regex(viewset, lookup_prefix)
        lookup_field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"(?P<{lookup_prefix}{kwarg}>{LOOKUP_VALUE})"


router = Router(trailing_slash=True)
extra_urlpatterns = []
for app in settings.RENOUVEAU_APPS:
    if util.find_spec(f"{app}.apis") is None:
        continue
    module = import_module(f"{app}.apis")
    if hasattr(module, "register"):
        module.register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *extra_urlpatterns,
    *router.urls,
]
