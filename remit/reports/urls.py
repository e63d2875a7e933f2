from django.urls import path

from remit.reports import views, views_patient

app_name = "reports"
urlpatterns: list = [
    path("", views.outcomes, name="outcomes"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
    path("outcomes.csv", views.outcomes_csv, name="outcomes_csv"),
    path("outcomes.pdf", views.outcomes_pdf, name="outcomes_pdf"),
    path("durability.csv", views.durability_csv, name="durability_csv"),
    # Per-patient outcomes, decision support, progress report (issue 6 §1, §2, §4).
    path("patients/<int:pk>/", views_patient.patient_outcomes, name="patient"),
    path("patients/<int:pk>/progress.pdf", views_patient.progress_pdf, name="progress_pdf"),
    path("patients/<int:pk>/booster-requests/new/", views_patient.booster_request, name="booster_request"),
    path(
        "patients/<int:pk>/courses/<int:course_pk>/draft-booster/",
        views_patient.draft_booster,
        name="draft_booster",
    ),
    path("settings/outcomes/", views_patient.outcome_settings, name="outcome_settings"),
]
