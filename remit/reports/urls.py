from django.urls import path

from remit.reports import views

app_name = "reports"
urlpatterns: list = [
    path("", views.outcomes, name="outcomes"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
    path("outcomes.csv", views.outcomes_csv, name="outcomes_csv"),
    path("outcomes.pdf", views.outcomes_pdf, name="outcomes_pdf"),
    path("durability.csv", views.durability_csv, name="durability_csv"),
]
