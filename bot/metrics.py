"""Prometheus metrics for ``GET /metrics``. Each bot instance has its own registry (tests run several)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "crossdesk_slack_requests", "Requests received on /slack/events", ["kind", "status"], registry=self.registry
        )
        self.requests_refused = Counter(
            "crossdesk_slack_requests_refused",
            "Requests refused before Bolt (bad signature, malformed)",
            ["reason"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge("crossdesk_outbox_backlog", "Outbox rows not yet sent", registry=self.registry)
        self.outbox_oldest_age = Gauge(
            "crossdesk_outbox_oldest_age_seconds", "Age of the oldest unsent outbox row", registry=self.registry
        )

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
