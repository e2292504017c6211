"""Sockets that missed a broadcast catch up (``rooms.catchup``): a write committed by a writer
that never broadcast it (its process died in between) reaches the room's sockets at the
sweeper's second look."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from rooms import services
from rooms.catchup import Behind, SocketVersions, socket_versions
from rooms.metrics import server_metrics
from rooms.sweeper import sweep_once
from rooms.tests.wsclient import create_room, join_room, received


def test_a_socket_behind_a_version_committed_at_the_previous_look_is_behind():
    versions = SocketVersions()
    versions.sent("ROOM01", "a", 5)
    versions.sent("ROOM01", "b", 7)
    versions.sent("ROOM02", "c", 3)
    # First look: nothing is known to be late yet (a broadcast may be on its way).
    assert versions.behind([("ROOM01", 7), ("ROOM02", 3)]) == []
    versions.sent("ROOM01", "b", 8)
    # Second look: "a" is still behind 7, committed at the first look; "b" is behind 9, but 9
    # was committed since (its broadcast may be on its way); "c" is up to date.
    assert versions.behind([("ROOM01", 9), ("ROOM02", 3)]) == [Behind("a", "ROOM01", 9)]
    # Third look: "b" still at 8 < 9: now it is late too, as is "a".
    assert sorted(versions.behind([("ROOM01", 9), ("ROOM02", 3)])) == [
        Behind("a", "ROOM01", 9),
        Behind("b", "ROOM01", 9),
    ]


def test_a_closed_socket_and_a_deleted_room_are_forgotten():
    versions = SocketVersions()
    versions.sent("ROOM01", "a", 1)
    versions.sent("ROOM02", "b", 1)
    versions.behind([("ROOM01", 2), ("ROOM02", 2)])
    versions.gone("ROOM01", "a")
    versions.gone("ROOM01", "a")  # twice: nothing to forget
    assert versions.rooms() == ["ROOM02"]
    # ROOM02's row is gone from the database: no socket of it is behind a version.
    assert versions.behind([]) == []
    assert versions.behind([("ROOM02", 5)]) == []


def _count(name: str, **labels: str) -> float:
    return server_metrics.registry.get_sample_value(name, labels) or 0.0


def test_a_look_is_due_once_per_interval():
    look = SocketVersions().look
    assert look.due(100.0, 2.0)
    assert not look.due(101.0, 2.0)
    assert look.due(102.0, 2.0)
    look.reset()
    assert look.due(102.5, 2.0)


@pytest.mark.django_db(transaction=True)
async def test_a_write_nobody_broadcast_reaches_the_sockets_at_the_second_look(ws, settings):
    settings.LIAPTUI_CATCH_UP_INTERVAL = 0.01
    created = await create_room("Ann", 0)
    ann = await ws.seat(created)
    spectator = await ws.spectator(created.room_id)

    def join_unbroadcast() -> int:
        # As a process that commits and dies before it broadcasts: the write is collected for
        # a publish that never comes.
        with services.broadcaster.collecting():
            return services.room_join_sync(created.room_id, "Bob").version

    version = await database_sync_to_async(join_unbroadcast)()
    assert await ann.nothing(0.2) and await spectator.nothing(0.05)
    caught, from_log = (
        _count("liaptui_catch_ups_total"),
        _count("liaptui_updates_total", built="log"),
    )

    socket_versions.look.reset()
    await sweep_once()  # the first look sees the room at the new version
    assert await ann.nothing(0.05)
    socket_versions.look.reset()
    await sweep_once()  # the second: the sockets are still behind it

    for client in (ann, spectator):
        view = await client.until(lambda v: v["seats"][1]["name"] == "Bob")
        assert client.version == version
        assert [e["payload"]["seat"] for e in received(client, "seat_taken")] == [1]
    assert view["seats"][1]["name"] == "Bob"
    # Both were sent what they missed, read from the log; the metrics say so.
    assert _count("liaptui_catch_ups_total") == caught + 2
    assert _count("liaptui_updates_total", built="log") == from_log + 2
    # Up to date: the next looks send nothing more.
    socket_versions.look.reset()
    await sweep_once()
    assert await ann.nothing(0.1)
    # And the room goes on as before.
    await join_room(created.room_id, "Cat")
    await ann.until(lambda v: v["seats"][2]["name"] == "Cat")


@pytest.mark.django_db(transaction=True)
async def test_a_socket_that_missed_a_broadcast_gets_it_with_the_next_from_the_cache(
    ws, monkeypatch
):
    """Bob's join is committed, its broadcast lost; Cat's join is broadcast: Ann's socket gets
    both joins' events in one update, from the process's cache, without reading the log."""
    from rooms.consumers import RoomConsumer

    created = await create_room("Ann", 0)
    ann = await ws.seat(created)
    reads = []
    load = RoomConsumer._load
    monkeypatch.setattr(
        RoomConsumer, "_load", lambda self, since: reads.append(since) or load(self, since)
    )

    def join_unbroadcast() -> None:
        with services.broadcaster.collecting():
            services.room_join_sync(created.room_id, "Bob")

    await database_sync_to_async(join_unbroadcast)()
    before = ann.version
    from_memory = _count("liaptui_updates_total", built="memory")
    cat = await join_room(created.room_id, "Cat")
    await services.publish(cat)
    view = await ann.until(lambda v: v["seats"][2]["name"] == "Cat")
    assert view["seats"][1]["name"] == "Bob"
    update = ann.messages[-1]
    assert [e["seq"] for e in update["events"]] == list(range(before + 1, cat.version + 1))
    assert reads == []
    assert _count("liaptui_updates_total", built="memory") == from_memory + 1
