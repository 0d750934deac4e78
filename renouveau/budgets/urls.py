from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("", views.index, name="index"),
    path("enveloppes/<int:pk>/", views.vote, name="vote"),
    path("enveloppes/<int:pk>/retirer/", views.ballot_withdraw, name="withdraw"),
    path("enveloppes/<int:pk>/papier/", views.paper_ballot, name="paper"),
    path("enveloppes/<int:pk>/modifier/", views.envelope_edit, name="envelope_edit"),
    path("enveloppes/<int:pk>/bulletins.pb", views.pabulib, name="pabulib"),
    path("appels/<slug:slug>/enveloppes/nouvelle/", views.envelope_create, name="envelope_create"),
    path("appels/<slug:slug>/clore/", views.close_vote, name="close"),
    path("appels/<slug:slug>/resultats/", views.results, name="results"),
    path("appels/<slug:slug>/resultats/calculer/", views.results_recompute, name="recompute"),
    path("realisations/<int:pk>/", views.tracked_project, name="tracked"),
    path("realisations/<int:pk>/modifier/", views.tracked_project_edit, name="tracked_edit"),
]
