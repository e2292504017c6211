"""What operators read: readiness (/api/ready/) and the Prometheus metrics (/metrics)."""

from __future__ import annotations

import os
import re

import pytest

from rooms.tests.wsclient import create_room

pytestmark = pytest.mark.django_db(transaction=True)


def test_ready_checks_the_database_and_the_channel_layer(client):
    response = client.get("/api/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    # With REDIS_URL (the service-backed run) a message went through Redis and back.
    expected = "ok" if os.environ.get("REDIS_URL") else "not configured"
    assert body["checks"]["channel_layer"] == expected


def test_ready_names_a_database_that_fails(client, monkeypatch):
    from rooms import readiness

    monkeypatch.setattr(readiness, "database_check", lambda: "OperationalError: gone")
    response = client.get("/api/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "not_ready"
    assert "database: OperationalError: gone" in body["error"]["message"]
    assert body["checks"]["database"] == "OperationalError: gone"


def metric(text: str, name: str, **labels: str) -> float:
    label_text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(label_text) + r"\}" if labels else "")
    match = re.search(rf"^{pattern} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_metrics_count_rooms_sockets_actions_and_events(ws):
    from asgiref.sync import sync_to_async
    from django.test import Client

    def scrape() -> str:
        response = Client().get("/metrics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    before = await sync_to_async(scrape)()
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    await ann.ok("ping")
    await ann.request("declare", request_id="d", value=3)  # refused: the game has not started
    await ann.send_text("not json")
    await ann.receive()
    after = await sync_to_async(scrape)()

    assert metric(after, "liaptui_rooms_open") == metric(before, "liaptui_rooms_open") + 1
    assert metric(after, "liaptui_games_running") == metric(before, "liaptui_games_running")
    assert metric(after, "liaptui_sockets_connected") >= 1
    for action, outcome in (("ping", "ok"), ("declare", "refused"), ("invalid_frame", "invalid")):
        labels = {"action": action, "outcome": outcome}
        delta = metric(after, "liaptui_actions_total", **labels) - metric(
            before, "liaptui_actions_total", **labels
        )
        assert delta == 1, (action, outcome)
    answered = metric(after, "liaptui_answer_seconds_count") - metric(
        before, "liaptui_answer_seconds_count"
    )
    assert answered == 3
    written = metric(after, "liaptui_events_written_total") - metric(
        before, "liaptui_events_written_total"
    )
    assert written == created.version + 1  # the room's events, and Ann's connect
