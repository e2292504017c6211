"""Each event records its payload's schema version (game.schema). The column comes with a
database default of 1, so the rows already logged are version 1 without being updated (the
append-only trigger of 0003 refuses any UPDATE), and so is a row inserted by a server that does
not know the column yet (a rolling restart)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("eventlog", "0003_event_log_append_only")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="schema",
            field=models.PositiveSmallIntegerField(db_default=1),
        ),
    ]
