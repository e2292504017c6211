"""Which sites may act for a player: the WebSocket ``Origin`` check and the REST cross-site check.

An origin is ``scheme://host:port``. A request is **same-origin** when its ``Origin`` names
exactly the scheme, host and port it was sent to (the ``Host`` header, itself one of
``DJANGO_ALLOWED_HOSTS``); other origins are accepted only when ``DJANGO_ALLOWED_ORIGINS`` lists
them. Scheme and port count: ``https://localhost`` is not ``http://localhost:8000``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

DEFAULT_PORTS = {"http": 80, "https": 443}
#: A WebSocket's scheme -> the scheme of the page that opened it.
PAGE_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def normalize(origin: str) -> str | None:
    """``origin`` as ``scheme://host:port`` (lower case, the default port written out), or None
    when it is not an http(s) origin (``null``, a path, user info, another scheme …)."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or DEFAULT_PORTS[scheme]}"


def configured_origins() -> frozenset[str]:
    """``DJANGO_ALLOWED_ORIGINS``, normalized (settings refuse a malformed entry)."""
    return frozenset(filter(None, (normalize(o) for o in settings.ALLOWED_ORIGINS)))


def own_origin(scheme: str, host_header: str | None) -> str | None:
    """The origin a request was sent to: its page scheme and its ``Host`` header, when that
    host is one of ``ALLOWED_HOSTS``."""
    if not host_header or scheme not in PAGE_SCHEMES:
        return None
    domain, _ = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return normalize(f"{PAGE_SCHEMES[scheme]}://{host_header}")


def origin_allowed(origin: str | None, scheme: str, host_header: str | None) -> bool:
    """Whether a request from ``origin`` to ``scheme://host_header`` may act: same-origin, or an
    origin of ``DJANGO_ALLOWED_ORIGINS``."""
    if origin is None:
        return False
    normalized = normalize(origin)
    if normalized is None:
        return False
    return normalized == own_origin(scheme, host_header) or normalized in configured_origins()


def socket_scheme(scope: dict[str, Any]) -> str:
    """The scheme a WebSocket was opened with, as its page saw it. Behind an HTTPS proxy
    (``SECURE_PROXY_SSL_HEADER``, set by ``DJANGO_BEHIND_HTTPS_PROXY``) the proxy's header says
    so (daphne's WebSocket scope has no scheme of its own); otherwise the scope's, or ``ws``."""
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, secure = proxy
        name = header.removeprefix("HTTP_").replace("_", "-").lower().encode()
        forwarded = _header(scope, name)
        if forwarded is not None:
            return "wss" if forwarded.split(",")[0].strip() == secure else "ws"
    return scope.get("scheme", "ws")


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class OriginValidator:
    """ASGI middleware for WebSockets: a handshake whose ``Origin`` is not allowed (or missing)
    is refused with HTTP 403 before any consumer runs (browsers always send ``Origin``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = _header(scope, b"origin")
        if origin_allowed(origin, socket_scheme(scope), _header(scope, b"host")):
            return await self.app(scope, receive, send)
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close", "code": 1000})
        return None


class CrossSiteRequest(APIException):
    status_code = 403
    default_code = "cross_site_request"
    default_detail = _(
        "This request came from a page of another site; only this site's own pages may act "
        "for a player (docs/protocol.md)."
    )


class SameSiteWrites(BasePermission):
    """REST's CSRF protection: a POST (or any unsafe method) that a browser sends from a page
    of another site is refused, whatever cookies it carries.

    Browsers say where a request comes from: ``Sec-Fetch-Site`` (``same-origin``, or ``none``
    for what the user typed) and ``Origin``. ``same-origin`` passes; an ``Origin`` must be an
    allowed one (``origin_allowed``); a request with neither header is not a browser's (curl, a
    bot, a test client) and cannot carry a victim's session, so it is let through. ``same-site``
    counts as foreign: another port or subdomain is another origin."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        fetch_site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if fetch_site == "same-origin":
            return True
        if origin is not None:  # whatever else it says, an Origin must be an allowed one
            if origin_allowed(origin, request.scheme, request.get_host()):
                return True
            raise CrossSiteRequest()
        if fetch_site in (None, "none"):  # no browser, or what the user typed
            return True
        raise CrossSiteRequest()
