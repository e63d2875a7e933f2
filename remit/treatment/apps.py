from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.treatment"
    label = "treatment"
    default_auto_field = "django.db.models.BigAutoField"
