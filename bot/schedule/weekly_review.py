"""The weekly review: every shared goal week by week for the last eight weeks, per department and for the company,
with the week's hand-offs, satisfaction and complaints by lifecycle stage when there are any. Posted once, on
``digest.weekly``'s day at ``digest.at``, to the digest's channel with its small-multiples picture (and the week's
hand-off map in its thread); shown on demand (``/digest week``) to the one person who asks, as text.

Posting claims the ISO week as a once-per-period job in the same transaction that queues the Slack calls, so however
many replicas tick, one review goes out; a review missed while the bot was down follows the digest's catch-up rule.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import datetime, timedelta

from bot.customers.complaints import complaint_report
from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.schedule.catch_up import CatchUp
from bot.schedule.digest_post import UPLOAD_METHOD, Picture, upload
from bot.schedule.goal_source import REVIEW_WEEKS, GoalSource, WeeklyReview
from bot.schedule.handoff_chart import handoff_map_png
from bot.schedule.handoff_source import HandoffSource
from bot.schedule.trend_chart import trends_png
from bot.surfaces.cards import Block
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.review_views import no_goals_blocks, review_blocks, review_fallback
from config.live import LiveWorkspace
from config.schema import LIFECYCLE_STAGES, WEEKDAYS, WorkspaceConfig
from storage import digest as digest_rows
from storage import goal_metrics, jobs, outbox
from storage.database import Database

log = logging.getLogger(__name__)

REVIEW_JOB = "weekly_review"
REVIEW_FILENAME = "crossdesk-goals-by-week.png"
HANDOFF_FILENAME = "crossdesk-handoff-map-week.png"
SIDE_DAYS = 7  # satisfaction and complaints: the last week
UNKNOWN_STAGE = "unknown"
STAGES: tuple[str, ...] = (*LIFECYCLE_STAGES, UNKNOWN_STAGE)


class WeeklyReviewService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        translator: Translator,
        *,
        catch_up: CatchUp | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.translator = translator
        self.catch_up = catch_up or CatchUp(db, clock)

    async def review(self, now: datetime, weeks: int = REVIEW_WEEKS) -> WeeklyReview:
        """The review as of ``now`` (the goals' history; what else the last week holds)."""
        history = await GoalSource(self.db, self.workspace, self.translator.language).history(now, weeks)
        start = now - timedelta(days=SIDE_DAYS)
        async with self.db.read() as session:
            satisfaction = await goal_metrics.ratings(session, start, now)
            complaints = await digest_rows.complaints_by_stage(session, start, now)
        handoffs = await HandoffSource(self.db, self.workspace).between(start, now)
        complaint_times = (await complaint_report(self.db, start, now)).overall
        by_stage = dict.fromkeys(STAGES, 0)
        for stage, count in complaints.items():
            by_stage[stage if stage in by_stage else UNKNOWN_STAGE] += count
        return WeeklyReview(
            history=history,
            names={department.key: department.name for department in self.workspace.departments},
            satisfaction=satisfaction,
            complaints=by_stage,
            language=self.translator.language,
            timezone=self.workspace.timezone,
            handoffs=handoffs,
            complaint_times=complaint_times,
        )

    async def post_weekly(self, now: datetime) -> bool:
        """Queue this week's review and its picture once ``digest.at`` has passed on ``digest.weekly``'s day; ``True``
        if this call queued it. Nothing without goals or without ``digest.weekly``."""
        settings = self.workspace.digest
        if settings is None or settings.weekly is None or not self.workspace.goals:
            return False
        local = now.astimezone(self.workspace.tz)
        if local.weekday() != WEEKDAYS.index(settings.weekly):
            return False
        due = datetime.combine(local.date(), settings.at, tzinfo=self.workspace.tz)
        if not await self.catch_up.may_run(due, now, self.workspace.catch_up_within):
            return False
        year, week, _ = local.date().isocalendar()
        period = f"{year}-W{week:02d}"
        async with self.db.transaction() as session:
            if await digest_rows.period_claimed(session, REVIEW_JOB, period):
                return False
        review = await self.review(now)
        png = await asyncio.to_thread(trends_png, review.history)  # CPU for a second or so, off the loop
        first, last = (now - timedelta(days=SIDE_DAYS - 1)).astimezone(self.workspace.tz).date(), local.date()
        handoff_png = None
        if review.handoffs is not None and not review.handoffs.is_empty:
            handoff_png = await asyncio.to_thread(handoff_map_png, review.handoffs, review.language, first, last)
        title = self.translator.t("review.file_title", day=local.date().isoformat(), weeks=len(review.history.ends))
        async with self.db.transaction() as session:
            if not await jobs.claim_period(session, REVIEW_JOB, period, now):
                return False  # another replica got there between the look and the claim
            message = outbox.Call(
                "chat.postMessage",
                {
                    "channel": settings.channel,
                    "text": review_fallback(review),
                    "blocks": review_blocks(review),
                    "unfurl_links": False,
                },
                OutboxPurpose.NOTICE.value,
            )
            picture = {
                "channel": settings.channel,
                "filename": REVIEW_FILENAME,
                "title": title,
                "content_b64": base64.b64encode(png).decode("ascii"),
            }
            calls = [message, outbox.Call(UPLOAD_METHOD, picture, OutboxPurpose.NOTICE.value, after=message)]
            if handoff_png is not None:  # the week's hand-off map, in the review's thread (its text says so)
                title = self.translator.t("handoff.chart.file_title", start=first.isoformat(), end=last.isoformat())
                handoff = Picture(HANDOFF_FILENAME, title, handoff_png)
                calls.append(upload(settings.channel, handoff, OutboxPurpose.THREAD_REPLY, message))
            await outbox.enqueue_calls(session, calls, now)
            await jobs.finish(session, REVIEW_JOB, period, now)
        self.outbox.wake()
        log.info("weekly review for %s queued for %s (%s bytes of picture)", period, settings.channel, len(png))
        return True

    async def tick(self) -> bool:
        """The ticker's job: post this week's review if it is due and nobody has."""
        now = self.clock.now()
        await self.catch_up.first_started(now)
        return await self.post_weekly(now)

    async def on_demand(self, user_id: str, now: datetime) -> list[Block]:
        """The review as of ``now`` for ``/digest week``, as text (an answer to one person carries no picture)."""
        log.debug("weekly review asked for by %s", user_id)
        if not self.workspace.goals:
            return no_goals_blocks(self.translator)
        return review_blocks(await self.review(now))
