from django.urls import path

from remit.web import audit_report as views

app_name = "audit"
urlpatterns = [
    path("", views.report, name="report"),
    path("export.csv", views.export_csv, name="export"),
    path("patients/<int:pk>/disclosures/", views.disclosures, name="disclosures"),
]
