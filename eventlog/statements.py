"""Prepared statements for the write path of every room: the SQL of an INSERT that returns
columns of its rows, of an UPDATE conditional on some columns, and of the two together (the
INSERT only if the UPDATE matched), written once from a model's own fields and run through the
connection's cursor, without the ORM's query compiler.

A room's write is an UPDATE of its row and an INSERT of its events, hundreds of times a second
on one database thread; the compiler cost about three times the statements themselves
(docs/benchmarks.md). Values are prepared by each field (``get_db_prep_save``), as the ORM
prepares them, so that they read back the same. The SQL suits SQLite (3.35 or newer, for
``RETURNING``) and PostgreSQL, the two databases this server runs on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

#: A field's value → the parameter the database takes for it.
Prepare = Callable[[Any, BaseDatabaseWrapper], Any]


def preparer(field: models.Field) -> Prepare:
    """``field.get_db_prep_save``, with a shortcut for an aware datetime (every datetime this
    server writes is one) that gives the same parameter as Django's path through the field,
    the backend and the settings, at a fraction of its cost."""
    if not isinstance(field, models.DateTimeField):
        return field.get_db_prep_save

    def prepare(value: Any, connection: BaseDatabaseWrapper) -> Any:
        if type(value) is not datetime or value.tzinfo is None or not settings.USE_TZ:
            return field.get_db_prep_save(value, connection)
        if connection.vendor == "sqlite":  # SQLite keeps UTC text (``make_naive``, ``str``)
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return value  # PostgreSQL takes the aware datetime as it is

    return prepare


def _connection() -> BaseDatabaseWrapper:
    """This thread's connection itself (each use of ``django.db.connection`` looks it up)."""
    return connections[DEFAULT_DB_ALIAS]


def _cast(field: models.Field, connection: BaseDatabaseWrapper) -> str:
    """The type a value of ``field`` is cast to where nothing gives it one: its column's, but
    ``text`` for a string, as an explicit cast to ``varchar(n)`` would cut an overlong value
    short where the column refuses it."""
    if isinstance(field, models.CharField):
        return "text"
    return field.db_type(connection)


class InsertReturning:
    """``INSERT INTO table (fields) VALUES (…), (…) RETURNING returning`` for any number of
    rows; the rows come back in no promised order (SQLite's ``RETURNING`` promises none)."""

    __slots__ = ("_cast_row", "_fields", "_head", "_row", "_selected", "_tail")

    def __init__(self, model: type[models.Model], fields: Sequence[str], returning: Sequence[str]):
        meta = model._meta
        connection = _connection()
        quote = connection.ops.quote_name
        inserted = [meta.get_field(name) for name in fields]
        self._fields = tuple(preparer(field) for field in inserted)
        table = quote(meta.db_table)
        columns = ", ".join(quote(field.column) for field in inserted)
        self._head = f"INSERT INTO {table} ({columns}) VALUES "
        self._selected = f"INSERT INTO {table} ({columns}) SELECT v.* FROM "
        self._row = "(" + ", ".join(["%s"] * len(self._fields)) + ")"
        # A value in a VALUES list that is not an INSERT's has no column type to take.
        self._cast_row = "(" + ", ".join(f"%s::{_cast(f, connection)}" for f in inserted) + ")"
        self._tail = " RETURNING " + ", ".join(quote(meta.get_field(n).column) for n in returning)

    def _parameters(
        self, rows: Iterable[Sequence[Any]], connection: BaseDatabaseWrapper
    ) -> tuple[list[Any], int]:
        params: list[Any] = []
        count = 0
        for row in rows:
            params += [prepare(v, connection) for prepare, v in zip(self._fields, row, strict=True)]
            count += 1
        return params, count

    def execute(self, rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Insert ``rows`` (values in the order of ``fields``); the ``returning`` columns of
        each row inserted."""
        connection = _connection()
        params, count = self._parameters(rows, connection)
        if not count:
            return []
        sql = self._head + ", ".join([self._row] * count) + self._tail
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _selected_from(self, source: str, count: int) -> str:
        """The INSERT of ``count`` rows of values crossed with the rows of ``source`` (a WITH
        query's name): as many copies as ``source`` has rows."""
        values = ", ".join([self._cast_row] * count)
        return f"{self._selected}{source}, (VALUES {values}) AS v{self._tail}"


class UpdateWhere:
    """``UPDATE table SET fields = … WHERE where = …`` of whichever fields a call sets (its SQL
    made once per set of fields): the rows it changed (0 when none matched, e.g. a row no longer
    at the version a write expected). Setting only what changed spares the database the indexes
    of the columns left alone."""

    __slots__ = ("_condition", "_fields", "_sql", "_table", "_where")

    def __init__(self, model: type[models.Model], where: Sequence[str]):
        meta = model._meta
        quote = _connection().ops.quote_name
        matched = [meta.get_field(name) for name in where]
        self._table = quote(meta.db_table)
        self._where = tuple(field.get_db_prep_value for field in matched)
        self._condition = " AND ".join(f"{quote(field.column)} = %s" for field in matched)
        self._fields = {
            field.name: (quote(field.column), preparer(field)) for field in meta.concrete_fields
        }
        self._sql: dict[tuple[str, ...], str] = {}

    def _statement(self, names: tuple[str, ...]) -> str:
        sql = self._sql.get(names)
        if sql is None:
            assignments = ", ".join(f"{self._fields[name][0]} = %s" for name in names)
            sql = f"UPDATE {self._table} SET {assignments} WHERE {self._condition}"
            self._sql[names] = sql
        return sql

    def _parameters(
        self, values: Mapping[str, Any], where: Sequence[Any], connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        params = [self._fields[name][1](value, connection) for name, value in values.items()]
        params += [prepare(v, connection) for prepare, v in zip(self._where, where, strict=True)]
        return self._statement(tuple(values)), params

    def execute(self, values: Mapping[str, Any], where: Sequence[Any]) -> int:
        """Set each field named in ``values`` to its value where the ``where`` fields equal
        ``where``."""
        connection = _connection()
        sql, params = self._parameters(values, where, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount


def update_then_insert(
    update: UpdateWhere,
    insert: InsertReturning,
    values: Mapping[str, Any],
    where: Sequence[Any],
    rows: Sequence[Sequence[Any]],
) -> list[tuple[Any, ...]] | None:
    """``update`` of ``values`` where ``where`` and, only if it changed a row, ``insert`` of
    ``rows``: the rows' ``returning`` columns, or None when the update matched nothing (and
    nothing was inserted).

    On PostgreSQL it is one statement, ``WITH moved AS (UPDATE … RETURNING 1) INSERT … SELECT
    … FROM moved, (VALUES …)``: the insert reads the update's row, so the update runs (and takes
    its row's lock) first. Outside a transaction that is one round trip to the server, where
    ``BEGIN``, the two statements and ``COMMIT`` are four. SQLite has no UPDATE inside a WITH:
    there the two statements run in turn (in the caller's transaction, and on SQLite a round
    trip is a function call)."""
    connection = _connection()
    if connection.vendor != "postgresql" or not rows:
        if not update.execute(values, where):
            return None
        return insert.execute(rows)
    updated, params = update._parameters(values, where, connection)
    inserted, count = insert._parameters(rows, connection)
    sql = f"WITH moved AS ({updated} RETURNING 1) " + insert._selected_from("moved", count)
    with connection.cursor() as cursor:
        cursor.execute(sql, params + inserted)
        return cursor.fetchall() or None
