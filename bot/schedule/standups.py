"""Daily stand-ups: ask each member at ``at`` on their own clock, nudge once halfway, summarise at ``post_at``.

Every step is a claim in the database made in the same transaction that queues its Slack messages — the
member's entry insert (ask), a guarded update (nudge), a (job, period) row (summary) — so replicas ticking
together and restarts after an outage do each step once. Nudges also take the tick's turn
(:mod:`bot.schedule.turns`): someone in two stand-ups gets one nudge naming both, from one replica. Asking and
nudging follow the member's time zone (their Slack time zone when known, else the workspace's); the summary
follows the workspace's clock, so a department gets one summary a day at one time everyone in the file can read;
members whose own ``at`` is still ahead are listed as "asked later", and an answer that arrives after the summary
is posted to the channel on its own.

A summary is posted only for a stand-up whose questions went out, and lists as not answering only members who
were asked. A step whose time came before the database first ran the bot never runs, and after an outage a
missed step runs only within ``catch_up_within`` of its time (``CatchUp``): a new install or a long outage
never posts a list of people who were never asked.

The ticker's steps are here; what members do is in ``standup_answers`` and what both share (the calendar, time
zones, the summary) in ``standup_days``. ``StandupService`` is all three.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.schedule.standup_answers import StandupAnswers
from bot.schedule.standup_days import summary_job
from bot.schedule.turns import STANDUP_NUDGES
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.standup_views import prompt_message, summary_messages
from bot.tickets.states import ACTIVE_STATUSES
from config.schema import Department, Standup
from storage import jobs, outbox
from storage import standups as entries
from storage import tickets as ticket_rows

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Nudge:
    """A member due a nudge in one stand-up: asked on ``day``, not answered, and ``halfway`` is past."""

    standup: Standup
    department: Department
    user_id: str
    day: str
    halfway: datetime


class StandupService(StandupAnswers):
    """The stand-ups one running bot shares: the ticker's steps here, a member's in ``StandupAnswers``."""

    async def tick(self) -> None:
        """Ask, nudge and summarise whatever is due now; one broken stand-up does not stop the others."""
        now = self.clock.now()
        await self.catch_up.first_started(now)  # a new database's first tick marks where its stand-ups begin
        nudges: list[Nudge] = []
        for standup in self.workspace.standups:
            department = self.workspace.department(standup.department)
            if department is None:
                continue
            try:
                nudges += await self._ask(standup, department, now)
                await self._post_summary(standup, department, now)
            except Exception:
                log.exception("stand-up of %s failed this tick; it is tried again on the next", department.key)
        if nudges:
            await self._nudge(nudges, now)

    async def _ask(self, standup: Standup, department: Department, now: datetime) -> list[Nudge]:
        """Ask the members whose time has come; returns the members due a nudge, for :meth:`_nudge`."""
        members = self.workspace.people_of(department)  # user groups as their members
        zones = await self._zones(members)
        asks: list[tuple[str, str]] = []
        nudges: list[Nudge] = []
        for user_id in members:
            local_day = now.astimezone(zones[user_id]).date()
            if not self._is_standup_day(standup, local_day):
                continue
            start, end = (
                self._moment(local_day, standup.at, zones[user_id]),
                self._moment(local_day, standup.post_at, zones[user_id]),
            )
            # Past post_at the round is over: after an outage nobody is asked for a summary already posted.
            if not start <= now < end:
                continue
            halfway = start + (end - start) / 2
            # A question from before the first start, or too late after an outage, is not sent; the nudge
            # of someone asked before the outage may still be.
            if await self.catch_up.may_run(start, now, self.workspace.catch_up_within):
                asks.append((user_id, local_day.isoformat()))
            if await self.catch_up.may_run(halfway, now, self.workspace.catch_up_within):
                nudges.append(Nudge(standup, department, user_id, local_day.isoformat(), halfway))
        if not asks:
            return nudges
        queued = 0
        async with self.db.transaction() as session:
            existing = {
                (entry.user_id, entry.day)
                for entry in await entries.entries_on(session, department.key, {day for _, day in asks})
            }
            for user_id, day in asks:
                if (user_id, day) in existing:
                    continue
                if await entries.insert_entry(session, department.key, user_id, day, asked_at=now):
                    await self._queue_prompt(session, standup, department, user_id, day, now)
                    queued += 1
        if queued:
            self.outbox.wake()
            log.info("stand-up %s: %s question DM(s) queued", department.key, queued)
        return nudges

    async def _nudge(self, due: list[Nudge], now: datetime) -> None:
        """Nudge, in one transaction on the replica whose turn it is, everyone due one who has not answered: one DM
        per person, naming each of their stand-ups still open."""
        nudged: dict[str, list[Nudge]] = defaultdict(list)
        async with self.db.transaction() as session:
            if not await self.turns.take(session, STANDUP_NUDGES, now):
                return
            by_department: dict[str, list[Nudge]] = defaultdict(list)
            for nudge in due:
                by_department[nudge.department.key].append(nudge)
            for key, nudges in sorted(by_department.items()):
                days = {nudge.day for nudge in nudges}
                existing = {(entry.user_id, entry.day): entry for entry in await entries.entries_on(session, key, days)}
                for nudge in sorted(nudges, key=lambda n: (n.user_id, n.day)):
                    entry = existing.get((nudge.user_id, nudge.day))
                    # Only someone asked before halfway is nudged: after an outage, no prompt and nudge at once.
                    if entry is None or entry.id is None or entry.asked_at is None or entry.asked_at >= nudge.halfway:
                        continue
                    if await entries.claim_nudge(session, entry.id, now):
                        nudged[nudge.user_id].append(nudge)
            for user_id, open_ones in sorted(nudged.items()):
                await self._enqueue(
                    session, now, "chat.postMessage", {"channel": user_id, "text": self._nudge_text(open_ones)}
                )
        if nudged:
            self.outbox.wake()
            log.info("stand-ups: %s nudge DM(s) queued", len(nudged))

    async def _post_summary(self, standup: Standup, department: Department, now: datetime) -> None:
        today = now.astimezone(self.workspace.tz).date()
        if not self._is_standup_day(standup, today):
            return
        due = self._moment(today, standup.post_at, self.workspace.tz)
        if not await self.catch_up.may_run(due, now, self.workspace.catch_up_within):
            return
        target = department.channel or next(iter(self.workspace.leads_of(department)), None)
        day = today.isoformat()
        async with self.db.transaction() as session:
            # No questions went out (the bot was not running yet, or was down beyond the grace period): there
            # is nothing to sum up, and a list of people who were never asked must not reach the channel.
            if not await entries.anyone_asked(session, department.key, day):
                return
            if not await jobs.claim_period(session, summary_job(department.key), day, now):
                return
            summary = await self._summary(session, standup, department, day, now, final=True)
            if target is not None:
                first, *rest = summary_messages(self.translator, summary)
                posted = self._call("chat.postMessage", {"channel": target, **first})
                # A department too big for one message: the other answers follow the first into its thread.
                replies = [
                    self._call("chat.postMessage", {"channel": target, **message}, OutboxPurpose.THREAD_REPLY, posted)
                    for message in rest
                ]
                await outbox.enqueue_calls(session, [posted, *replies], now)
            await jobs.finish(session, summary_job(department.key), day, now)
        if target is not None:
            self.outbox.wake()
        log.info("stand-up %s %s: summary posted to %s", department.key, day, target or "nobody (no channel, no lead)")

    async def _queue_prompt(
        self, session: AsyncSession, standup: Standup, department: Department, user_id: str, day: str, now: datetime
    ) -> None:
        active = [status.value for status in ACTIVE_STATUSES]
        tickets = [self._line(ticket, now) for ticket in await ticket_rows.owned_by(session, user_id, active)]
        message = prompt_message(
            self.translator,
            department_key=department.key,
            department_name=department.name,
            day=day,
            post_at=self._summary_time(standup, day),
            questions=standup.questions,
            tickets=tickets,
        )
        # Its creation time equals the entry's asked_at: that is how the answer finds this DM to update it.
        payload = {"channel": user_id, **message}
        await self._enqueue(session, now, "chat.postMessage", payload, OutboxPurpose.STANDUP_PROMPT)

    def _nudge_text(self, open_ones: list[Nudge]) -> str:
        t = self.translator.t
        if len(open_ones) == 1:
            [one] = open_ones
            return t("standup.nudge", department=one.department.name, day=one.day, post_at=self._post_at(one))
        lines = [t("standup.nudge_many", count=len(open_ones))]
        lines += [
            t("standup.nudge_line", department=one.department.name, day=one.day, post_at=self._post_at(one))
            for one in open_ones
        ]
        lines.append(t("standup.nudge_many_footer"))
        return "\n".join(lines)

    def _post_at(self, nudge: Nudge) -> str:
        return self._summary_time(nudge.standup, nudge.day)
