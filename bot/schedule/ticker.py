"""The ticker: an APScheduler 3 job that does whatever work has fallen due, every few seconds.

Due work lives in database rows (resolved tickets waiting to auto-close, later reminders and digests),
so the ticker only asks "what is due now?" — several replicas can tick at once and each row is taken
by one of them (``FOR UPDATE SKIP LOCKED`` on PostgreSQL). APScheduler's own job stores are not used:
they cannot be shared between processes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.metrics import Metrics

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class Ticker:
    def __init__(
        self,
        jobs: dict[str, Job],
        interval_seconds: float = 15.0,
        metrics: Metrics | None = None,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.jobs = jobs
        self.interval_seconds = interval_seconds
        self.metrics = metrics or Metrics()
        # APScheduler plans in real time whatever clock the bot's services use, so lag is measured in real time.
        self._wall_clock = wall_clock
        self._scheduler: AsyncIOScheduler | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def tick(self) -> None:
        """Run every job once; one failing job (a database blip) does not stop the others or the ticker."""
        self._in_flight += 1
        self._idle.clear()
        try:
            for name, job in self.jobs.items():
                try:
                    await job()
                except Exception:
                    self.metrics.scheduler_job_failures.labels(name).inc()
                    log.exception("scheduled job %s failed; it runs again on the next tick", name)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Wait for the ticks in flight to finish: after ``shutdown()``, before the database they use closes."""
        await self._idle.wait()

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone="UTC")
        # coalesce + max_instances=1: a slow tick is never run twice at once, and missed ticks collapse into one.
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval_seconds,
            id="crossdesk-tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        scheduler.add_listener(self.on_submitted, EVENT_JOB_SUBMITTED)
        scheduler.start()
        self._scheduler = scheduler

    def on_submitted(self, event: JobSubmissionEvent) -> None:
        """APScheduler hands the tick to its executor: how late is that against the time it was planned for?"""
        planned = max(event.scheduled_run_times, default=None)
        if planned is not None:
            self.metrics.scheduler_lag.observe(max(0.0, (self._wall_clock() - planned).total_seconds()))

    @property
    def running(self) -> bool:
        return self._scheduler is not None and bool(self._scheduler.running)

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
