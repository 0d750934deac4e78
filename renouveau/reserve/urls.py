from django.urls import path

from . import views

app_name = "reserve"

urlpatterns = [
    path("", views.index, name="index"),
    path("charte/", views.charter, name="charter"),
    path("citoyens-exemplaires/", views.exemplary, name="exemplary"),
    path("inscription/", views.enrol, name="enrol"),
    path("mon-engagement/", views.my_reserve, name="my_reserve"),
    path("mon-engagement/modifier/", views.profile_edit, name="profile_edit"),
    path("mon-engagement/quitter/", views.leave, name="leave"),
    path("mon-engagement/distinction/", views.consent, name="consent"),
    path("reservistes/", views.volunteer_list, name="volunteer_list"),
    path("reservistes/export.csv", views.volunteer_export, name="volunteer_export"),
    path("reservistes/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("reservistes/<int:pk>/statut/", views.volunteer_status, name="volunteer_status"),
    path(
        "reservistes/<int:pk>/distinction/",
        views.volunteer_distinguish,
        name="volunteer_distinguish",
    ),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/gestion/", views.mission_manage, name="mission_manage"),
    path("missions/nouvelle/", views.mission_create, name="mission_create"),
    path("missions/<int:pk>/", views.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/agenda.ics", views.mission_ical, name="mission_ical"),
    path("missions/<int:pk>/modifier/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/inscrits/", views.mission_signups, name="mission_signups"),
    path("missions/<int:pk>/etat/", views.mission_action, name="mission_action"),
    path("missions/<int:pk>/annuler/", views.mission_cancel, name="mission_cancel"),
    path("missions/<int:pk>/inscription/", views.mission_signup, name="mission_signup"),
    path("missions/<int:pk>/desistement/", views.mission_withdraw, name="mission_withdraw"),
    path("vigie/", views.vigie, name="vigie"),
    path("vigie/chiffres/", views.vigie_export, name="vigie_export"),
    path("vigie/signaler/", views.signal_create, name="signal_create"),
    path("vigie/mes-signalements/", views.signal_mine, name="signal_mine"),
    path("vigie/traitement/", views.signal_queue, name="signal_queue"),
    path("vigie/signalements/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("vigie/signalements/<int:pk>/traiter/", views.signal_triage, name="signal_triage"),
]
