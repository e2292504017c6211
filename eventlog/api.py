"""Debug API (DESIGN.md §4): a room's events, its replay at any point, its live state, and log
totals. These reveal hidden hands: open while DEBUG is on, staff-only otherwise."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from game.views import omniscient_view
from rooms.errors import RoomError
from rooms.selectors import room_get
from rooms.services import room_state

from .selectors import event_dict, log_stats, replay, room_events

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
        raise RoomError("invalid_argument", f"{name} must be an integer.") from None
    if value < low:
        raise RoomError("invalid_argument", f"{name} must be at least {low}.")
    return value


def _room_exists(room_id: str) -> str:
    return room_get(room_id).id


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
def events(request: Request, room_id: str) -> Response:
    room_id = _room_exists(room_id)
    after = _int_param(request, "after", 0)
    limit = min(_int_param(request, "limit", DEFAULT_LIMIT, low=1), MAX_LIMIT)
    rows = list(
        room_events(room_id, after=after, type=request.query_params.get("type"))[: limit + 1]
    )
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
    summary="The omniscient state after event `upto` (default: the last)",
    parameters=[OpenApiParameter("upto", OpenApiTypes.INT)],
    responses=ReplaySerializer,
)
@api_view(["GET"])
@permission_classes([DebugAccess])
def replay_view(request: Request, room_id: str) -> Response:
    room = room_get(room_id)
    upto = _int_param(request, "upto", None)
    if upto is not None and upto > room.version:
        raise RoomError("invalid_argument", f"upto is at most {room.version}, the room's version.")
    state, applied = replay(room.id, upto=upto)
    return Response(
        {
            "room_id": room.id,
            "version": applied,
            "events_applied": applied,
            "state": omniscient_view(state),
        }
    )


@extend_schema(
    summary="The live omniscient state (same shape as replay)", responses=ReplaySerializer
)
@api_view(["GET"])
@permission_classes([DebugAccess])
def live_state(request: Request, room_id: str) -> Response:
    room = room_get(room_id)
    state, version = room_state(room.id, room.version)
    return Response(
        {
            "room_id": room.id,
            "version": version,
            "events_applied": version,
            "state": omniscient_view(state),
        }
    )


@extend_schema(summary="Totals of the event log", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([DebugAccess])
def stats(request: Request) -> Response:
    return Response(log_stats())
