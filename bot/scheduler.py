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

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class Ticker:
    def __init__(self, jobs: dict[str, Job], interval_seconds: float = 15.0) -> None:
        self.jobs = jobs
        self.interval_seconds = interval_seconds
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
        scheduler.start()
        self._scheduler = scheduler

    @property
    def running(self) -> bool:
        return self._scheduler is not None and bool(self._scheduler.running)

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
