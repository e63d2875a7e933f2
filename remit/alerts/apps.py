from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.alerts"
    label = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.alerts import jobs  # noqa: F401  (registers the escalation job with remit.jobs)
