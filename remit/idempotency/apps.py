from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.idempotency"
    label = "idempotency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.idempotency import jobs  # noqa: F401  (registers the purge job with remit.jobs)
