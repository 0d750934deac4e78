from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [path("", views.territory_index, name="index")]
