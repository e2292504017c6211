"""The channel layer of several processes, against the real Redis of the service-backed run:
each ``RedisPublishLayer`` here stands for one server process."""

from __future__ import annotations

import asyncio
import os
import secrets
from urllib.parse import urlparse, urlunparse

import pytest
from channels.exceptions import ChannelFull

from rooms import redis_layer
from rooms.redis_layer import GAP_MESSAGE, RedisPublishLayer
from rooms.resp import RedisAddress, command, open_connection
from tests.liveserver import free_port

pytestmark = pytest.mark.services

NAMES = ("room.K7M2QX", "lobby", "room.OTHER1", "room.FULL01", "room.LEAVE1", "room.GAP001")
NAMES += ("room.NOPE01", "room.BAD001", "room.SLOW01")
#: How long a test waits for a message that should come, and for one that should not.
COMES = 3.0
QUIET = 0.3


def unique(group: str) -> str:
    """A group name no server on this Redis uses (a benchmark's servers may share it)."""
    return f"{group}-{secrets.token_hex(4)}"


#: This run's group names.
G = {name: unique(name) for name in NAMES}


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("the channel layer's tests need REDIS_URL (the service-backed run)")
    return url


@pytest.fixture
async def layers(redis_url):
    made: list[RedisPublishLayer] = []

    def make(url: str = redis_url) -> RedisPublishLayer:
        made.append(RedisPublishLayer(url))
        return made[-1]

    yield make
    for layer in made:
        await layer.close()


async def redis(url: str, *parts: str) -> object:
    """One command's reply, on a connection of the test's own."""
    connection = await open_connection(RedisAddress.parse(url), "liaptui-test")
    try:
        return await connection.call(command(*parts))
    finally:
        connection.close()


async def subscribers(url: str, layer: RedisPublishLayer, group: str) -> int:
    name = f"liaptui:{RedisAddress.parse(url).db}:group:{group}"
    reply = await redis(url, "PUBSUB", "NUMSUB", name)
    return reply[1]


async def received(layer: RedisPublishLayer, channel: str) -> dict:
    return await asyncio.wait_for(layer.receive(channel), COMES)


async def nothing_more(layer: RedisPublishLayer, channel: str) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(channel), QUIET)


async def test_a_group_send_reaches_every_member_of_every_process_once(layers, redis_url):
    one, two, idle = layers(), layers(), layers()
    first, second = await one.new_channel(), await two.new_channel()
    also_first = await one.new_channel()
    for layer, channel in ((one, first), (one, also_first), (two, second)):
        await layer.group_add(G["room.K7M2QX"], channel)
    await idle.group_add(G["room.OTHER1"], await idle.new_channel())
    assert await subscribers(redis_url, one, G["room.K7M2QX"]) == 2  # one per process, not member

    message = {"type": "room.update", "version": 3, "events": [{"seq": 3, "payload": {"a": [1]}}]}
    await two.group_send(G["room.K7M2QX"], message)
    for layer, channel in ((one, first), (one, also_first), (two, second)):
        assert await received(layer, channel) == message
    for layer, channel in ((one, first), (one, also_first), (two, second)):
        await nothing_more(layer, channel)  # the sender did not hear its own publish again
    assert list(idle.channels) == []  # a process without members hears nothing


async def test_each_member_gets_a_copy_of_its_own(layers):
    one = layers()
    first, second = await one.new_channel(), await one.new_channel()
    await one.group_add(G["lobby"], first)
    await one.group_add(G["lobby"], second)
    message = {"type": "lobby.room", "room": {"seats": []}}
    await one.group_send(G["lobby"], message)
    a, b = await received(one, first), await received(one, second)
    a["room"]["seats"].append(1)
    assert b == message == {"type": "lobby.room", "room": {"seats": []}}


async def test_a_send_reaches_a_channel_of_another_process_or_of_its_own(layers):
    one, two = layers(), layers()
    theirs, mine = await two.new_channel(), await one.new_channel()
    await two.round_trip()  # subscribed to its process's Redis channel
    await one.send(theirs, {"type": "room.update", "version": 9})
    await one.send(mine, {"type": "ready.ping"})
    assert await received(two, theirs) == {"type": "room.update", "version": 9}
    assert await received(one, mine) == {"type": "ready.ping"}


async def test_a_full_queue_drops_a_group_message_and_refuses_a_send(redis_url):
    layer = RedisPublishLayer(redis_url, capacity=2)
    try:
        channel = await layer.new_channel()
        await layer.group_add(G["room.FULL01"], channel)
        for number in range(3):
            await layer.group_send(G["room.FULL01"], {"type": "n", "n": number})
        with pytest.raises(ChannelFull):
            await layer.send(channel, {"type": "n", "n": 3})
        assert [(await received(layer, channel))["n"] for _ in range(2)] == [0, 1]
        await nothing_more(layer, channel)
    finally:
        await layer.close()


async def test_the_last_member_leaving_unsubscribes_the_process_and_a_new_one_resubscribes(
    layers, redis_url
):
    one, two = layers(), layers()
    channel = await one.new_channel()
    await one.group_add(G["room.LEAVE1"], channel)
    await one.group_discard(G["room.LEAVE1"], channel)
    assert await subscribers(redis_url, one, G["room.LEAVE1"]) == 1  # until the next sweep
    one._next_clean = 0.0
    one._clean_expired()
    for _ in range(int(COMES / 0.05)):  # the UNSUBSCRIBE is not waited for
        if await subscribers(redis_url, one, G["room.LEAVE1"]) == 0:
            break
        await asyncio.sleep(0.05)
    assert await subscribers(redis_url, one, G["room.LEAVE1"]) == 0

    again = await one.new_channel()
    await one.group_add(G["room.LEAVE1"], again)
    assert await subscribers(redis_url, one, G["room.LEAVE1"]) == 1
    await two.group_send(G["room.LEAVE1"], {"type": "back"})
    assert await received(one, again) == {"type": "back"}


async def test_a_lost_subscriber_connection_is_made_again_and_members_hear_of_the_gap(
    layers, redis_url
):
    one, two = layers(), layers()
    member, lobby = await one.new_channel(), await one.new_channel()
    await one.group_add(G["room.GAP001"], member)
    await one.group_add(G["lobby"], lobby)
    await kill_subscriber(redis_url, one)

    assert await received(one, member) == GAP_MESSAGE
    assert await received(one, lobby) == GAP_MESSAGE
    await two.group_send(G["room.GAP001"], {"type": "after"})
    assert await received(one, member) == {"type": "after"}


async def test_processes_on_different_redis_databases_do_not_hear_each_other(layers, redis_url):
    other_db = urlunparse(urlparse(redis_url)._replace(path="/15"))
    one, two = layers(), layers(other_db)
    channel = await one.new_channel()
    await one.group_add(G["lobby"], channel)
    await two.group_add(G["lobby"], await two.new_channel())
    await two.group_send(G["lobby"], {"type": "lobby.room"})
    await nothing_more(one, channel)


async def test_joining_a_group_without_redis_fails_and_leaves_no_member(layers):
    layer = layers(f"redis://127.0.0.1:{free_port()}/0")  # a port nothing listens on
    channel = await layer.new_channel()
    with pytest.raises(OSError):
        await layer.group_add(G["room.NOPE01"], channel)
    assert layer.groups == {}
    with pytest.raises(OSError):
        await layer.round_trip()


async def kill_subscriber(url: str, layer: RedisPublishLayer, then: tuple[str, ...] = ()) -> None:
    """Close the layer's subscribed connection from Redis's side (and run ``then`` right
    after, on the same connection)."""
    listing = (await redis(url, "CLIENT", "LIST")).decode()
    ids = [
        field.split("=")[1]
        for line in listing.splitlines()
        if f"name=liaptui-{layer.process}-subscribe" in line
        for field in line.split()
        if field.startswith("id=")
    ]
    assert len(ids) == 1, listing
    connection = await open_connection(RedisAddress.parse(url), "liaptui-test")
    try:
        connection.write(command("CLIENT", "KILL", "ID", ids[0]))
        if then:
            connection.write(command(*then))
        assert await connection.call(command("PING")) == "PONG"
    finally:
        connection.close()


async def test_a_message_that_cannot_be_read_is_dropped_and_the_next_one_delivered(
    layers, redis_url
):
    one, two = layers(), layers()
    channel = await one.new_channel()
    await one.group_add(G["room.BAD001"], channel)
    name = f"liaptui:{RedisAddress.parse(redis_url).db}:group:{G['room.BAD001']}"
    await redis(redis_url, "PUBLISH", name, b"f" * 12 + b"\xc1")  # never valid msgpack
    await two.group_send(G["room.BAD001"], {"type": "after"})
    assert await received(one, channel) == {"type": "after"}  # not a gap: the link held


async def test_subscribing_again_outlasts_a_redis_that_answers_late(layers, redis_url, monkeypatch):
    """Redis stalls (CLIENT PAUSE) while the layer subscribes again: attempts time out, and
    the first after the stall succeeds."""
    monkeypatch.setattr(redis_layer, "SUBSCRIBE_TIMEOUT", 0.3)
    one, two = layers(), layers()
    channel = await one.new_channel()
    await one.group_add(G["room.SLOW01"], channel)
    await kill_subscriber(redis_url, one, then=("CLIENT", "PAUSE", "1200", "ALL"))
    assert await asyncio.wait_for(one.receive(channel), 10) == GAP_MESSAGE
    await two.group_send(G["room.SLOW01"], {"type": "after"})
    assert await received(one, channel) == {"type": "after"}
