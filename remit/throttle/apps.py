from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.throttle"
    label = "throttle"
    verbose_name = "Rate limits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.throttle import jobs  # noqa: F401  (registers the summary job with remit.jobs)
