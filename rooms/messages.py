"""The words of every refusal, in the reader's language.

A rule error (``game.errors.RuleError``), a room error (``rooms.errors.RoomError``) and a frame
refused by the protocol (``rooms.protocol.ProtocolError``) carry a stable ``code`` and the
``params`` a message is made of, never a sentence. This module words them at the edge: the
consumer in the language of its socket (``scope_language``), the REST API in the request's
(``LocaleMiddleware``). The code never changes with the language; the message does
(docs/protocol.md, "Errors").

Every message is a format string with named placeholders, found by ``makemessages`` and
translated in ``rooms/locale``. ``reason`` in the params tells apart the messages of one code.
A param is shown as players read it: a seat counted from 1, an action, a phase or a type in
words, pieces as the characters on their tokens, a client's own value quoted and cut short.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from game.pieces import GLYPHS

log = logging.getLogger(__name__)

#: (code, reason) -> the message's format. ``ngettext_lazy(..., "n")`` picks its form by the
#: param ``n``.
MESSAGES: Mapping[tuple[str, str | None], Promise] = {
    # The rules (game.engine), by code.
    ("unknown_command", None): _("Unknown action '%(command)s'."),
    ("room_closed", None): _("This room is closed."),
    ("invalid_argument", "seat_range"): _("A seat is a number from 0 to 3."),
    ("invalid_argument", "required"): _("The field '%(field)s' is required."),
    ("invalid_argument", "type"): _("The field '%(field)s' must be %(expected)s."),
    ("invalid_argument", "game_length"): _("max_rounds and win_score must be positive."),
    ("invalid_argument", "strategy"): _("Bot strategies are %(choices)s."),
    ("invalid_argument", "language"): _("A room's language is one of %(choices)s."),
    ("invalid_argument", "own_seat"): _("To give up your own seat, leave the room."),
    ("invalid_argument", "pieces_list"): _("The field '%(field)s' must be a list of piece kinds."),
    ("invalid_argument", "unknown_pieces"): _("Unknown pieces: %(pieces)s."),
    ("not_seated", None): _("You need a seat in this room to do that."),
    ("wrong_phase", "phase"): _("You cannot %(action)s now: the game is in the %(phase)s phase."),
    ("wrong_phase", "room_exists"): _("This room exists already."),
    ("wrong_phase", "no_redeal"): _("No redeal decision is awaited."),
    ("wrong_phase", "nothing_to_advance"): _("Nothing to advance in the %(phase)s phase."),
    ("not_your_turn", None): _("It is %(player)s's turn to %(action)s."),
    ("not_host", None): _("Only the host may %(action)s."),
    ("room_full", None): _("All four seats are taken."),
    ("seat_taken", None): _("Seat %(seat)s is taken."),
    ("seat_empty", "already_empty"): _("Seat %(seat)s is already empty."),
    ("seat_empty", "nobody_to_leave"): _("Seat %(seat)s is empty: there is nobody to leave."),
    ("seat_empty", "no_human"): _("Seat %(seat)s has no human player."),
    ("name_taken", None): _("Someone in this room is already called '%(name)s'."),
    ("invalid_name", None): _("A name is 1 to %(max)s printable characters."),
    ("seats_not_filled", None): _("The game starts when all four seats are taken."),
    ("no_redeal_pending", None): _("No redeal decision is awaited from you."),
    ("illegal_declaration", "range"): _("A declaration is a number of piles from 0 to %(max)s."),
    ("illegal_declaration", "zero_streak"): ngettext_lazy(
        "You declared 0 in your previous round; you may not declare 0 again.",
        "You declared 0 in each of your %(n)s previous rounds; you may not declare 0 again.",
        "n",
    ),
    ("illegal_declaration", "last_total"): _(
        "The last seat may not bring the total of declarations to exactly %(total)s "
        "(the others declared %(others)s)."
    ),
    ("invalid_play", None): _(
        "The leader must play 1 to %(max)s pieces that form a valid play (a single, a pair, "
        "soldiers of one colour, a straight and so on)."
    ),
    ("wrong_piece_count", None): ngettext_lazy(
        "You must play exactly %(n)s piece, as the leader did.",
        "You must play exactly %(n)s pieces, as the leader did.",
        "n",
    ),
    ("pieces_not_in_hand", None): _("You do not hold: %(pieces)s."),
    # The room service (rooms.errors).
    ("room_not_found", None): _("There is no room '%(room)s'."),
    ("bad_token", None): _("This seat token is not valid for this room."),
    ("seed_not_allowed", None): _("Seeds are accepted only with LIAPTUI_ALLOW_SEED set."),
    ("invalid_argument", "bots_range"): _("bots is a number from 0 to %(max)s."),
    ("invalid_argument", "not_integer"): _("%(field)s must be an integer."),
    ("invalid_argument", "too_small"): _("%(field)s must be at least %(min)s."),
    ("invalid_argument", "event_type"): _("type must be one of: %(choices)s."),
    ("invalid_argument", "past_version"): _("upto is at most %(max)s, the room's version."),
    ("invalid_argument", "debug_seat"): _("seat must be one of 0, 1, 2, 3."),
    # The WebSocket protocol (rooms.protocol, rooms.consumers).
    ("bad_json", "binary"): _("Frames must be JSON text, not binary."),
    ("bad_json", "too_deep"): _(
        "The frame nests arrays and objects more than %(max)s levels deep."
    ),
    ("bad_json", None): _("The frame is not valid JSON."),
    ("bad_message", None): _('A message is a JSON object with a "type".'),
    ("wrong_type", "request_id"): _(
        "request_id must be a string of at most %(max)s characters or an integer."
    ),
    ("unknown_action", None): _("Unknown action '%(type)s'; known: %(choices)s."),
    ("unexpected_field", None): _("%(type)s has no field '%(field)s'."),
    ("wrong_type", "field"): _("%(type)s.%(field)s must be %(expected)s."),
    ("wrong_type", "max_items"): _("%(type)s.%(field)s has at most %(max)s items."),
    ("invalid_argument", "out_of_range"): _("%(type)s.%(field)s is out of range."),
    ("missing_field", None): _("%(type)s needs the field '%(field)s'."),
    ("wrong_type", "version"): _(
        "?version= must be a whole number of at most %(max)s digits; "
        "the view is sent without events."
    ),
    ("frame_too_big", None): _("Frames are at most %(max)s bytes; closing."),
    ("rate_limited", None): _("Too many messages; slow down."),
    ("read_only", None): _("The lobby only sends."),
    ("server_error", None): _("The server failed on this message."),
}

#: The actions a refusal names (``action``), as the end of "You cannot … now".
ACTIONS: Mapping[str, Promise] = {
    "join": pgettext_lazy("refused action", "join"),
    "add_bot": pgettext_lazy("refused action", "add a bot"),
    "remove_seat": pgettext_lazy("refused action", "free a seat"),
    "start_game": pgettext_lazy("refused action", "start the game"),
    "declare": pgettext_lazy("refused action", "declare"),
    "play": pgettext_lazy("refused action", "play"),
}

#: The phases of a game (``phase``), as in "the game is in the … phase".
PHASES: Mapping[str, Promise] = {
    "waiting": pgettext_lazy("phase", "waiting"),
    "preparation": pgettext_lazy("phase", "preparation"),
    "round_start": pgettext_lazy("phase", "round start"),
    "declaration": pgettext_lazy("phase", "declaration"),
    "turn": pgettext_lazy("phase", "turn"),
    "turn_results": pgettext_lazy("phase", "turn results"),
    "scoring": pgettext_lazy("phase", "scoring"),
    "game_over": pgettext_lazy("phase", "game over"),
}

#: The types a field must have (``expected``).
TYPES: Mapping[str, Promise] = {
    "int": _("a whole number"),
    "str": _("text"),
    "bool": _("true or false"),
    "list": _("a list"),
    "list[str]": _("a list of strings"),
}

#: Who is to act (``seat`` and ``name``), for "It is …'s turn".
PLAYER_NAMED = _("%(name)s (seat %(seat)s)")
PLAYER_SEAT = _("seat %(seat)s")
NOBODY = _("nobody")

#: Params that are a client's own values: shown as written (``client_value``).
QUOTED = frozenset(("command", "type", "field", "name", "room"))
#: A client's own value is cut at this many characters, in a message and in an error's params.
CLIENT_VALUE_MAX = 64


def error_message(code: str, params: Mapping[str, Any], language: str | None = None) -> str:
    """The message of a refusal (its ``code`` and ``params``) in ``language`` (a code of
    ``settings.LANGUAGES``), or in the active language when None."""
    if language is None:
        return _message(code, params)
    with translation.override(language):
        return _message(code, params)


def error_body(code: str, params: Mapping[str, Any], language: str | None = None) -> dict[str, Any]:
    """``{"code", "message", "params"}``: an error as the REST API and the sockets send it."""
    return {"code": code, "message": error_message(code, params, language), "params": dict(params)}


def _message(code: str, params: Mapping[str, Any]) -> str:
    template = MESSAGES.get((code, params.get("reason")))
    try:
        return str(template % _shown(params))
    except (TypeError, KeyError, ValueError):  # no template, or one its params do not fill
        log.error("no message for refusal %s %r", code, params)
        return code  # the code still says what happened (rooms/tests/test_messages.py)


def _shown(params: Mapping[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, value in params.items():
        if key in QUOTED:
            shown[key] = client_value(value)
        elif key == "seat":
            shown[key] = "" if value is None else value + 1
        elif key == "action":
            shown[key] = str(ACTIONS.get(value, value))
        elif key == "phase":
            shown[key] = str(PHASES.get(value, value))
        elif key == "expected":
            shown[key] = str(TYPES.get(value, value))
        elif key == "choices":
            shown[key] = ", ".join(str(choice) for choice in value)
        elif key == "pieces":
            shown[key] = _pieces(value)
        else:
            shown[key] = value
    for count in ("rounds", "required"):  # the number that picks a plural form
        if count in params:
            shown["n"] = params[count]
    if "seat" in params:
        shown["player"] = _player(params["seat"], params.get("name"))
    return shown


def _player(seat: int | None, name: str | None) -> str:
    if seat is None:
        return str(NOBODY)
    if name:
        return str(PLAYER_NAMED) % {"name": name, "seat": seat + 1}
    return str(PLAYER_SEAT) % {"seat": seat + 1}


def _pieces(kinds: list[Any]) -> str:
    """Pieces as their tokens show them (``炮×2, 將``); what is no piece kind, as written."""
    counted = Counter(client_value(kind) if kind not in GLYPHS else GLYPHS[kind] for kind in kinds)
    return ", ".join(f"{shown}×{n}" if n > 1 else shown for shown, n in counted.items())


def client_value(value: Any) -> str:
    """A client's own value as an error gives it back: text as written (unprintable characters
    escaped), any other JSON value as JSON, cut at ``CLIENT_VALUE_MAX`` characters."""
    text = value if isinstance(value, str) else json.dumps(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= CLIENT_VALUE_MAX else text[: CLIENT_VALUE_MAX - 1] + "…"


def scope_language(scope: Mapping[str, Any]) -> str:
    """The language of a socket, chosen as ``LocaleMiddleware`` chooses a request's: Django's
    language cookie, else the handshake's ``Accept-Language``, else ``LANGUAGE_CODE``."""
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    accept = next(
        (
            value.decode("latin-1")
            for name, value in scope.get("headers", ())
            if name == b"accept-language"
        ),
        "",
    )
    return translation.get_language_from_request(_Handshake(cookie, accept))


class _Handshake:
    """The two things ``get_language_from_request`` reads of a request."""

    def __init__(self, cookie: str | None, accept_language: str) -> None:
        self.COOKIES = {settings.LANGUAGE_COOKIE_NAME: cookie} if cookie else {}
        self.META = {"HTTP_ACCEPT_LANGUAGE": accept_language}
