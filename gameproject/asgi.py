"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels routes of the rooms app."""

import gc
import os
import sys

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

# Everything loaded so far (Django, the apps, their modules) lives as long as the process: out of
# the garbage collector's sight, so that its full collections only walk the rooms' own objects
# (docs/architecture.md, "Memory and pauses").
gc.freeze()
# A young collection walks every container allocated since the last one that is still alive, at
# about 1 us each in a served heap; at the default threshold (700) 1,000 rooms made 5 a second,
# and a full collection (300-440 ms) every 10 s, as each room's state and views lived long
# enough to be promoted, then died of their reference count. A process that serves rooms
# allocates and frees about as many containers as it makes: at 20,000 its count almost never
# gets there, and the cycles it does make (connects, disconnects) are still collected, 20,000
# objects at the latest (docs/architecture.md, "Memory and pauses").
gc.set_threshold(20_000, 5, 10)
# The room service's database threads give the interpreter lock up for every query and must take
# it back after; at the default 5 ms switch interval each of those waits could last that long
# while the event loop is busy (with 1,000 rooms the answers' median fell from 195 to 117 ms).
sys.setswitchinterval(0.0005)
