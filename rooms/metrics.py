"""Prometheus metrics of one server process, at ``/metrics`` (docs/deployment.md).

Counters and the answer-time histogram count what this process did since it started; the
gauges of rooms are read from the database at each scrape (every process shows the same), the
sockets from this process. Scrape every process directly: behind the proxy, a scrape would
reach one process at random.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from .live import live_sockets
from .models import Room, RoomStatus

#: Answer times from a frame's arrival to its ack or error, in seconds.
ANSWER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


_GAUGES = {
    "liaptui_rooms_open": "Rooms waiting for players or playing.",
    "liaptui_games_running": "Rooms whose game is being played.",
    "liaptui_sockets_connected": "Seated players' room sockets open in this process.",
}


class _RoomsCollector(Collector):
    """Rooms open and games running (from the database), sockets held (by this process)."""

    def describe(self) -> Iterator[Metric]:
        for name, documentation in _GAUGES.items():
            yield GaugeMetricFamily(name, documentation)

    def collect(self) -> Iterator[Metric]:
        open_rooms = Room.objects.filter(status__in=(RoomStatus.WAITING, RoomStatus.PLAYING))
        statuses = list(open_rooms.values_list("status", flat=True))
        values = {
            "liaptui_rooms_open": len(statuses),
            "liaptui_games_running": statuses.count(RoomStatus.PLAYING),
            "liaptui_sockets_connected": len(live_sockets.snapshot()),
        }
        for name, documentation in _GAUGES.items():
            yield GaugeMetricFamily(name, documentation, values[name])


class ServerMetrics:
    """This process's metrics and the registry that holds them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.actions = Counter(
            "liaptui_actions",
            "Room socket frames handled, by action (or invalid_frame) and outcome: ok, refused "
            "(a rule), invalid (the frame), rate_limited, error (the server failed).",
            ("action", "outcome"),
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "liaptui_answer_seconds",
            "Time from an action's arrival to its ack or error.",
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.events_written = Counter(
            "liaptui_events_written", "Events appended to the log.", registry=self.registry
        )
        self.updates = Counter(
            "liaptui_updates",
            "Updates sent to room sockets, by where they were built from: memory (the write, or "
            "a broadcast folded onto the cached state) or log (read from the database: a socket "
            "behind, a reconnect, a resync, a catch-up).",
            ("built",),
            registry=self.registry,
        )
        self.catch_ups = Counter(
            "liaptui_catch_ups",
            "Room sockets sent a change whose broadcast never came (rooms.catchup).",
            registry=self.registry,
        )
        self.registry.register(_RoomsCollector())

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


#: This process's metrics.
server_metrics = ServerMetrics()


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics``: the Prometheus text format."""
    return HttpResponse(server_metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
