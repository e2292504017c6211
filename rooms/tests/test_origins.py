"""Origins (rooms/origins.py): scheme, host and port all count."""

from __future__ import annotations

import pytest

from rooms.origins import normalize, origin_allowed


@pytest.mark.parametrize(
    ("origin", "normalized"),
    [
        ("http://127.0.0.1", "http://127.0.0.1:80"),
        ("HTTP://LocalHost:8000", "http://localhost:8000"),
        ("https://example.com/", "https://example.com:443"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("null", None),
        ("", None),
        ("ws://127.0.0.1", None),
        ("http://user@127.0.0.1", None),
        ("http://127.0.0.1/path", None),
        ("http://127.0.0.1:99999", None),
        ("file:///etc/passwd", None),
    ],
)
def test_normalize(origin, normalized):
    assert normalize(origin) == normalized


@pytest.mark.parametrize(
    ("origin", "scheme", "host", "allowed"),
    [
        ("http://127.0.0.1:8000", "ws", "127.0.0.1:8000", True),
        ("https://localhost", "wss", "localhost", True),
        ("https://localhost", "wss", "localhost:443", True),
        ("http://127.0.0.1:8000", "http", "127.0.0.1:8000", True),
        ("https://127.0.0.1:8000", "ws", "127.0.0.1:8000", False),
        ("http://127.0.0.1:1", "ws", "127.0.0.1:8000", False),
        ("http://localhost:8000", "ws", "127.0.0.1:8000", False),
        # A Host that is not one of ALLOWED_HOSTS makes nothing same-origin.
        ("http://evil.example", "ws", "evil.example", False),
        (None, "ws", "127.0.0.1", False),
        ("http://127.0.0.1", "ws", None, False),
    ],
)
def test_same_origin(origin, scheme, host, allowed):
    assert origin_allowed(origin, scheme, host) is allowed


def test_configured_origins_are_allowed_exactly(settings):
    settings.ALLOWED_ORIGINS = ["https://play.example.com", "http://10.0.0.5:8080"]
    assert origin_allowed("https://play.example.com", "ws", "127.0.0.1")
    assert origin_allowed("https://play.example.com:443", "ws", "127.0.0.1")
    assert origin_allowed("http://10.0.0.5:8080", "ws", "127.0.0.1")
    assert not origin_allowed("http://play.example.com", "ws", "127.0.0.1")
    assert not origin_allowed("https://evil.play.example.com", "ws", "127.0.0.1")
    assert not origin_allowed("http://10.0.0.5", "ws", "127.0.0.1")


@pytest.mark.parametrize(
    ("proxy_header", "forwarded", "origin", "allowed"),
    [
        (None, None, "http://localhost", True),
        (None, None, "https://localhost", False),
        (("HTTP_X_FORWARDED_PROTO", "https"), b"https", "https://localhost", True),
        (("HTTP_X_FORWARDED_PROTO", "https"), b"https", "http://localhost", False),
        (("HTTP_X_FORWARDED_PROTO", "https"), b"http", "http://localhost", True),
        (("HTTP_X_FORWARDED_PROTO", "https"), None, "http://localhost", True),
    ],
)
def test_the_socket_scheme_behind_an_https_proxy(
    settings, proxy_header, forwarded, origin, allowed
):
    """daphne's WebSocket scope has no scheme: behind an HTTPS proxy its header tells."""
    from rooms.origins import socket_scheme

    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    headers = [(b"host", b"localhost")]
    if forwarded is not None:
        headers.append((b"x-forwarded-proto", forwarded))
    scope = {"type": "websocket", "headers": headers}
    assert origin_allowed(origin, socket_scheme(scope), "localhost") is allowed
