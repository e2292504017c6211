"""Rooms get ``listed``: whether the lobby shows them (``rooms.lobby.is_listed``)."""

from django.db import migrations, models


def list_open_rooms(apps, schema_editor):
    Room = apps.get_model("rooms", "Room")
    for room in Room.objects.filter(status__in=("waiting", "playing")).only("status", "summary"):
        seats = room.summary.get("seats", [])
        someone = any(s.get("name") and not s.get("is_bot") and s.get("connected") for s in seats)
        if room.status == "playing" or someone:
            Room.objects.filter(pk=room.pk).update(listed=True)


class Migration(migrations.Migration):
    dependencies = [("rooms", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="room",
            name="listed",
            field=models.BooleanField(default=False, help_text="shown in the lobby's list"),
        ),
        migrations.AddIndex(
            model_name="room",
            index=models.Index(fields=["listed", "-created_at"], name="room_lobby_list"),
        ),
        migrations.RunPython(list_open_rooms, migrations.RunPython.noop),
    ]
