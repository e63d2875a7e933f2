from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.fhir"
    label = "fhir"
    default_auto_field = "django.db.models.BigAutoField"
