from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("", views.guide_index, name="index"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/nouvelle/", views.guide_edit, name="create"),
    path("gestion/<int:pk>/modifier/", views.guide_edit, name="edit"),
    path("gestion/<int:pk>/<slug:action>/", views.guide_action, name="action"),
    path("gestion/bandeau/", views.banner_create, name="banner_create"),
    path("gestion/bandeau/<int:pk>/retirer/", views.banner_end, name="banner_end"),
    path("<slug:slug>/", views.guide_detail, name="detail"),
]
