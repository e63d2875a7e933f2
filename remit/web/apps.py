from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit import wiring

        wiring.connect()  # the domain events' listeners, in one place
