from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.amendments"
    label = "amendments"
    verbose_name = "Amendment requests"
    default_auto_field = "django.db.models.BigAutoField"
