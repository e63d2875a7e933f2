from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.screening"
    label = "screening"
    default_auto_field = "django.db.models.BigAutoField"
