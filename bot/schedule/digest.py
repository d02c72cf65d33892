"""The daily digest: the numbers every department shares, posted once a day and shown on demand (``/digest``).

The report is computed from the database when it is asked for, so a digest posted late (after a restart)
shows the same kind of numbers as one on time. Posting claims the local date as a once-per-period job in
the same transaction that queues the Slack calls, so however many replicas tick, one digest goes out. A
digest due before the database first ran the bot, or more than ``catch_up_within`` ago, is not posted.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.catch_up import CatchUp
from bot.schedule.charts import opened_per_day_png
from bot.schedule.digest_post import Lead, Picture, digest_calls
from bot.schedule.digest_report import (
    STAGES,
    UNKNOWN_STAGE,
    DepartmentNumbers,
    DigestReport,
    OpenTicket,
    Satisfaction,
)
from bot.schedule.goal_source import GoalSource
from bot.schedule.handoff_chart import handoff_map_png
from bot.schedule.handoff_source import HandoffSource
from bot.schedule.scorecard_chart import scorecard_png
from bot.surfaces.cards import Block
from bot.surfaces.digest_views import fallback_text, render_blocks, render_messages, shows_handoffs
from bot.surfaces.i18n import Translator
from bot.surfaces.scorecard_views import lead_blocks, lead_fallback
from bot.surfaces.text import message_link
from bot.tickets.states import ACTIVE_STATUSES, CLOCK_RUNNING, Status
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage import digest as digest_rows
from storage import jobs, outbox, ratings
from storage.database import Database
from storage.models import Ticket

log = logging.getLogger(__name__)

DIGEST_JOB = "digest"
CHART_FILENAME = "crossdesk-7-days.png"
HANDOFF_FILENAME = "crossdesk-handoff-map.png"
SCORECARD_FILENAME = "crossdesk-scorecard.png"
OLDEST_SHOWN = 5


class _DepartmentHistory:
    """Which department a ticket belonged to at a moment, from its later moves between departments."""

    def __init__(self, moves: Iterable[tuple[int, datetime, str]]) -> None:
        self._moves: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for ticket_id, at, left in moves:  # already in time order
            self._moves[ticket_id].append((at, left))

    def at(self, ticket_id: int, current: str, moment: datetime) -> str:
        # A move at the very moment (accepting a hand-off acknowledges it) already counts for the new side.
        return next((left for at, left in self._moves.get(ticket_id, ()) if at > moment), current)


def _median_hours(spans: Iterable[timedelta]) -> float | None:
    hours = [span.total_seconds() / 3600 for span in spans]
    return statistics.median(hours) if hours else None


def _satisfaction(groups: Iterable[ratings.Satisfaction]) -> Satisfaction:
    """The ratings of ``groups`` together: how many answered, and their average."""
    answered = total = 0
    for group in groups:
        answered, total = answered + group.answered, total + group.total
    return Satisfaction(answered, total / answered if answered else None)


class DigestService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        translator: Translator,
        *,
        identity: SlackIdentity | None = None,
        catch_up: CatchUp | None = None,
        handoffs: HandoffSource | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.translator = translator
        self.identity = identity or SlackIdentity()
        self.catch_up = catch_up or CatchUp(db, clock)
        self.handoffs = handoffs or HandoffSource(db, self.live)

    # ------------------------------------------------------------------ the numbers

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.workspace.tz).astimezone(UTC)

    async def report(self, now: datetime, *, days: int = 7) -> DigestReport:
        """The digest as of ``now``: today and the ``days`` local days ending today."""
        if days < 1:
            raise ValueError("a digest covers at least one day")
        tz = self.workspace.tz
        today = now.astimezone(tz).date()
        day_list = tuple(today - timedelta(days=back) for back in reversed(range(days)))
        today_start, window_start = self._midnight(today), self._midnight(day_list[0])
        end = self._midnight(today + timedelta(days=1))
        active = [status.value for status in ACTIVE_STATUSES]
        async with self.db.read() as session:
            resolved = await digest_rows.resolved_between(session, today_start, end)
            open_now = await digest_rows.in_status(session, active)
            overdue = await digest_rows.overdue_counts(
                session, now, unacknowledged=[Status.OPEN.value], unresolved=[s.value for s in CLOCK_RUNNING]
            )
            acknowledged = await digest_rows.acknowledge_times(session, window_start, end)
            resolutions = await digest_rows.resolve_times(session, window_start, end)
            bounced = await digest_rows.bounces_from(session, window_start, end)
            created = await digest_rows.creation_times(session, window_start, end)
            moves = await digest_rows.moves_since(session, window_start)
            oldest = await digest_rows.oldest_in_status(session, active, OLDEST_SHOWN)
            complaints = await digest_rows.complaints_by_stage(session, window_start, end)
            rated = await ratings.by_department(session, window_start, end)
            rated_stages = await ratings.by_stage(session, window_start, end)
            handoffs = await self.handoffs.read_between(session, window_start, end)

        # Opening and acknowledging count for the department the ticket was in at that moment, so a ticket
        # handed on later still shows where it arrived and who acknowledged it.
        where = _DepartmentHistory(moves)
        ack_spans: dict[str, list[timedelta]] = defaultdict(list)
        for ticket_id, key, opened_at, acknowledged_at in acknowledged:
            ack_spans[where.at(ticket_id, key, acknowledged_at)].append(acknowledged_at - opened_at)
        resolve_spans: dict[str, list[timedelta]] = defaultdict(list)
        for key, opened_at, resolved_at in resolutions:
            resolve_spans[key].append(resolved_at - opened_at)
        per_day = Counter(
            (where.at(ticket_id, key, moment), moment.astimezone(tz).date()) for ticket_id, key, moment in created
        )

        seen = {key for key, _ in per_day} | set(resolved) | set(open_now) | set(overdue) | set(bounced)
        seen |= set(ack_spans) | set(resolve_spans) | set(rated)
        configured = [d.key for d in self.workspace.departments]
        keys = configured + sorted(seen - set(configured))  # a department removed from the file still shows
        departments = tuple(
            DepartmentNumbers(
                key=key,
                name=self._department_name(key),
                opened=per_day[(key, today)],
                resolved=resolved.get(key, 0),
                open=open_now.get(key, 0),
                overdue=overdue.get(key, 0),
                median_ack_hours=_median_hours(ack_spans[key]),
                median_resolve_hours=_median_hours(resolve_spans[key]),
                bounced=bounced.get(key, 0),
                opened_per_day=tuple(per_day[(key, day)] for day in day_list),
                satisfaction=_satisfaction([rated[key]] if key in rated else []),
            )
            for key in keys
        )
        stage_ratings: dict[str, list[ratings.Satisfaction]] = defaultdict(list)
        for stage, answers in rated_stages.items():
            stage_ratings[stage if stage in STAGES else UNKNOWN_STAGE].append(answers)
        by_stage = {stage: 0 for stage in STAGES}
        for stage, count in complaints.items():
            name = stage if stage in by_stage else UNKNOWN_STAGE
            by_stage[name] += count
        return DigestReport(
            generated_at=now,
            day=today,
            days=day_list,
            timezone=self.workspace.timezone,
            language=self.translator.language,
            departments=departments,
            oldest_open=tuple(self._open_ticket(ticket, now) for ticket in oldest),
            complaints=by_stage,
            satisfaction={stage: _satisfaction(stage_ratings[stage]) for stage in STAGES},
            handoffs=handoffs,
        )

    def _department_name(self, key: str) -> str:
        department = self.workspace.department(key)
        return department.name if department else key

    def _open_ticket(self, ticket: Ticket, now: datetime) -> OpenTicket:
        """A ticket among the oldest open work. The digest goes to a channel (anyone may read it): a private ticket
        is counted and named by key, department and owner, but neither its title nor its card (a DM) is shown."""
        link = None
        channel, ts = ticket.card_channel or ticket.thread_channel, ticket.card_ts or ticket.thread_ts
        if self.identity.url and channel and ts and not ticket.is_private:
            link = message_link(self.identity.url, channel, ts, ticket.thread_ts)
        return OpenTicket(
            key=ticket.key,
            title=self.translator.t("ticket.private_title") if ticket.is_private else ticket.title,
            department_key=ticket.department_key,
            department_name=self._department_name(ticket.department_key),
            owner_id=ticket.owner_id,
            status=ticket.status,
            created_at=ticket.created_at,
            age=now - ticket.created_at,
            link=link,
            blocked_on_consult=ticket.blocked_on_id is not None,
        )

    # ------------------------------------------------------------------ posting

    async def post_daily(self, now: datetime) -> bool:
        """Queue today's digest and chart (and the hand-off map, when anything crossed between departments) once
        ``digest.at`` has passed; ``True`` if this call queued it.

        A digest missed while the bot was down is posted at the first tick after the restart, once, if that is
        within ``catch_up_within`` of ``digest.at``; a digest due before the database first ran the bot never
        is (a new install posts no empty report). The cheap "already done?" look keeps later ticks from
        computing the report.
        """
        settings = self.workspace.digest
        if settings is None:
            return False
        local = now.astimezone(self.workspace.tz)
        due = datetime.combine(local.date(), settings.at, tzinfo=self.workspace.tz)
        if not await self.catch_up.may_run(due, now, self.workspace.catch_up_within):
            return False
        period = local.date().isoformat()
        async with self.db.read() as session:
            if await digest_rows.period_claimed(session, DIGEST_JOB, period):
                return False
        report = await self.report(now)
        png = await asyncio.to_thread(opened_per_day_png, report)  # a few hundred ms of CPU, off the loop
        since, until = report.days[0].isoformat(), report.day.isoformat()
        chart = Picture(CHART_FILENAME, self.translator.t("digest.chart.file_title", start=since, end=until), png)
        handoffs = None
        if report.handoffs is not None and shows_handoffs(report):
            handoff_png = await asyncio.to_thread(
                handoff_map_png, report.handoffs, report.language, report.days[0], report.day
            )
            title = self.translator.t("handoff.chart.file_title", start=since, end=until)
            handoffs = Picture(HANDOFF_FILENAME, title, handoff_png)
        lead = await self.lead(now) if self.workspace.goals else None
        calls = digest_calls(settings.channel, render_messages(report), fallback_text(report), chart, handoffs, lead)
        async with self.db.transaction() as session:
            if not await jobs.claim_period(session, DIGEST_JOB, period, now):
                return False  # another replica got there between the look and the claim
            await outbox.enqueue_calls(session, calls, now)
            await jobs.finish(session, DIGEST_JOB, period, now)
        self.outbox.wake()
        log.info("digest for %s queued for %s (%s bytes of chart)", period, settings.channel, len(png))
        return True

    async def lead(self, now: datetime) -> Lead:
        """What leads a digest when shared goals are set: the three lines and the scorecard picture."""
        card = await GoalSource(self.db, self.workspace, self.translator.language).scorecard(now)
        png = await asyncio.to_thread(scorecard_png, card)
        day = now.astimezone(self.workspace.tz).date().isoformat()
        picture = Picture(SCORECARD_FILENAME, self.translator.t("digest.lead.file_title", day=day), png)
        return Lead(lead_blocks(card), lead_fallback(card), picture)

    async def tick(self) -> bool:
        """The ticker's job: post today's digest if it is due and nobody has."""
        now = self.clock.now()
        await self.catch_up.first_started(now)  # a new database's first tick marks where its digests begin
        return await self.post_daily(now)

    async def on_demand(self, user_id: str, now: datetime) -> list[Block]:
        """The digest as of ``now`` for ``/digest``: the same blocks as the daily post, without the pictures (the
        hand-off map's pairs are listed instead)."""
        log.debug("digest asked for by %s", user_id)
        return render_blocks(await self.report(now))
