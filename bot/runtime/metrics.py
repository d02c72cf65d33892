"""Prometheus metrics for ``GET /metrics``. Each bot instance has its own registry (tests run several).

Every figure is counted where it happens once: requests at the HTTP door, deduplication in the middleware,
failures in the one error handler, tickets in the services after their commit, outbox outcomes in the
sender, Slack API latency by the client that made the call (:meth:`Metrics.slack_call`), scheduler lag in
the ticker. The outbox backlog, the live senders and tickers of every replica (their heartbeats) and the hand-off
map (:class:`HandoffFigures`) are read from the database when Prometheus scrapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

Pair = tuple[str, str]  # (from department, to department)
_PAIR_LABELS = ["from_department", "to_department"]


@dataclass(frozen=True)
class HandoffFigures:
    """The hand-off map as ``/metrics`` shows it, for every ordered pair of departments: counts since the database
    began (counters, so ``increase()`` works across restarts and replicas agree), and over the digest's window the
    median working time to answer a consult and the share answered within ``sla.consult``."""

    asked: Mapping[Pair, int] = field(default_factory=dict)
    answered: Mapping[Pair, int] = field(default_factory=dict)
    bounces: Mapping[Pair, int] = field(default_factory=dict)
    answer_seconds: Mapping[Pair, float] = field(default_factory=dict)
    within_sla_ratio: Mapping[Pair, float] = field(default_factory=dict)


class _HandoffCollector(Collector):
    """Exposes the last :class:`HandoffFigures` read; a pair that drops out of the window drops out of the gauges."""

    def __init__(self) -> None:
        self.figures = HandoffFigures()

    def describe(self) -> Iterator[Any]:
        return self._families(HandoffFigures())

    def collect(self) -> Iterator[Any]:
        return self._families(self.figures)

    @staticmethod
    def _families(figures: HandoffFigures) -> Iterator[Any]:
        counters = (
            ("crossdesk_consult_asked", "Consults asked of one department by another (since the database began)"),
            ("crossdesk_consult_answered", "Consults answered, by the departments that asked and answered"),
            ("crossdesk_bounces", "Tickets handed from one department to another (since the database began)"),
        )
        for (name, help_text), values in zip(counters, (figures.asked, figures.answered, figures.bounces), strict=True):
            family = CounterMetricFamily(name, help_text, labels=_PAIR_LABELS)
            for pair, value in sorted(values.items()):
                family.add_metric(list(pair), value)
            yield family
        gauges = (
            (
                "crossdesk_consult_answer_seconds",
                "Median working time to answer a consult over the digest's days (paused time left out)",
                figures.answer_seconds,
            ),
            (
                "crossdesk_consult_within_sla_ratio",
                "Share of the consults answered over the digest's days that were answered within sla.consult",
                figures.within_sla_ratio,
            ),
        )
        for name, help_text, gauge_values in gauges:
            gauge = GaugeMetricFamily(name, help_text, labels=_PAIR_LABELS)
            for pair, number in sorted(gauge_values.items()):
                gauge.add_metric(list(pair), number)
            yield gauge


_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_LAG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 15.0, 30.0, 60.0, 300.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.requests = Counter(
            "crossdesk_slack_requests", "Requests received on /slack/events", ["kind", "status"], registry=registry
        )
        self.requests_refused = Counter(
            "crossdesk_slack_requests_refused",
            "Requests refused before Bolt (bad signature, malformed)",
            ["reason"],
            registry=registry,
        )
        self.events_deduplicated = Counter(
            "crossdesk_events_deduplicated",
            "Events Slack delivered again and that were answered without running them twice",
            registry=registry,
        )
        self.requests_failed = Counter(
            "crossdesk_slack_requests_failed",
            "Requests a listener could not complete (malformed, slack_refused, unavailable, unexpected)",
            ["reason"],
            registry=registry,
        )
        self.tickets_opened = Counter("crossdesk_tickets_opened", "Tickets opened", ["department"], registry=registry)
        self.tickets_resolved = Counter(
            "crossdesk_tickets_resolved", "Tickets resolved", ["department"], registry=registry
        )
        self.outbox_backlog = Gauge("crossdesk_outbox_backlog", "Outbox rows not yet sent", registry=registry)
        self.outbox_oldest_age = Gauge(
            "crossdesk_outbox_oldest_age_seconds", "Age of the oldest unsent outbox row", registry=registry
        )
        self.outbox_sent = Counter(
            "crossdesk_outbox_sent", "Outbox messages Slack accepted", ["method"], registry=registry
        )
        self.outbox_retries = Counter(
            "crossdesk_outbox_retries",
            "Outbox sends put off for a retry (429, 5xx, unreachable)",
            ["method"],
            registry=registry,
        )
        self.outbox_failed = Counter(
            "crossdesk_outbox_failed", "Outbox messages given up on", ["method"], registry=registry
        )
        self.slack_api_latency = Histogram(
            "crossdesk_slack_api_request_duration_seconds",
            "Time for one call to the Slack Web API, by method",
            ["method"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self._latency_by_method: dict[str, Any] = {}  # every call passes here: each method's child asked once
        self.scheduler_lag = Histogram(
            "crossdesk_scheduler_lag_seconds",
            "How late each tick of the ticker started against its schedule",
            buckets=_LAG_BUCKETS,
            registry=registry,
        )
        self.live_processes = Gauge(
            "crossdesk_live_processes",
            "Outbox senders and tickers, of every replica, whose heartbeat is recent (read from the database)",
            ["part"],
            registry=registry,
        )
        self.scheduler_job_failures = Counter(
            "crossdesk_scheduler_job_failures", "Scheduled jobs that raised", ["job"], registry=registry
        )
        self._handoffs = _HandoffCollector()
        registry.register(self._handoffs)

    def set_handoffs(self, figures: HandoffFigures) -> None:
        """The hand-off map as read for this scrape (``bot.runtime.server``)."""
        self._handoffs.figures = figures

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))

    def slack_call(self, method: str, seconds: float) -> None:
        """One Slack Web API call (``chat.postMessage``, …) took ``seconds``."""
        latency = self._latency_by_method.get(method)
        if latency is None:  # a Web API method name (``bot.runtime.slack_client.TimedWebClient``): few of them
            latency = self._latency_by_method[method] = self.slack_api_latency.labels(method)
        latency.observe(seconds)
