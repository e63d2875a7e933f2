from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.screening"
    label = "screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.screening import receivers

        receivers.connect()  # the diagnosis receiver registers on import
