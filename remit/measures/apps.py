from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.measures"
    label = "measures"
    default_auto_field = "django.db.models.BigAutoField"
