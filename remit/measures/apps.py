from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.measures"
    label = "measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.measures import jobs  # noqa: F401  (registers the worker's jobs)
