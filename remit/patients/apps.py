from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.patients"
    label = "patients"
    default_auto_field = "django.db.models.BigAutoField"
