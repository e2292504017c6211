"""Fixtures for the event-log tests: seeds allowed and a fast password hasher, on top of the
suite-wide ``instant_rooms`` (top-level conftest.py). The games they play are in
``rooms.tests.games``: the log is written by the room service."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def eventlog_settings(settings):
    """Seeds allowed, and a fast password hasher for admin_client and the staff users."""
    settings.LIAPTUI_ALLOW_SEED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
