from django.urls import path

from . import views

app_name = "mutualaid"

urlpatterns = [
    path("", views.index, name="index"),
    path("offres/", views.offer_list, name="offer_list"),
    path("offres/nouvelle/", views.offer_create, name="offer_create"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("annonces/<str:kind>/<int:pk>/proposer/", views.propose_to, name="propose_to"),
    path("annonces/<str:kind>/<int:pk>/retirer/", views.post_close, name="post_close"),
    path("mon-entraide/", views.my_space, name="my_space"),
    path("mises-en-relation/<int:pk>/", views.match_detail, name="match_detail"),
    path("mises-en-relation/<int:pk>/repondre/", views.match_answer, name="match_answer"),
    path("mises-en-relation/<int:pk>/realisee/", views.match_done, name="match_done"),
    path("mises-en-relation/<int:pk>/temoigner/", views.testimony_add, name="testimony_add"),
    path("mises-en-relation/<int:pk>/bloquer/", views.block_other, name="block_other"),
    path("blocages/<int:pk>/lever/", views.block_delete, name="block_delete"),
    path("initiatives/", views.initiative_list, name="initiative_list"),
    path("initiatives/nouvelle/", views.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("signaler/<str:kind>/<int:pk>/", views.report_create, name="report"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/signalements/<int:pk>/", views.report_decide, name="report_decide"),
    path("moderation/retablir/<str:kind>/<int:pk>/", views.content_restore, name="content_restore"),
]
