"""Prepared statements for the write path of every room: the SQL of an INSERT that returns
columns of its rows, and of an UPDATE conditional on some columns, written once from a model's
own fields and run through the connection's cursor, without the ORM's query compiler.

A room's write is an UPDATE of its row and an INSERT of its events, hundreds of times a second
on one database thread; the compiler cost about three times the statements themselves
(docs/benchmarks.md). Values are prepared by each field (``get_db_prep_save``), as the ORM
prepares them, so that they read back the same. The SQL suits SQLite (3.35 or newer, for
``RETURNING``) and PostgreSQL, the two databases this server runs on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models


class InsertReturning:
    """``INSERT INTO table (fields) VALUES (…), (…) RETURNING returning`` for any number of
    rows; the rows come back in no promised order (SQLite's ``RETURNING`` promises none)."""

    __slots__ = ("_fields", "_head", "_row", "_tail")

    def __init__(self, model: type[models.Model], fields: Sequence[str], returning: Sequence[str]):
        meta = model._meta
        quote = connection.ops.quote_name
        self._fields = tuple(meta.get_field(name) for name in fields)
        columns = ", ".join(quote(field.column) for field in self._fields)
        self._head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
        self._row = "(" + ", ".join(["%s"] * len(self._fields)) + ")"
        self._tail = " RETURNING " + ", ".join(quote(meta.get_field(n).column) for n in returning)

    def execute(self, rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Insert ``rows`` (values in the order of ``fields``); the ``returning`` columns of
        each row inserted."""
        params: list[Any] = []
        count = 0
        for row in rows:
            params += [
                f.get_db_prep_save(v, connection) for f, v in zip(self._fields, row, strict=True)
            ]
            count += 1
        if not count:
            return []
        sql = self._head + ", ".join([self._row] * count) + self._tail
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class UpdateWhere:
    """``UPDATE table SET fields = … WHERE where = …``: the rows it changed (0 when none
    matched, e.g. a row no longer at the version a write expected)."""

    __slots__ = ("_fields", "_sql", "_where")

    def __init__(self, model: type[models.Model], fields: Sequence[str], where: Sequence[str]):
        meta = model._meta
        quote = connection.ops.quote_name
        self._fields = tuple(meta.get_field(name) for name in fields)
        self._where = tuple(meta.get_field(name) for name in where)
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in self._fields)
        condition = " AND ".join(f"{quote(field.column)} = %s" for field in self._where)
        self._sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {condition}"

    def execute(self, values: Mapping[str, Any], where: Sequence[Any]) -> int:
        """Set each field to ``values[name]`` where the ``where`` fields equal ``where``."""
        params = [f.get_db_prep_save(values[f.name], connection) for f in self._fields]
        params += [
            f.get_db_prep_value(v, connection) for f, v in zip(self._where, where, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._sql, params)
            return cursor.rowcount
