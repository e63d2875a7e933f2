from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.audit import jobs  # noqa: F401  (registers the checkpoint job with remit.jobs)
