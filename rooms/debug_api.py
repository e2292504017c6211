"""Debug API (docs/protocol.md): a room's events, its replay at any point, its live state, and log
totals. These reveal hidden hands: open while DEBUG is on, staff-only otherwise.

It reads the event log (``eventlog.selectors``), and a room's live state through the room
service: it is part of the rooms app, which uses the log (the log knows nothing of rooms)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from eventlog.selectors import event_dict, log_stats, logged_version, replay, room_events
from game.engine import EVENT_TYPES
from game.views import omniscient_view, seat_view

from .errors import RoomError
from .models import Room
from .services import room_state

#: Staff read the debug API in a browser too: JSON, or DRF's browsable page (the rest of the
#: API answers JSON only).
DEBUG_RENDERERS = [JSONRenderer, BrowsableAPIRenderer]
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def can_debug(user: Any) -> bool:
    """Who may see every hand (the debug API, the replay page): anyone while DEBUG is on; active
    staff otherwise."""
    return settings.DEBUG or bool(user and user.is_active and user.is_staff)


class DebugAccess(BasePermission):
    message = "The debug API is for staff (or with DEBUG on)."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_debug(request.user)


def _int_param(request: Request, name: str, default: int | None, low: int = 0) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RoomError("invalid_argument", reason="not_integer", field=name) from None
    if value < low:
        raise RoomError("invalid_argument", reason="too_small", field=name, min=low)
    return value


def logged_room(room_id: str) -> tuple[str, int]:
    """A room's id and version, from its row or, when the row is gone, from its log (the log
    is the truth: a room whose row was deleted still replays); ``room_not_found`` when
    neither knows it."""
    room_id = room_id.upper()
    version = Room.objects.filter(pk=room_id).values_list("version", flat=True).first()
    if version is None:
        version = logged_version(room_id)
    if version is None:
        raise RoomError("room_not_found", room=room_id)
    return room_id, version


def _type_param(request: Request) -> str | None:
    kind = request.query_params.get("type") or None
    if kind is not None and kind not in EVENT_TYPES:
        raise RoomError("invalid_argument", reason="event_type", choices=sorted(EVENT_TYPES))
    return kind


@extend_schema(
    summary="A room's events, in order",
    parameters=[
        OpenApiParameter("after", OpenApiTypes.INT, description="only events with seq > after"),
        OpenApiParameter("type", OpenApiTypes.STR, description="only events of this type"),
        OpenApiParameter("limit", OpenApiTypes.INT, description=f"at most (≤{MAX_LIMIT})"),
    ],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
@permission_classes([DebugAccess])
@renderer_classes(DEBUG_RENDERERS)
def events(request: Request, room_id: str) -> Response:
    room_id, _ = logged_room(room_id)
    after = _int_param(request, "after", 0)
    limit = min(_int_param(request, "limit", DEFAULT_LIMIT, low=1), MAX_LIMIT)
    rows = list(room_events(room_id, after=after, type=_type_param(request))[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Response(
        {
            "room_id": room_id,
            "count": len(rows),
            "events": [event_dict(row) for row in rows],
            "next_after": rows[-1].seq if more else None,
        }
    )


class ReplaySerializer(serializers.Serializer):
    room_id = serializers.CharField()
    version = serializers.IntegerField()
    events_applied = serializers.IntegerField()
    state = serializers.DictField()


@extend_schema(
    summary="The state after event `upto` (default: the last): omniscient, or as a seat saw it",
    parameters=[
        OpenApiParameter("upto", OpenApiTypes.INT, description="the seq to replay up to"),
        OpenApiParameter(
            "seat",
            OpenApiTypes.INT,
            description="0-3: the seat view that seat had at that version (its hand only); "
            "absent: every hand",
        ),
    ],
    responses=ReplaySerializer,
)
@api_view(["GET"])
@permission_classes([DebugAccess])
@renderer_classes(DEBUG_RENDERERS)
def replay_view(request: Request, room_id: str) -> Response:
    room_id, version = logged_room(room_id)
    upto = _int_param(request, "upto", None)
    if upto is not None and upto > version:
        raise RoomError("invalid_argument", reason="past_version", max=version)
    seat = _int_param(request, "seat", None, low=-(2**63))
    if seat is not None and seat not in range(4):
        raise RoomError("invalid_argument", reason="debug_seat")
    state, applied = replay(room_id, upto=upto)
    return Response(
        {
            "room_id": room_id,
            "version": applied,
            "events_applied": applied,
            "state": omniscient_view(state) if seat is None else seat_view(state, seat),
        }
    )


@extend_schema(
    summary="The live omniscient state (same shape as replay)", responses=ReplaySerializer
)
@api_view(["GET"])
@permission_classes([DebugAccess])
@renderer_classes(DEBUG_RENDERERS)
def live_state(request: Request, room_id: str) -> Response:
    room_id, version = logged_room(room_id)
    if Room.objects.filter(pk=room_id).exists():
        state, version = room_state(room_id, version)
    else:  # the row is gone: the log is all there is
        state, version = replay(room_id)
    return Response(
        {
            "room_id": room_id,
            "version": version,
            "events_applied": version,
            "state": omniscient_view(state),
        }
    )


@extend_schema(summary="Totals of the event log", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([DebugAccess])
@renderer_classes(DEBUG_RENDERERS)
def stats(request: Request) -> Response:
    return Response(log_stats())
