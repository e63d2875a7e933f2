from django.urls import path

from remit.web import views_audit as views

app_name = "audit"
urlpatterns = [
    path("", views.report, name="report"),
    path("export.csv", views.export_csv, name="export"),
    path("patients/<int:pk>/disclosures/", views.disclosures, name="disclosures"),
]
