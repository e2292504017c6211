from django.apps import AppConfig


class RoomsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rooms"
    verbose_name = "Rooms"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .checkpoints import no_automatic_checkpoint

        connection_created.connect(no_automatic_checkpoint, dispatch_uid="rooms.checkpoints")
