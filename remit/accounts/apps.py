from django.apps import AppConfig


class Config(AppConfig):
    name = "remit.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from remit.accounts import receivers  # noqa: F401  (connects the security-event receivers)
