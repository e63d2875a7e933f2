from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.decision"
    label = "decision"
    verbose_name = "Decision support"
    default_auto_field = "django.db.models.BigAutoField"
