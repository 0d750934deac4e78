from django.urls import path, re_path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("", views.index, name="index"),
    path("projets/", views.projects, name="projects"),
    path("projets/<slug:slug>/", views.project_assessment, name="project"),
    path("projets/<slug:slug>/noter/", views.project_score, name="score"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/nouveau/", views.scenario_edit, name="scenario_create"),
    path("scenarios/comparer/", views.compare, name="compare"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("scenarios/<slug:slug>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<slug:slug>/contraintes/", views.constraint_add, name="constraint_add"),
    path(
        "scenarios/<slug:slug>/contraintes/<int:pk>/retirer/",
        views.constraint_remove,
        name="constraint_remove",
    ),
    path("scenarios/<slug:slug>/calculer/", views.scenario_run, name="scenario_run"),
    path("programmations/<int:pk>/", views.programme_detail, name="programme"),
    path(
        "programmations/<int:pk>/pourquoi/<slug:slug>/",
        views.programme_explain,
        name="explain",
    ),
    re_path(r"^export/notes\.(?P<fmt>csv|json)$", views.export_scores, name="export_scores"),
    re_path(
        r"^export/scenarios\.(?P<fmt>csv|json)$", views.export_scenarios, name="export_scenarios"
    ),
]
