from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.index, name="index"),
    path("archives/", views.archive, name="archive"),
    path("archives/alertes.csv", views.export_csv, name="export_csv"),
    path("flux.atom", views.feed, name="feed"),
    path("memoire-du-risque/", views.risk_memory, name="memory"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/cap.xml", views.cap_xml, name="cap"),
    path("<int:pk>/modifier/", views.alert_edit, name="edit"),
    path("<int:pk>/publier/", views.alert_publish, name="publish"),
    path("<int:pk>/mettre-a-jour/", views.alert_update, name="update"),
    path("<int:pk>/lever/", views.alert_cancel, name="cancel"),
    path("cellule/", views.dashboard, name="dashboard"),
    path("cellule/nouvelle/", views.alert_create, name="create"),
    path("cellule/mode-crise/", views.crisis_mode, name="crisis_mode"),
    path("abonnements/", views.subscriptions, name="subscriptions"),
    path("abonnements/<int:pk>/supprimer/", views.subscription_delete, name="subscription_delete"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("exercices/", views.exercise_list, name="exercise_list"),
    path("exercices/nouveau/", views.exercise_create, name="exercise_create"),
    path("exercices/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("exercices/<int:pk>/inscription/", views.exercise_register, name="exercise_register"),
    path("exercices/<int:pk>/modifier/", views.exercise_edit, name="exercise_edit"),
    path("exercices/<int:pk>/retour/", views.exercise_debrief, name="exercise_debrief"),
    path("exercices/<int:pk>/annuler/", views.exercise_cancel, name="exercise_cancel"),
]
