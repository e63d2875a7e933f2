from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.bench"
    label = "bench"
    verbose_name = "Benchmark"
    default_auto_field = "django.db.models.BigAutoField"
