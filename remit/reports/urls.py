from django.urls import path

from remit.reports import views, views_patient

app_name = "reports"
urlpatterns: list = [
    path("", views.outcomes, name="outcomes"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
    path("outcomes.csv", views.outcomes_csv, name="outcomes_csv"),
    path("outcomes.pdf", views.outcomes_pdf, name="outcomes_pdf"),
    path("durability.csv", views.durability_csv, name="durability_csv"),
    # Per-patient outcomes and the progress report; decision support's pages are in remit.decision.urls.
    path("patients/<int:pk>/", views_patient.patient_outcomes, name="patient"),
    path("patients/<int:pk>/progress.pdf", views_patient.progress_pdf, name="progress_pdf"),
]
