from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("nouvelle/", views.idea_create, name="create"),
    path("a-traiter/", views.answer_queue, name="answer_queue"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/photo/", views.idea_photo, name="photo"),
    path("<int:pk>/soutenir/", views.idea_support, name="support"),
    path("<int:pk>/commenter/", views.comment_add, name="comment"),
    path("<int:pk>/repondre/", views.status_change, name="status"),
    path("signaler/<str:kind>/<int:pk>/", views.flag_create, name="flag"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/signalements/<int:pk>/", views.flag_decide, name="flag_decide"),
    path("moderation/retablir/<str:kind>/<int:pk>/", views.content_restore, name="content_restore"),
]
