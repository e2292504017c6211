"""The room tests use the suite-wide ``instant_rooms`` fixture of the top-level conftest.py."""

from rooms.tests.wsclient import ws  # noqa: E402, F401 (the WebSocket clients fixture)
