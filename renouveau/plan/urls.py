from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_index, name="index"),
    path("chantiers/<slug:slug>/", views.workstream_detail, name="workstream"),
    path("deliberations/", views.deliberations, name="deliberations"),
    path("conventions/<slug:code>/", views.agreement_detail, name="agreement"),
]
