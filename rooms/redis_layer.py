"""The channel layer of several processes: Redis publish/subscribe, fanned out in memory
(docs/architecture.md, "The channel layer of several processes").

channels-redis keeps a Redis list per channel: each group send cost four round trips (the
group's members, then a script that pushes onto each member's list), and every message was
popped again by its process, one more round trip per socket and message. Here a process keeps
its own sockets' channels and groups in memory, as the one-process layer does
(``SingleProcessChannelLayer``), and Redis only carries what crosses processes:

- a group send delivers to this process's members at once and ``PUBLISH``es the message once
  on the group's Redis channel; every process with members in the group is subscribed to that
  channel and delivers it to its own members (a process drops what it published itself);
- a send to one channel of another process is published on that process's own Redis channel.

Each process (each event loop of it: a server has one) holds two connections: one publishes,
never waiting for Redis's answers (a command's reply is matched in order and an error is
logged), and one is subscribed to this process's channel and to the channel of every group
that has a member here. Joining a group waits until Redis has confirmed the subscription, so
a socket that then reads the room hears every write after; a group left by its last member
is unsubscribed at the next expiry sweep, a second later at most.

Redis's publish/subscribe delivers at most once. A message published while a subscriber's
connection is down is lost: the connection is made again (with back-off), subscribed again,
and every member of every group here is sent ``{"type": "layer.gap"}``, so that a consumer
reads what it may have missed (``RoomConsumer.layer_gap``, ``LobbyConsumer.layer_gap``). A
broadcast lost any other way (its process died before sending it) is made good by the
sweepers' catch-up (``rooms.catchup``).

Messages go through Redis as msgpack (what channels-redis used too). Redis's pub/sub channels
are not scoped to a database number, so the Redis channels' names carry the URL's database
number: servers that use different databases of one Redis do not hear each other.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from typing import Any

import msgpack

from .layers import SingleProcessChannelLayer
from .resp import RedisAddress, RedisConnection, command, open_connection

log = logging.getLogger(__name__)

#: How long joining a group may wait for Redis to confirm the subscription.
SUBSCRIBE_TIMEOUT = 5.0
#: Waits between attempts to make a lost subscriber connection again.
BACKOFF = (0.05, 0.2, 0.5, 1.0, 2.0)
#: After a failed attempt to connect, callers fail at once for this long instead of each
#: waiting for an attempt of its own (the reconnecting subscriber keeps its back-off).
RETRY_AFTER = 1.0
#: The message every member of every group is sent after the subscriber connection was lost.
GAP_MESSAGE = {"type": "layer.gap"}
#: The length of a process's name, which starts every payload it publishes.
PROCESS_NAME_LENGTH = 12


def _pack(message: Any) -> bytes:
    return msgpack.packb(message, use_bin_type=True)


def _unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False)


class RedisPublishLayer(SingleProcessChannelLayer):
    """A channel layer shared by processes through Redis (see the module's docstring)."""

    def __init__(self, url: str, prefix: str = "liaptui", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.address = RedisAddress.parse(url)
        #: This process's name among the others: the end of each of its channels' names
        #: before the ``!``, and (``own``, its bytes) the start of each payload it publishes.
        self.process = secrets.token_hex(PROCESS_NAME_LENGTH // 2)
        self.own = self.process.encode()
        base = f"{prefix}:{self.address.db}:"
        self._group_prefix = base + "group:"
        self._process_prefix = base + "process:"
        self.process_channel = self._process_prefix + self.process
        self._links: dict[asyncio.AbstractEventLoop, _Link] = {}

    # ------------------------------------------------------------------ channels' layer API

    async def new_channel(self, prefix: str = "specific.") -> str:
        return f"{prefix}{self.process}!{secrets.token_hex(6)}"

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        owner = channel.partition("!")[0][-PROCESS_NAME_LENGTH:]
        if owner == self.process:
            await super().send(channel, message)
        else:
            await self._link().publish(self._process_prefix + owner, _pack([channel, message]))

    async def group_add(self, group: str, channel: str) -> None:
        await super().group_add(group, channel)
        try:
            await self._link().join(self._group_prefix + group)
        except BaseException:
            await self.group_discard(group, channel)  # the sweep unsubscribes it
            raise

    async def _send_to_group(self, group: str, message: dict[str, Any]) -> None:
        body = _pack(message)
        self._fan_out(group, lambda: _unpack(body))
        try:
            await self._link().publish(self._group_prefix + group, body)
        except (OSError, TimeoutError) as error:  # ConnectionError is an OSError
            # This process's members have it; the other processes' sockets are caught up
            # from the database (``rooms.catchup``), and the sender goes on with its sends.
            log.warning("publishing to group %s failed: %s", group, error)

    async def flush(self) -> None:
        await super().flush()
        running = asyncio.get_running_loop()
        for link in self._links.values():
            if link.loop is running:
                link.close()
            elif not link.loop.is_closed():
                link.loop.call_soon_threadsafe(link.close)
        self._links.clear()

    async def close(self) -> None:
        await self.flush()

    # ------------------------------------------------------------------ Redis

    async def round_trip(self) -> None:
        """A message through Redis and back: published on this process's Redis channel and
        heard by its subscriber (the readiness check)."""
        await self._link().ping()

    def _link(self) -> _Link:
        loop = asyncio.get_running_loop()
        link = self._links.get(loop)
        if link is None:
            for other in [other for other in self._links if other.is_closed()]:
                del self._links[other]
            link = self._links[loop] = _Link(self, loop)
        return link

    def _expire(self) -> None:
        super()._expire()  # also drops the groups left without members
        link = self._links.get(asyncio.get_running_loop())
        if link is None:
            return
        start = len(self._group_prefix)
        empty = [name for name in link.subscribed if name[start:] not in self.groups]
        if empty:
            link.leave(empty)

    def arrived(self, link: _Link, redis_channel: bytes, payload: bytes) -> None:
        """A message published on a Redis channel this link is subscribed to."""
        name, sender, body = (
            redis_channel.decode(),
            payload[:PROCESS_NAME_LENGTH],
            payload[PROCESS_NAME_LENGTH:],
        )
        if name.startswith(self._group_prefix):
            if sender != self.own:  # this process delivered its own at once
                self._fan_out(name[len(self._group_prefix) :], lambda: _unpack(body))
            return
        channel, message = _unpack(body)
        if channel is None:
            link.pong(message)
        elif not self._deliver(channel, message):
            log.warning("a message to %s was dropped: its queue is full", channel)

    def resubscribed(self, redis_channels: set[str]) -> None:
        """The subscriber connection was made again: members of these groups may have
        missed messages."""
        for name in redis_channels:
            self._fan_out(name[len(self._group_prefix) :], lambda: dict(GAP_MESSAGE))


class _Link:
    """The layer's two connections to Redis on one event loop (see the module's docstring)."""

    def __init__(self, layer: RedisPublishLayer, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.loop = loop
        #: The Redis channels of the groups this link is subscribed to (or subscribing).
        self.subscribed: set[str] = set()
        self._publisher: RedisConnection | None = None
        self._subscriber: RedisConnection | None = None
        self._publisher_lock = asyncio.Lock()
        self._subscriber_lock = asyncio.Lock()
        #: Per Redis channel, a future for each SUBSCRIBE sent and not yet confirmed.
        self._confirmations: dict[str, deque[asyncio.Future[None]]] = {}
        self._pings: dict[str, asyncio.Future[None]] = {}
        self._reviving: asyncio.Task[None] | None = None
        self._retry_at = 0.0
        self._closed = False

    async def publisher(self) -> RedisConnection:
        connection = self._publisher
        if connection is None or connection.lost:
            async with self._publisher_lock:
                if self._publisher is None or self._publisher.lost:
                    self._publisher = await self._connect("publish")
            connection = self._publisher
        return connection

    async def subscriber(self, retrying: bool = False) -> RedisConnection:
        connection = self._subscriber
        if connection is None or connection.lost:
            async with self._subscriber_lock:
                if self._subscriber is None or self._subscriber.lost:
                    await self._subscribe_again(retrying)
            connection = self._subscriber
        assert connection is not None
        return connection

    async def _connect(
        self, role: str, retrying: bool = False, **callbacks: Any
    ) -> RedisConnection:
        if self._closed:
            raise ConnectionError("the channel layer's connections to Redis are closed")
        if not retrying and self.loop.time() < self._retry_at:
            raise ConnectionError("Redis could not be reached a moment ago")
        name = f"liaptui-{self.layer.process}-{role}"
        try:
            return await open_connection(self.layer.address, name, **callbacks)
        except Exception:
            self._retry_at = self.loop.time() + RETRY_AFTER
            raise

    async def _subscribe_again(self, retrying: bool) -> None:
        """Connect the subscriber and subscribe it to this process's channel and to every
        group's; members are told of the gap when it replaces a lost connection."""
        replacing = self._subscriber is not None
        connection = await self._connect(
            "subscribe", retrying, on_push=self._push, on_lost=self._lost
        )
        # Confirmations still awaited were for an earlier connection: they will never come.
        self._fail_waiters(ConnectionError("the subscriber connection to Redis was replaced"))
        groups = set(self.subscribed)
        try:
            await self._subscribe(connection, [self.layer.process_channel, *groups])
        except BaseException:
            connection.close()
            self._fail_waiters(ConnectionError("subscribing again to Redis failed"))
            raise
        self._subscriber = connection
        left = groups - self.subscribed  # left while this connection was being made
        if left:
            connection.write(command("UNSUBSCRIBE", *left), replies=0)
        if replacing and groups - left:
            self.layer.resubscribed(groups - left)

    async def _subscribe(self, connection: RedisConnection, names: list[str]) -> None:
        waiters = []
        for name in names:
            waiter = self.loop.create_future()
            self._confirmations.setdefault(name, deque()).append(waiter)
            waiters.append(waiter)
        connection.write(command("SUBSCRIBE", *names), replies=0)
        async with asyncio.timeout(SUBSCRIBE_TIMEOUT):
            await asyncio.shield(asyncio.gather(*waiters))

    async def join(self, name: str) -> None:
        """Be subscribed to this Redis channel: returns once Redis has confirmed it."""
        connection = await self.subscriber()
        if name in self.subscribed:
            pending = self._confirmations.get(name)
            if pending:
                async with asyncio.timeout(SUBSCRIBE_TIMEOUT):
                    await asyncio.shield(pending[-1])
            return
        self.subscribed.add(name)
        await self._subscribe(connection, [name])

    async def publish(self, name: str, body: bytes) -> None:
        """Publish a payload on a Redis channel (without waiting for Redis's answer)."""
        publisher = await self.publisher()
        publisher.write(command("PUBLISH", name, self.layer.own + body))

    def leave(self, names: list[str]) -> None:
        """Unsubscribe from these Redis channels (without waiting)."""
        self.subscribed.difference_update(names)
        connection = self._subscriber
        if connection is not None and not connection.lost:
            connection.write(command("UNSUBSCRIBE", *names), replies=0)

    async def ping(self) -> None:
        """Publish a token on this process's channel and wait for the subscriber to hear it."""
        await self.subscriber()
        token = secrets.token_hex(8)
        heard = self._pings[token] = self.loop.create_future()
        try:
            await self.publish(self.layer.process_channel, _pack([None, token]))
            await heard
        finally:
            self._pings.pop(token, None)

    def pong(self, token: Any) -> None:
        heard = self._pings.get(token)
        if heard is not None and not heard.done():
            heard.set_result(None)

    def _push(self, reply: list[Any]) -> None:
        kind = reply[0]
        if kind == b"message":
            try:
                self.layer.arrived(self, reply[1], reply[2])
            except Exception:  # a payload this version cannot read: drop it, keep the others
                log.exception("a message on Redis channel %r could not be delivered", reply[1])
        elif kind == b"subscribe":
            name = reply[1].decode()
            pending = self._confirmations.get(name)
            if pending:
                waiter = pending.popleft()
                if not pending:
                    del self._confirmations[name]
                if not waiter.done():
                    waiter.set_result(None)

    def _fail_waiters(self, error: Exception) -> None:
        """Fail whoever waits for a confirmation or a ping of the subscriber connection."""
        waiters = [waiter for pending in self._confirmations.values() for waiter in pending]
        for waiter in [*waiters, *self._pings.values()]:
            if not waiter.done():
                waiter.set_exception(error)
        self._confirmations.clear()

    def _lost(self, connection: RedisConnection) -> None:
        """The subscriber connection was lost: fail whoever waits on it, and make it again."""
        self._fail_waiters(ConnectionError("the subscriber connection to Redis was lost"))
        log.warning("the subscriber connection to Redis was lost: connecting again")
        if not self._closed and not self.loop.is_closed() and self._reviving is None:
            self._reviving = self.loop.create_task(self._revive())

    async def _revive(self) -> None:
        attempt = 0
        try:
            while not self._closed:
                try:
                    await self.subscriber(retrying=True)
                    log.warning("subscribed to Redis again")
                    return
                except Exception as error:  # unreachable, slow, or refusing (AUTH): again
                    delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
                    log.warning("connecting to Redis failed (%s): again in %s s", error, delay)
                    attempt += 1
                    await asyncio.sleep(delay)
        finally:
            self._reviving = None

    def close(self) -> None:
        self._closed = True
        if self.loop.is_closed():  # its connections go with their transports
            return
        self._fail_waiters(ConnectionError("the channel layer's connections to Redis are closed"))
        for connection in (self._publisher, self._subscriber):
            if connection is not None:
                connection.close()
        if self._reviving is not None:
            self._reviving.cancel()


__all__ = ["GAP_MESSAGE", "RedisPublishLayer"]
