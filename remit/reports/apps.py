from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Decision support runs after assessments, signed sessions, medications and diagnoses (issue 6 §2).
        from remit.reports import receivers

        receivers.connect()
