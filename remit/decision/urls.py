"""Decision support's pages, mounted under ``reports/`` (the paths users already know) as ``decision:``."""

from django.urls import path

from remit.decision import views

app_name = "decision"
urlpatterns: list = [
    path("patients/<int:pk>/booster-requests/new/", views.booster_request, name="booster_request"),
    path(
        "patients/<int:pk>/courses/<int:course_pk>/draft-booster/",
        views.draft_booster,
        name="draft_booster",
    ),
    path("settings/outcomes/", views.outcome_settings, name="outcome_settings"),
]
