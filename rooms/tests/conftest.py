"""The room tests use the suite-wide ``instant_rooms`` fixture of the top-level conftest.py."""

from rooms.tests.wsclient import ws  # noqa: F401 (the WebSocket clients fixture)
