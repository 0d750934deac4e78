from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("langue/", views.language, name="language"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("moderation/", views.moderation_hub, name="moderation"),
    path("recherche/", views.search, name="search"),
    path(
        "journal/<str:app_label>/<str:model>/<str:object_id>/",
        views.audit_log,
        name="audit_log",
    ),
]
