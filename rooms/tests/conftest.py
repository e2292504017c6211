"""The room tests use the suite-wide ``instant_rooms`` fixture of the top-level conftest.py."""
