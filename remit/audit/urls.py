from django.urls import path

from remit.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.report, name="report"),
    path("export.csv", views.export_csv, name="export"),
    path("patients/<int:patient_id>/disclosures/", views.disclosures, name="disclosures"),
]
