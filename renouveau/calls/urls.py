from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("", views.call_index, name="index"),
    path("nouveau/", views.call_create, name="create"),
    path("mes-projets/", views.my_submissions, name="mine"),
    path("moderation/commentaires/", views.moderation_queue, name="moderation"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path(
        "invitations/<str:token>/accepter/",
        views.invitation_answer,
        {"answer": "accept"},
        name="invitation_accept",
    ),
    path(
        "invitations/<str:token>/refuser/",
        views.invitation_answer,
        {"answer": "decline"},
        name="invitation_decline",
    ),
    path(
        "moderation/commentaires/<int:comment_pk>/classer/",
        views.comment_reports_dismiss,
        name="comment_dismiss",
    ),
    path("<slug:slug>/", views.call_detail, name="detail"),
    path("<slug:slug>/modifier/", views.call_edit, name="edit"),
    path("<slug:slug>/phase/", views.call_phase, name="phase"),
    path("<slug:slug>/projets/", views.submission_index, name="projects"),
    path("<slug:slug>/projets/deposer/", views.submission_create, name="submit"),
    path("<slug:slug>/projets/<int:pk>/", views.submission_detail, name="submission"),
    path("<slug:slug>/projets/<int:pk>/modifier/", views.submission_edit, name="submission_edit"),
    path(
        "<slug:slug>/projets/<int:pk>/co-auteurs/",
        views.submission_coauthor,
        name="submission_coauthor",
    ),
    path(
        "<slug:slug>/projets/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<slug:slug>/projets/<int:pk>/quitter/", views.submission_leave, name="submission_leave"),
    path(
        "<slug:slug>/projets/<int:pk>/retirer/",
        views.submission_withdraw,
        name="submission_withdraw",
    ),
    path("<slug:slug>/projets/<int:pk>/analyse/", views.submission_review, name="review"),
    path("<slug:slug>/projets/<int:pk>/commentaires/", views.comment_create, name="comment"),
    path(
        "<slug:slug>/projets/<int:pk>/commentaires/<int:comment_pk>/signaler/",
        views.comment_report,
        name="comment_report",
    ),
    path(
        "<slug:slug>/projets/<int:pk>/commentaires/<int:comment_pk>/moderer/",
        views.comment_moderate,
        name="comment_moderate",
    ),
]
