"""``/api/v1/``: each app contributes through an optional ``apis.py`` that defines
``register(router)`` (viewsets) and/or ``urlpatterns`` (plain API views)."""

from importlib import import_module, util

from django.conf import settings
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)
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
