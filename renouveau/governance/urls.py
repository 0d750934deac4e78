from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("instances/<slug:code>/", views.body_detail, name="body"),
    path("instances/<slug:code>/calendrier.ics", views.body_calendar, name="body_calendar"),
    path(
        "instances/<slug:code>/recommandations/",
        views.recommendation_list,
        name="body_recommendations",
    ),
    path("instances/<slug:code>/membres/nouveau/", views.membership_edit, name="member_add"),
    path(
        "instances/<slug:code>/membres/<int:pk>/modifier/",
        views.membership_edit,
        name="member_edit",
    ),
    path("ma-participation/", views.my_space, name="my_space"),
    path("reunions/", views.meeting_list, name="meetings"),
    path("reunions/calendrier.ics", views.meetings_calendar, name="meetings_calendar"),
    path("reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting"),
    path("reunions/<int:pk>/reunion.ics", views.meeting_ics, name="meeting_ics"),
    path("reunions/<int:pk>/inscription/", views.meeting_register, name="meeting_register"),
    path("reunions/<int:pk>/desinscription/", views.meeting_unregister, name="meeting_unregister"),
    path(
        "reunions/<int:pk>/liste-attente/",
        views.meeting_waitlist_join,
        name="meeting_waitlist_join",
    ),
    path(
        "reunions/<int:pk>/liste-attente/quitter/",
        views.meeting_waitlist_leave,
        name="meeting_waitlist_leave",
    ),
    path("reunions/<int:pk>/inscrits/", views.meeting_registrants, name="meeting_registrants"),
    path("reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("reunions/<int:pk>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("reunions/<int:pk>/compte-rendu/", views.meeting_minutes, name="meeting_minutes"),
    path("reunions/<int:pk>/documents/", views.meeting_document, name="meeting_document"),
    path(
        "reunions/<int:pk>/documents/<int:document>/<str:filename>",
        views.meeting_document_file,
        name="meeting_document_file",
    ),
    path(
        "reunions/<int:pk>/documents/<int:document>/retirer/",
        views.meeting_document_remove,
        name="meeting_document_remove",
    ),
    path("tirages/", views.draw_list, name="draws"),
    path("tirages/nouveau/", views.draw_create, name="draw_create"),
    path("tirages/<int:pk>/", views.draw_detail, name="draw"),
    path("tirages/<int:pk>/retirer/", views.draw_withdraw, name="draw_withdraw"),
    path("tirages/<int:pk>/tirer/", views.draw_run, name="draw_run"),
    path("tirages/<int:pk>/donnees.json", views.draw_data, name="draw_data"),
    path("recommandations/", views.recommendation_list, name="recommendations"),
    path("recommandations/nouvelle/", views.recommendation_create, name="recommendation_create"),
    path("recommandations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path(
        "recommandations/<int:pk>/repondre/",
        views.recommendation_respond,
        name="recommendation_respond",
    ),
    path("lieux/", views.place_list, name="places"),
    path("lieux/<int:pk>/", views.place_detail, name="place"),
    path("partenaires/", views.partner_list, name="partners"),
    path("comparaisons/", views.comparison_list, name="comparisons"),
    path("comparaisons/export.<str:fmt>", views.comparison_export, name="comparison_export"),
    path("comparaisons/<slug:code>/", views.comparison_detail, name="indicator"),
]
