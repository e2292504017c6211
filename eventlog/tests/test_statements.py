"""The write path's prepared statements store what the ORM would store: each value reads back
through the ORM as it was given (JSON, aware datetimes, nulls), on SQLite and on PostgreSQL."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import DEFAULT_DB_ALIAS, DataError, IntegrityError, connections, transaction

from eventlog.models import Event
from eventlog.statements import InsertReturning, UpdateWhere, preparer, update_then_insert
from rooms.models import Room

AT = datetime(2026, 11, 29, 18, 30, 15, 123456, tzinfo=UTC)
FIELDS = ("room_id", "seq", "type", "phase", "payload", "schema", "actor", "created_at")


@pytest.mark.django_db
def test_an_insert_stores_every_value_and_returns_its_columns():
    insert = InsertReturning(Event, FIELDS, returning=("id", "seq"))
    rows = [
        ("ABCDEF", 1, "room_created", "waiting", {"language": "th"}, 2, None, AT),
        ("ABCDEF", 2, "seat_taken", "waiting", {"seat": 0, "name": "เหมย 美"}, 1, 0, AT),
        ("ABCDEF", 3, "played", "turn", {"pieces": ["GENERAL_RED"], "n": [1, [2]]}, 1, 3, AT),
    ]  # fmt: skip
    returned = insert.execute(rows)
    stored = list(Event.objects.filter(room_id="ABCDEF").order_by("seq"))
    assert sorted(returned, key=lambda r: r[1]) == [(e.id, e.seq) for e in stored]
    assert [tuple(getattr(e, name) for name in FIELDS) for e in stored] == rows
    assert insert.execute([]) == []


@pytest.mark.django_db
def test_an_insert_keeps_the_log_s_unique_room_and_seq():
    insert = InsertReturning(Event, FIELDS, returning=("id",))
    insert.execute([("ABCDEF", 1, "room_closed", "waiting", {}, 1, None, AT)])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert.execute([("ABCDEF", 1, "room_closed", "waiting", {}, 1, None, AT)])
    assert Event.objects.filter(room_id="ABCDEF").count() == 1


@pytest.mark.django_db
def test_an_update_changes_the_row_only_at_the_version_expected():
    Room.objects.create(id="ABCDEF", version=4)
    update = UpdateWhere(Room, ("id", "version"))
    later = AT + timedelta(seconds=5)
    values = {"version": 6, "summary": {"status": "playing", "names": ["บอท ต้น"]},
              "deadline_at": later, "empty_since": None}  # fmt: skip
    assert update.execute(values, ("ABCDEF", 3)) == 0  # not at version 3: nothing changes
    assert Room.objects.get(pk="ABCDEF").version == 4
    assert update.execute(values, ("ABCDEF", 4)) == 1
    room = Room.objects.get(pk="ABCDEF")
    assert (room.version, room.summary, room.deadline_at, room.empty_since) == (
        6, values["summary"], later, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        AT,
        AT.replace(microsecond=0),  # no fraction: Django's text has none either
        datetime(2026, 3, 1, 7, 5, tzinfo=timezone(timedelta(hours=7))),  # Bangkok, to UTC
        datetime(2026, 3, 1, 7, 5),  # naive: Django's own path (and its warning)
        None,
    ],
)
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_a_datetime_parameter_is_the_one_django_makes(value):
    """The shortcut for datetimes gives the database exactly what Django's field and backend
    would, on whichever database runs the tests."""
    connection = connections[DEFAULT_DB_ALIAS]
    for field in (Event._meta.get_field("created_at"), Room._meta.get_field("deadline_at")):
        assert preparer(field)(value, connection) == field.get_db_prep_save(value, connection)


@pytest.mark.django_db
def test_an_update_sets_only_the_fields_given():
    Room.objects.create(id="ABCDEF", version=4, status="playing", summary={"phase": "turn"})
    update = UpdateWhere(Room, ("id", "version"))
    assert update.execute({"version": 5, "deadline_at": AT}, ("ABCDEF", 4)) == 1
    assert update.execute({"version": 6}, ("ABCDEF", 5)) == 1
    room = Room.objects.get(pk="ABCDEF")
    assert (room.version, room.deadline_at, room.status, room.summary) == (
        6, AT, "playing", {"phase": "turn"},
    )  # fmt: skip


def _move_and_append(values, where, rows):
    """A room moved from a version and its events appended, as a room's write does."""
    update = UpdateWhere(Room, ("id", "version"))
    return update_then_insert(
        update, InsertReturning(Event, FIELDS, ("id", "seq")), values, where, rows
    )


@pytest.mark.django_db(transaction=True)
def test_an_update_then_insert_inserts_only_when_the_update_matched():
    """Outside any transaction (as an optimistic write runs on PostgreSQL, in one statement):
    a row no longer at the version expected changes nothing and appends nothing."""
    Room.objects.create(id="ABCDEF", version=1)
    rows = [
        ("ABCDEF", 2, "seat_taken", "waiting", {"seat": 0, "name": "เหมย 美"}, 1, 0, AT),
        ("ABCDEF", 3, "seat_freed", "waiting", {"seat": 0}, 1, None, AT),  # a NULL actor
    ]  # fmt: skip
    assert _move_and_append({"version": 3, "status": "waiting"}, ("ABCDEF", 2), rows) is None
    assert (Room.objects.get(pk="ABCDEF").version, Event.objects.count()) == (1, 0)

    returned = _move_and_append({"version": 3, "deadline_at": AT}, ("ABCDEF", 1), rows)
    stored = list(Event.objects.filter(room_id="ABCDEF").order_by("seq"))
    assert sorted(returned, key=lambda r: r[1]) == [(e.id, e.seq) for e in stored]
    assert [tuple(getattr(e, name) for name in FIELDS) for e in stored] == rows
    room = Room.objects.get(pk="ABCDEF")
    assert (room.version, room.deadline_at) == (3, AT)


@pytest.mark.django_db(transaction=True)
def test_an_update_then_insert_that_breaks_the_log_s_order_changes_nothing():
    """The update matched, but the log already holds that seq: neither stays."""
    Room.objects.create(id="ABCDEF", version=1)
    InsertReturning(Event, FIELDS, ("id",)).execute(
        [("ABCDEF", 2, "room_closed", "waiting", {}, 1, None, AT)]
    )
    # One statement on PostgreSQL, which needs no transaction; two on SQLite, which do.
    alone = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    with pytest.raises(IntegrityError), nullcontext() if alone else transaction.atomic():
        _move_and_append({"version": 2}, ("ABCDEF", 1), [
            ("ABCDEF", 2, "seat_freed", "waiting", {"seat": 0}, 1, None, AT),
        ])  # fmt: skip
    assert Room.objects.get(pk="ABCDEF").version == 1
    assert list(Event.objects.values_list("type", flat=True)) == ["room_closed"]


@pytest.mark.django_db(transaction=True)
def test_an_update_then_insert_refuses_a_string_too_long_for_its_column():
    """The column refuses it, as a plain INSERT's would; nothing is cut short, nothing moves."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        pytest.skip("SQLite keeps a string of any length in any text column")
    Room.objects.create(id="ABCDEF", version=1)
    with pytest.raises(DataError):
        _move_and_append({"version": 2}, ("ABCDEF", 1), [
            ("ABCDEF", 2, "x" * 33, "waiting", {}, 1, None, AT),  # type is varchar(32)
        ])  # fmt: skip
    assert (Room.objects.get(pk="ABCDEF").version, Event.objects.count()) == (1, 0)
