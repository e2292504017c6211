"""Readiness of a real server process: ``/api/ready/`` names the part it cannot reach."""

from __future__ import annotations

from tests.liveserver import Servers, free_port


def test_ready_is_503_naming_redis_when_redis_is_unreachable(tmp_path):
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # a port nothing listens on
    group = Servers(tmp_path, {"REDIS_URL": nobody})
    try:
        server = group.start()  # /api/health/ answers: the process is alive
        status, body = server.get("/api/ready/")
        assert status == 503, body
        assert body["error"]["code"] == "not_ready"
        assert "channel layer (Redis)" in body["error"]["message"]
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["channel_layer"] != "ok"
    finally:
        group.stop_all()


def test_ready_is_200_on_the_embedded_setup(tmp_path):
    group = Servers(tmp_path)
    try:
        status, body = group.start().get("/api/ready/")
        assert status == 200, body
        assert body == {
            "status": "ready",
            "checks": {"database": "ok", "channel_layer": "not configured"},
        }
    finally:
        group.stop_all()
