"""What the REST API accepts as a request body: JSON only, small, shallow, strictly typed.

Bodies are parsed by ``JSONBodyParser`` alone, so a form or multipart body (what a page of
another site can send without asking) is ``415 unsupported_media_type``; a body nested deeper than
``json_input.MAX_DEPTH`` is ``400 parse_error``; one over ``MAX_BODY_BYTES`` is ``413``.
"""

from __future__ import annotations

import codecs
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser

from . import json_input

MAX_BODY_BYTES = 16 * 1024


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "payload_too_large"

    def __init__(self) -> None:
        super().__init__(_("Request bodies are at most %(max)s bytes.") % {"max": MAX_BODY_BYTES})


class JSONBodyParser(JSONParser):
    """DRF's JSON parser with a size and a depth limit (``json.load`` would raise a
    ``RecursionError``, a 500, on a deeply nested body)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        # JSON is UTF-8 (RFC 8259). Any other charset is refused before a byte is read: Django
        # would take any codec name, bz2 and zlib included, which would expand a small body
        # past every limit.
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        if _codec_name(encoding) != "utf-8":
            raise UnsupportedMediaType(
                media_type, detail=_("JSON bodies are UTF-8: charset=utf-8 or none.")
            )
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            return json_input.loads(raw.decode("utf-8"))
        except json_input.TooDeep as error:
            raise ParseError(f"JSON parse error - {error}.") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"JSON parse error - {error}") from None


def _codec_name(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError, ValueError):
        return None


class StrictIntegerField(serializers.IntegerField):
    """An integer as JSON writes one: ``"3"``, ``3.0`` and ``true`` are not integers."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
