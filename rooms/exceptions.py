"""One error shape for the whole REST API: ``{"error": {"code", "message", "params"}}``. A room or
rule refusal is worded in the request's language (``rooms.messages``), its params given; the
framework's own errors (a malformed body, a missing field) have no params."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from game.errors import RuleError

from .errors import RoomError
from .messages import error_body

#: Rule errors that mean "the room cannot take this" rather than "your request is malformed".
_CONFLICTS = {"room_full", "wrong_phase", "room_closed", "name_taken", "seat_taken"}


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        field, value = next(iter(detail.items()))
        return f"{field}: {_first_message(value)}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def _login_first(exc: Exception, context: dict[str, Any]) -> HttpResponseRedirect | None:
    """A visitor who is not logged in, reading a staff page of the API in a browser (its
    browsable renderer), is sent to the admin's login form and back."""
    request = context.get("request")
    if not isinstance(exc, (exceptions.NotAuthenticated, exceptions.PermissionDenied)):
        return None
    if request is None or request.user.is_authenticated:
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format != "api":
        return None
    return redirect_to_login(request.get_full_path())


def api_exception_handler(
    exc: Exception, context: dict[str, Any]
) -> Response | HttpResponseRedirect | None:
    redirect = _login_first(exc, context)
    if redirect is not None:
        return redirect
    if isinstance(exc, RoomError):
        return Response({"error": error_body(exc.code, exc.params)}, status=exc.status)
    if isinstance(exc, RuleError):
        code = status.HTTP_409_CONFLICT if exc.code in _CONFLICTS else status.HTTP_400_BAD_REQUEST
        return Response({"error": error_body(exc.code, exc.params)}, status=code)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid_argument"
    elif isinstance(exc, exceptions.APIException):
        code = exc.default_code
    else:
        code = "error"
    response.data = {"error": {"code": code, "message": _first_message(exc.detail), "params": {}}}
    return response
