"""On PostgreSQL, the database itself refuses to change or delete a logged event (a trigger),
whoever asks; on SQLite the model layer refuses (``eventlog.models.EventQuerySet``)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION eventlog_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % of an event is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER eventlog_event_append_only
    BEFORE UPDATE OR DELETE ON eventlog_event
    FOR EACH ROW EXECUTE FUNCTION eventlog_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS eventlog_event_append_only ON eventlog_event;
DROP FUNCTION IF EXISTS eventlog_event_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: keep its % as is

    return run


class Migration(migrations.Migration):
    dependencies = [("eventlog", "0002_room_id_indexed_by_room_seq")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
