"""The room service's database threads: a room always uses the same one, and each keeps its
connection between calls, replacing it after a database error."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections
from django.db.utils import DatabaseError

from rooms.db import DatabaseThreads, GroupCommitThread, db_async
from rooms.models import Room


def _thread_and_connection() -> tuple[int, object]:
    """Run a query; say which thread ran it, on which driver connection."""
    Room.objects.count()
    return threading.get_ident(), connections["default"].connection


@pytest.mark.django_db(transaction=True)
async def test_a_room_always_uses_the_same_thread_and_keeps_its_connection():
    first = await db_async(_thread_and_connection, "ROOM42")()
    second = await db_async(_thread_and_connection, "ROOM42")()
    assert first[0] == second[0] != threading.get_ident()
    assert first[1] is second[1]


@pytest.mark.django_db(transaction=True)
async def test_rooms_are_spread_over_the_threads_and_keep_theirs():
    pool = DatabaseThreads(3, name="test-db")
    try:
        seen = {}
        for n in range(40):
            room_id = f"R{n:05d}"
            seen[room_id] = (await pool.run(_thread_and_connection, room_id)())[0]
        assert len(set(seen.values())) == 3
        for room_id, thread in list(seen.items())[:10]:
            assert (await pool.run(_thread_and_connection, room_id)())[0] == thread
    finally:
        pool.close()
        for executor in pool.executors:
            executor.shutdown()


def _break_the_connection() -> None:
    """Close the driver connection behind Django's back, then use it: a database error."""
    Room.objects.count()
    connections["default"].connection.close()
    Room.objects.count()


@pytest.mark.django_db(transaction=True)
async def test_after_a_database_error_the_next_call_opens_a_new_connection():
    before = await db_async(_thread_and_connection, "ROOM42")()
    with pytest.raises(DatabaseError):
        await db_async(_break_the_connection, "ROOM42")()
    after = await db_async(_thread_and_connection, "ROOM42")()
    assert after[0] == before[0]
    assert after[1] is not before[1]


@pytest.mark.django_db(transaction=True)
async def test_a_kept_connection_is_checked_only_after_it_was_idle(monkeypatch):
    """With health checks on, Django checks a kept connection before each call (on PostgreSQL
    a round trip); the threads skip the check while the connection is in steady use."""
    from rooms import db

    database = connections.settings["default"]
    monkeypatch.setitem(database, "CONN_HEALTH_CHECKS", True)
    wrapper = type(connections["default"])
    checks = []
    is_usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: checks.append(1) or is_usable(self))
    pool = DatabaseThreads(1, name="test-health")
    try:
        for _ in range(3):
            await pool.run(_thread_and_connection, "ROOM42")()
        assert checks == []
        monkeypatch.setattr(db, "CHECK_AFTER_IDLE", 0.0)  # as if every call came after a pause
        await pool.run(_thread_and_connection, "ROOM42")()
        await pool.run(_thread_and_connection, "ROOM42")()
        assert len(checks) == 2
    finally:
        pool.close()
        for executor in pool.executors:
            executor.shutdown()


def _count_commits(thread: GroupCommitThread) -> list[int]:
    """The commits the thread's connection makes from now on, one item each."""
    commits: list[int] = []

    def install() -> None:
        connection = connections["default"]
        connection.ensure_connection()
        connection._commit = _wrap(connection._commit, commits)

    thread.submit_alone(install).result()
    return commits


def _wrap(commit, commits: list[int]):
    def counting() -> None:
        commits.append(1)
        commit()

    return counting


def _create(room_id: str, fail: bool = False) -> str:
    Room.objects.create(id=room_id)
    if fail:
        raise ValueError(room_id)
    return room_id


@pytest.mark.django_db(transaction=True)
def test_calls_that_wait_together_commit_together_and_hear_of_it_after():
    thread = GroupCommitThread("test-group", limit=8)
    try:
        commits = _count_commits(thread)
        started, gate = threading.Event(), threading.Event()
        first = thread.submit(lambda: started.set() or gate.wait(10))
        started.wait(10)  # the thread is held, alone, while the others queue up
        calls = [thread.submit(_create, f"G{n}", fail=n == 2) for n in range(5)]
        late = threading.Event()
        last = thread.submit(lambda: late.wait(10) and _create("G9"))
        gate.set()
        first.result(10)
        # The group of six runs; its first calls are done, but nobody hears before the commit.
        time.sleep(0.2)
        assert not any(call.done() for call in calls)
        late.set()
        assert [c.result(10) for c in (calls[0], calls[1], calls[3], calls[4], last)] == [
            "G0",
            "G1",
            "G3",
            "G4",
            "G9",
        ]
        with pytest.raises(ValueError):
            calls[2].result(10)
        # The failed call left nothing (its savepoint), the others were committed at once.
        assert sorted(Room.objects.values_list("id", flat=True)) == ["G0", "G1", "G3", "G4", "G9"]
        assert len(commits) == 1
        # A call alone runs outside any transaction, as in any thread.
        assert (
            thread.submit_alone(lambda: connections["default"].in_atomic_block).result(10) is False
        )
        assert thread.submit(lambda: connections["default"].in_atomic_block).result(10) is False
    finally:
        thread.submit_alone(connections.close_all).result(10)
        thread.shutdown()


def _roll_back_behind_django() -> str:
    """Write, then have SQLite roll the whole transaction back under Django's savepoints (as
    it does itself on an I/O error or a full disk): the savepoint's release then fails."""
    Room.objects.create(id="G8")
    connections["default"].connection.rollback()
    return "G8"


@pytest.mark.django_db(transaction=True)
def test_a_group_that_is_not_committed_fails_every_call_and_the_thread_goes_on():
    thread = GroupCommitThread("test-group", limit=8)
    try:
        started, gate = threading.Event(), threading.Event()
        first = thread.submit(lambda: started.set() or gate.wait(10))
        started.wait(10)
        calls = [thread.submit(_create, "G7"), thread.submit(_roll_back_behind_django)]
        calls.append(thread.submit(_create, "G9"))
        gate.set()
        first.result(10)
        for call in calls:
            with pytest.raises(DatabaseError):
                call.result(10)
        assert not Room.objects.filter(id__in=["G7", "G8", "G9"]).exists()
        assert thread.submit(_create, "G6").result(10) == "G6"  # the thread goes on
    finally:
        thread.submit_alone(connections.close_all).result(10)
        thread.shutdown()


@pytest.mark.django_db(transaction=True)
async def test_async_callers_of_a_group_are_woken_once_and_a_cancelled_one_is_skipped():
    import asyncio

    thread = GroupCommitThread("test-group", limit=8)
    loop = asyncio.get_running_loop()
    wakes = []
    threadsafe = loop.call_soon_threadsafe

    def counting(callback, *args, **kwargs):
        wakes.append(getattr(callback, "__name__", callback))
        return threadsafe(callback, *args, **kwargs)

    try:
        started, gate = threading.Event(), threading.Event()
        first = thread.submit(lambda: started.set() or gate.wait(10))
        await asyncio.to_thread(started.wait, 10)  # held while the async calls queue up
        loop.call_soon_threadsafe = counting
        calls = [
            asyncio.ensure_future(thread.call(_create, f"A{n}", fail=n == 1)) for n in range(4)
        ]
        await asyncio.sleep(0.05)  # each is queued now
        calls[3].cancel()  # its caller gives up: the write still runs, nobody hears of it
        gate.set()
        await asyncio.wrap_future(first)
        done = await asyncio.gather(*calls, return_exceptions=True)
        assert done[0] == "A0" and done[2] == "A2"
        assert isinstance(done[1], ValueError) and isinstance(done[3], asyncio.CancelledError)
        assert wakes.count("_wake") == 1
        ids = thread.submit(lambda: sorted(Room.objects.values_list("id", flat=True)))
        stored = await asyncio.wrap_future(ids)
        assert stored == ["A0", "A2", "A3"]
    finally:
        loop.call_soon_threadsafe = threadsafe
        await asyncio.wrap_future(thread.submit_alone(connections.close_all))
        thread.shutdown()
