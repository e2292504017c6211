"""WebSocket routes of the rooms app, mounted by gameproject.asgi (none yet)."""

websocket_urlpatterns = []
