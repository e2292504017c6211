"""WebSocket routes (docs/protocol.md)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/lobby/", consumers.LobbyConsumer.as_asgi()),
    path("ws/rooms/<str:room_id>/", consumers.RoomConsumer.as_asgi()),
]
