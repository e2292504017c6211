"""REST API of the rooms app (docs/protocol.md): create, join, list, detail, health.

Views are thin: they validate the body's shape, call the room service, and answer. Errors are
``{"error": {"code", "message", "params"}}`` (see ``rooms.exceptions``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.fields import empty
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from game.engine import BOT_STRATEGIES, DEFAULT_BOT

from . import services
from .consumers import session_key
from .errors import RoomError
from .lobby import lobby_list
from .origins import SameSiteWrites
from .readiness import readiness
from .rest_input import StrictIntegerField
from .selectors import room_detail

#: The parts ``/api/ready/`` checks, as its messages name them.
NAMES = {"database": "database", "channel_layer": "channel layer (Redis)"}


@extend_schema_field(OpenApiTypes.STR)
class PlayerNameField(serializers.Field):
    """Passed on as sent: the engine checks names (``invalid_name``) for REST and WebSocket."""

    def to_internal_value(self, data: object) -> object:
        return data

    def to_representation(self, value: object) -> object:
        return value


class RequestBody(serializers.Serializer):
    """A request body: a JSON object with only the documented fields (as strict as the
    WebSocket protocol), so a misspelt field is an error rather than silently ignored."""

    def run_validation(self, data: object = empty) -> object:
        if data is not empty and not isinstance(data, dict):  # a list, a string, null ...
            raise serializers.ValidationError(
                {"body": _("The request body must be a JSON object.")}
            )
        return super().run_validation(data)

    def to_internal_value(self, data: object) -> object:
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            known = ", ".join(self.fields)
            raise serializers.ValidationError(
                {
                    unknown[0]: _("Unknown field; this request takes: %(fields)s.")
                    % {"fields": known}
                }
            )
        return super().to_internal_value(data)


class StrategyField(serializers.ChoiceField):
    """A bot strategy by name, as a JSON string only (``ChoiceField`` alone compares ``str(x)``)."""

    def to_internal_value(self, data: object) -> object:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class CreateRoomSerializer(RequestBody):
    player_name = PlayerNameField(help_text="1-32 printable characters, unique in the room")
    bots = StrictIntegerField(min_value=0, max_value=services.MAX_BOTS, required=False, default=0)
    bot_strategy = StrategyField(
        choices=BOT_STRATEGIES,
        required=False,
        default=DEFAULT_BOT,
        help_text="the level of those bots: greedy (easy), smart (normal) or expert (hard)",
    )
    seed = StrictIntegerField(
        min_value=0, max_value=2**53, required=False, help_text="only with LIAPTUI_ALLOW_SEED"
    )


class JoinRoomSerializer(RequestBody):
    player_name = PlayerNameField(help_text="1-32 printable characters, unique in the room")


class SeatGrantedSerializer(serializers.Serializer):
    room_id = serializers.CharField()
    seat = serializers.IntegerField()
    token = serializers.CharField(help_text="the seat's secret: send it as ?token= on the socket")


class RoomSummarySerializer(serializers.Serializer):
    room_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["waiting", "playing", "finished", "closed"])
    phase = serializers.CharField()
    round = serializers.IntegerField()
    host_seat = serializers.IntegerField(allow_null=True)
    host = serializers.CharField(allow_null=True)
    players = serializers.IntegerField()
    listed = serializers.BooleanField(help_text="shown in the lobby's list")
    version = serializers.IntegerField(help_text="the room's version this summary is of")
    seats = serializers.ListField(child=serializers.DictField())
    created_at = serializers.DateTimeField()


def _granted(request: Request, written: services.Written) -> Response:
    """The seat's token goes to the caller and into its session (for the browser UI)."""
    request.session[session_key(written.room_id)] = written.token
    body = {"room_id": written.room_id, "seat": written.seat, "token": written.token}
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Health check",
    responses=inline_serializer("Health", {"status": serializers.CharField()}),
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request: Request) -> Response:
    """Answer {"status": "ok"} while the process serves HTTP."""
    return Response({"status": "ok"})


@extend_schema(
    summary="Readiness: the database and the channel layer answer",
    responses={
        200: inline_serializer("Ready", {"status": serializers.CharField()}),
        503: OpenApiTypes.OBJECT,
    },
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def ready(request: Request) -> Response:
    """200 ``{"status": "ready", "checks": {...}}`` when this process can serve games, else 503
    with ``error.code`` ``not_ready`` and a message naming each part that failed."""
    checks = readiness()
    fine = ("ok", "not configured")
    failed = {part: state for part, state in checks.items() if state not in fine}
    if not failed:
        return Response({"status": "ready", "checks": checks})
    message = "; ".join(f"{NAMES[part]}: {state}" for part, state in failed.items())
    body = {"error": {"code": "not_ready", "message": message}, "checks": checks}
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)


@extend_schema(
    methods=["GET"], summary="Open and running rooms", responses=RoomSummarySerializer(many=True)
)
@extend_schema(
    methods=["POST"],
    summary="Create a room; the creator is host in seat 0",
    request=CreateRoomSerializer,
    responses={201: SeatGrantedSerializer},
)
@api_view(["GET", "POST"])
@authentication_classes([])
@permission_classes([SameSiteWrites])
def rooms(request: Request) -> Response:
    if request.method == "GET":
        return Response(lobby_list())
    body = CreateRoomSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    seed = body.validated_data.get("seed")
    if seed is not None and not settings.LIAPTUI_ALLOW_SEED:
        raise RoomError("seed_not_allowed")
    data = body.validated_data
    written = services.room_create_sync(
        data["player_name"],
        data["bots"],
        seed,
        bot_strategy=data["bot_strategy"],
        language=translation.get_language(),
    )
    return _granted(request, written)


@extend_schema(summary="One room", responses=RoomSummarySerializer)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def room(request: Request, room_id: str) -> Response:
    return Response(room_detail(room_id))


@extend_schema(
    summary="Take the first empty seat of a waiting room",
    request=JoinRoomSerializer,
    responses={201: SeatGrantedSerializer},
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([SameSiteWrites])
def join(request: Request, room_id: str) -> Response:
    body = JoinRoomSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    written = services.room_join_sync(room_id.upper(), body.validated_data["player_name"])
    return _granted(request, written)
