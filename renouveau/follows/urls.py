from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("", views.follow_list, name="list"),
    path("<str:model>/<int:pk>/", views.follow_toggle, name="toggle"),
]
