from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit import wiring
        from remit.pages import form_words

        wiring.connect()  # the domain events' listeners, in one place
        form_words.install()  # every form: no colon labels, "Choose…", errors naming the field
