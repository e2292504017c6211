"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels routes of the rooms app."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gameproject.settings")

# Set up Django (and its app registry) before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

import rooms.routing  # noqa: E402
from rooms.middleware import SweeperMiddleware, sweep_from_the_start  # noqa: E402
from rooms.origins import OriginValidator  # noqa: E402

application = SweeperMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": OriginValidator(
                AuthMiddlewareStack(URLRouter(rooms.routing.websocket_urlpatterns))
            ),
        }
    )
)

sweep_from_the_start()
