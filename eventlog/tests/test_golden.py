"""Golden logs (eventlog/tests/golden/README.md): complete games recorded by earlier versions of
the server, stored as those versions stored them, replay through the current code to the final
state those versions computed."""

from __future__ import annotations

import pytest

from eventlog.models import Event
from eventlog.selectors import event_dict, replay, room_events
from game.views import omniscient_view

from .golden.logs import FILES, assert_contains, read, stored_rows
from .golden.record import canonical


def test_golden_logs_are_there_from_several_versions():
    recordings = [read(path) for path in FILES]
    assert len({r["recorded_by"] for r in recordings}) >= 3
    assert len({r["room_id"] for r in recordings}) == len(recordings)
    assert all(r["final"]["canonical"]["phase"] == "game_over" for r in recordings)


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_golden_log_replays_to_its_recorded_final_state(path):
    recording = read(path)
    Event.objects.bulk_create(stored_rows(recording))
    state, version = replay(recording["room_id"])
    assert version == recording["version"] == len(recording["events"])
    assert_contains(recording["final"]["canonical"], canonical(state))
    assert_contains(recording["final"]["omniscient_view"], omniscient_view(state), "view")
    # Every payload reads back in the current shape: as it was written, except a room_created
    # written at version 1, which gains the room's language (English: its bots' names) on the way.
    columns = recording["columns"]
    payloads = [event_dict(row)["payload"] for row in room_events(recording["room_id"])]
    written = [values[columns.index("payload")] for values in recording["events"]]
    if "schema" not in columns or recording["events"][0][columns.index("schema")] == 1:
        assert written[0].keys() == {"room_id", "max_rounds", "win_score"}
        written[0] = {**written[0], "language": "en"}
    assert payloads == written
