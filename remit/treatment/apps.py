from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.treatment"
    label = "treatment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.treatment import jobs  # noqa: F401  (registers the overdue-vitals job with remit.jobs)
