"""Just enough of Redis's wire protocol (RESP2) for the channel layer (``rooms.redis_layer``):
commands out, and replies and pub/sub messages in, parsed as their bytes arrive.

One ``RedisConnection`` is an ``asyncio.Protocol``: a reply is handed over in the callback that
reads it, with no task and no future per message. Replies come in the order of the commands,
so each command written says whether its caller waits for its reply; a pub/sub message
(``message``, ``subscribe``, ``unsubscribe``) is no command's reply and goes to ``on_push``.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

log = logging.getLogger(__name__)

#: How long connecting (and authenticating) may take.
CONNECT_TIMEOUT = 3.0
#: The replies that are pub/sub messages, not a command's answer.
PUSHES = frozenset({b"message", b"subscribe", b"unsubscribe"})


class RedisReplyError(Exception):
    """Redis answered a command with an error (``-ERR …``)."""


class _Incomplete(Exception):
    """The buffer ends inside a reply: wait for more bytes."""


def command(*parts: str | bytes) -> bytes:
    """A command as Redis reads it: an array of bulk strings."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class ReplyParser:
    """Replies out of a stream of bytes fed as they arrive: a simple string as ``str``, an
    error as a ``RedisReplyError`` (returned, not raised), an integer as ``int``, a bulk
    string as ``bytes``, an array as a ``list`` (a null one of either as None)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        """The replies that ``data`` completes, in order."""
        self._buffer += data
        replies, start = [], 0
        while start < len(self._buffer):
            try:
                reply, start_next = self._parse(start)
            except _Incomplete:
                break
            replies.append(reply)
            start = start_next
        del self._buffer[:start]
        return replies

    def _parse(self, start: int) -> tuple[Any, int]:
        buffer = self._buffer
        end = buffer.find(b"\r\n", start)
        if end < 0:
            raise _Incomplete
        kind, line, after = buffer[start], bytes(buffer[start + 1 : end]), end + 2
        if kind == 0x2B:  # + simple string
            return line.decode(), after
        if kind == 0x2D:  # - error
            return RedisReplyError(line.decode(errors="replace")), after
        if kind == 0x3A:  # : integer
            return int(line), after
        if kind == 0x24:  # $ bulk string
            size = int(line)
            if size < 0:
                return None, after
            if len(buffer) < after + size + 2:
                raise _Incomplete
            return bytes(buffer[after : after + size]), after + size + 2
        if kind == 0x2A:  # * array
            count = int(line)
            if count < 0:
                return None, after
            items = []
            for _ in range(count):
                item, after = self._parse(after)
                items.append(item)
            return items, after
        raise ConnectionError(f"Redis sent what is not RESP: {bytes(buffer[start:end])!r}")


@dataclass(frozen=True)
class RedisAddress:
    """Where Redis listens, from a ``redis://`` or ``rediss://`` URL."""

    host: str = "127.0.0.1"
    port: int = 6379
    db: int = 0
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def parse(cls, url: str) -> RedisAddress:
        parts = urlparse(url)
        if parts.scheme not in ("redis", "rediss"):
            raise ValueError(f"not a redis:// or rediss:// URL: {url!r}")
        path = parts.path.strip("/")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 6379,
            db=int(path) if path else 0,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=parts.scheme == "rediss",
        )


class RedisConnection(asyncio.Protocol):
    """One connection to Redis (see the module's docstring)."""

    def __init__(
        self,
        on_push: Callable[[list[Any]], None] | None = None,
        on_lost: Callable[[RedisConnection], None] | None = None,
    ) -> None:
        self.transport: asyncio.Transport | None = None
        self.lost = False
        self._parser = ReplyParser()
        #: One entry per reply to come: the future of a caller that waits for it, else None.
        self._waiting: deque[asyncio.Future[Any] | None] = deque()
        self._on_push = on_push
        self._on_lost = on_lost

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        for reply in self._parser.feed(data):
            if self._on_push is not None and isinstance(reply, list) and reply[0] in PUSHES:
                self._on_push(reply)
                continue
            waiter = self._waiting.popleft() if self._waiting else None
            if waiter is None:
                if isinstance(reply, RedisReplyError):
                    log.error("Redis refused a command: %s", reply)
            elif not waiter.done():
                if isinstance(reply, RedisReplyError):
                    waiter.set_exception(reply)
                else:
                    waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        error = ConnectionError(f"the connection to Redis was lost ({exc or 'closed'})")
        for waiter in self._waiting:
            if waiter is not None and not waiter.done():
                waiter.set_exception(error)
        self._waiting.clear()
        if self._on_lost is not None:
            self._on_lost(self)

    def write(self, data: bytes, replies: int = 1) -> None:
        """Send commands whose ``replies`` replies nobody waits for (an error reply is
        logged). Raises ``ConnectionError`` when the connection is gone."""
        if self.lost or self.transport is None or self.transport.is_closing():
            raise ConnectionError("the connection to Redis is closed")
        self.transport.write(data)
        self._waiting.extend([None] * replies)

    async def call(self, data: bytes) -> Any:
        """Send one command and wait for its reply (an error reply raises it)."""
        if self.lost or self.transport is None or self.transport.is_closing():
            raise ConnectionError("the connection to Redis is closed")
        waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        self._waiting.append(waiter)
        return await waiter

    def close(self) -> None:
        """Close it on purpose: ``on_lost`` is not called."""
        self._on_lost = None
        if self.transport is not None:
            self.transport.close()


async def open_connection(
    address: RedisAddress,
    name: str,
    on_push: Callable[[list[Any]], None] | None = None,
    on_lost: Callable[[RedisConnection], None] | None = None,
) -> RedisConnection:
    """A new connection to Redis, authenticated when the address has a password, and named
    ``name`` (``CLIENT LIST`` shows it) if Redis lets it."""
    loop = asyncio.get_running_loop()
    context = ssl.create_default_context() if address.tls else None
    async with asyncio.timeout(CONNECT_TIMEOUT):
        _, connection = await loop.create_connection(
            lambda: RedisConnection(on_push, on_lost), address.host, address.port, ssl=context
        )
        try:
            if address.password is not None:
                who = [address.username] if address.username else []
                await connection.call(command("AUTH", *who, address.password))
            # Only a help for whoever reads CLIENT LIST: a Redis that refuses it (an ACL
            # without +client) gets its error logged, and the connection is used all the same.
            connection.write(command("CLIENT", "SETNAME", name))
        except BaseException:
            connection.close()
            raise
    return connection


__all__ = [
    "RedisAddress",
    "RedisConnection",
    "RedisReplyError",
    "ReplyParser",
    "command",
    "open_connection",
]
