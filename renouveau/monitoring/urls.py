from django.urls import path, re_path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("projets/", views.projects, name="projects"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<slug:slug>/", views.project_detail, name="project"),
    path("projets/<slug:slug>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<slug:slug>/gerer/", views.project_manage, name="manage"),
    path("projets/<slug:slug>/depenses/", views.spending_set, name="spending_set"),
    path("projets/<slug:slug>/financements/", views.funding_add, name="funding_add"),
    path("projets/<slug:slug>/jalons/", views.milestone_add, name="milestone_add"),
    path(
        "projets/<slug:slug>/jalons/<int:pk>/atteint/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("projets/<slug:slug>/documents/", views.document_add, name="document_add"),
    path("projets/<slug:slug>/indicateurs/", views.indicator_add, name="indicator_add"),
    path("projets/<slug:slug>/mesures/", views.measurement_add, name="measurement_add"),
    path("chantiers/<slug:slug>/", views.workstream_detail, name="workstream"),
    re_path(r"^export/projets\.(?P<fmt>csv|json)$", views.export_projects, name="export_projects"),
    re_path(
        r"^export/indicateurs\.(?P<fmt>csv|json)$",
        views.export_indicators,
        name="export_indicators",
    ),
]
