from django.urls import path

from . import views

app_name = "aids"

urlpatterns = [
    path("", views.aid_index, name="index"),
    path("pour-moi/", views.questionnaire, name="questionnaire"),
    path("alertes/", views.alert_create, name="alert_create"),
    path("alertes/confirmer/<str:token>/", views.alert_confirm, name="alert_confirm"),
    path("alertes/desinscription/<str:token>/", views.alert_unsubscribe, name="alert_unsubscribe"),
    path("alertes/modifier/<str:token>/", views.alert_manage, name="alert_manage"),
    path("export/aides.csv", views.export_csv, name="export_csv"),
    path("export/aides.json", views.export_json, name="export_json"),
    path("export/dispositifs-aide.json", views.export_dispositif, name="export_dispositif"),
    path("gestion/", views.bo_index, name="bo_index"),
    path("gestion/nouvelle/", views.bo_create, name="bo_create"),
    path("gestion/import/", views.bo_import, name="bo_import"),
    path("gestion/modele.csv", views.bo_csv_template, name="bo_csv_template"),
    path("gestion/<int:pk>/", views.bo_detail, name="bo_detail"),
    path("gestion/<int:pk>/modifier/", views.bo_edit, name="bo_edit"),
    path("gestion/<int:pk>/<slug:action>/", views.bo_action, name="bo_action"),
    path("<slug:slug>/", views.aid_detail, name="detail"),
]
