"""WebSocket routes (docs/protocol.md)."""

from django.urls import path, re_path

from . import consumers

websocket_urlpatterns = [
    path("ws/lobby/", consumers.LobbyConsumer.as_asgi()),
    path("ws/rooms/<str:room_id>/", consumers.RoomConsumer.as_asgi()),
    # Any other path is refused at the handshake (HTTP 403), not a traceback.
    re_path(r"", consumers.NoSuchSocket.as_asgi()),
]
