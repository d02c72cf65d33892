"""Daily stand-ups: ask each member at ``at`` on their own clock, nudge once halfway, summarise at ``post_at``.

Every step is a claim in the database made in the same transaction that queues its Slack messages — the
member's entry insert (ask), a guarded update (nudge), a (job, period) row (summary) — so replicas ticking
together and restarts after an outage do each step once. Asking and nudging follow the member's time zone
(their Slack time zone when known, else the workspace's); the summary follows the workspace's clock, so a
department gets one summary a day at one time everyone in the file can read; members whose own ``at`` is
still ahead are listed as "asked later", and an answer that arrives after the summary is posted to the
channel on its own.

A summary is posted only for a stand-up whose questions went out, and lists as not answering only members who
were asked. A step whose time came before the database first ran the bot never runs, and after an outage a
missed step runs only within ``catch_up_within`` of its time (``CatchUp``): a new install or a long outage
never posts a list of people who were never asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadRequest
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.schedule.catch_up import CatchUp
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.standup_views import (
    AnsweredEntry,
    Summary,
    TicketLine,
    late_answer_message,
    prompt_message,
    settled_prompt,
    summary_message,
    summary_messages,
)
from bot.surfaces.text import clip, without_links
from bot.tickets.notices import TicketMessenger
from bot.tickets.routing import title_from_text
from bot.tickets.service import is_overdue
from bot.tickets.states import ACTIVE_STATUSES
from config.schema import WEEKDAYS, Department, Standup, WorkspaceConfig
from storage import jobs, outbox
from storage import standups as entries
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import OutboxMessage, StandupEntry, Ticket

log = logging.getLogger(__name__)

# Answers to "Anything blocking you?" that mean "no": they get no "make a ticket" button.
NOT_A_BLOCKER = frozenset(
    {
        "",
        "-",
        "—",
        "no",
        "nope",
        "none",
        "nothing",
        "n/a",
        "na",
        "no blockers",
        "nothing blocking",
        "无",
        "没有",
        "暂无",
    }
)
DESCRIPTION_MAX = 3000


def summary_job(department_key: str) -> str:
    return f"standup:{department_key}"


def is_blocker(answer: str | None) -> bool:
    return (answer or "").strip().strip(".!。！").lower() not in NOT_A_BLOCKER


@dataclass(frozen=True)
class StandupRound:
    """One member's stand-up on one day, as the answer form shows it."""

    department_key: str
    department_name: str
    user_id: str
    day: str
    questions: list[str]
    previous: list[str] | None = None  # answers given earlier that day, to edit


@dataclass(frozen=True)
class BlockerDraft:
    """What the new-ticket form is prefilled with when a blocker becomes a ticket, as Slack text (the form shows
    it as plain text, with names: ``bot.profiles.readable``)."""

    title: str
    description: str


class StandupService(OutboxWriter):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig,
        clock: Clock,
        messages: TicketMessenger,
        on_outbox: Callable[[], None] | None = None,
        *,
        catch_up: CatchUp | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, on_outbox)
        self.messages = messages
        self.catch_up = catch_up or CatchUp(db, clock)

    @property
    def translator(self) -> Translator:
        return self.messages.translator

    # ------------------------------------------------------------------ the ticker

    async def tick(self) -> None:
        """Ask, nudge and summarise whatever is due now; one broken stand-up does not stop the others."""
        now = self.clock.now()
        await self.catch_up.first_started(now)  # a new database's first tick marks where its stand-ups begin
        for standup in self.workspace.standups:
            department = self.workspace.department(standup.department)
            if department is None:
                continue
            try:
                await self._ask_and_nudge(standup, department, now)
                await self._post_summary(standup, department, now)
            except Exception:
                log.exception("stand-up of %s failed this tick; it is tried again on the next", department.key)

    async def _ask_and_nudge(self, standup: Standup, department: Department, now: datetime) -> None:
        zones = await self._zones(department.members)
        asks: list[tuple[str, str]] = []
        nudges: list[tuple[str, str, datetime]] = []
        for user_id in department.members:
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
                nudges.append((user_id, local_day.isoformat(), halfway))
        if not asks and not nudges:
            return
        queued = 0
        days = {day for _, day in asks} | {day for _, day, _ in nudges}
        async with self.db.transaction() as session:
            existing = {
                (entry.user_id, entry.day): entry for entry in await entries.entries_on(session, department.key, days)
            }
            for user_id, day in asks:
                if (user_id, day) in existing:
                    continue
                if await entries.insert_entry(session, department.key, user_id, day, asked_at=now):
                    await self._queue_prompt(session, standup, department, user_id, day, now)
                    queued += 1
            for user_id, day, halfway in nudges:
                entry = existing.get((user_id, day))
                # Only someone asked before halfway is nudged: after an outage, no prompt and nudge at once.
                if entry is None or entry.id is None or entry.asked_at is None or entry.asked_at >= halfway:
                    continue
                if await entries.claim_nudge(session, entry.id, now):
                    self._queue_nudge(session, standup, department, user_id, day, now)
                    queued += 1
        if queued:
            self._on_outbox()
            log.info("stand-up %s: %s question or nudge DM(s) queued", department.key, queued)

    async def _post_summary(self, standup: Standup, department: Department, now: datetime) -> None:
        today = now.astimezone(self.workspace.tz).date()
        if not self._is_standup_day(standup, today):
            return
        due = self._moment(today, standup.post_at, self.workspace.tz)
        if not await self.catch_up.may_run(due, now, self.workspace.catch_up_within):
            return
        target = department.channel or department.lead
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
                posted = self._enqueue(session, now, "chat.postMessage", {"channel": target, **first})
                if rest:
                    await session.flush()  # the replies need the summary's row id to follow it into its thread
                for message in rest:  # a department too big for one message: the other answers in the thread
                    payload = {"channel": target, **message}
                    self._enqueue(session, now, "chat.postMessage", payload, OutboxPurpose.THREAD_REPLY, after=posted)
            await jobs.finish(session, summary_job(department.key), day, now)
        if target is not None:
            self._on_outbox()
        log.info("stand-up %s %s: summary posted to %s", department.key, day, target or "nobody (no channel, no lead)")

    # ------------------------------------------------------------------ what members do

    async def answer_form(
        self, user_id: str, department_key: str | None = None, day: str | None = None
    ) -> StandupRound:
        """The round ``user_id`` would answer now (today on their clock unless ``day`` is given)."""
        standup, department = self._standup_of(user_id, department_key, must_be_member=True)
        async with self.db.transaction() as session:
            day = day or await self._today_for(session, standup, department, user_id)
            entry = await entries.entry(session, department.key, user_id, day)
        previous = list(entry.answers) if entry is not None and entry.answers and not entry.skipped else None
        return StandupRound(department.key, department.name, user_id, day, list(standup.questions), previous)

    async def answer(
        self,
        department_key: str,
        user_id: str,
        day: str,
        answers: Sequence[str | None],
        prompt: tuple[str, str] | None = None,
    ) -> None:
        """Record (or replace) a member's answers; the question DM shows them, a late answer goes to the channel."""
        standup, department = self._standup_of(user_id, department_key, must_be_member=True)
        questions = list(standup.questions)
        cleaned = [(answer or "").strip() for answer in list(answers)[: len(questions)]]
        cleaned += [""] * (len(questions) - len(cleaned))
        now = self.clock.now()
        async with self.db.transaction() as session:
            entry = await self._entry_for_update(session, department.key, user_id, day)
            entry.answers, entry.answered_at, entry.skipped = cleaned, now, False
            outcome = self.translator.t("standup.answered", department=department.name, day=day)
            message = settled_prompt(
                self.translator,
                outcome=outcome,
                department_key=department.key,
                day=day,
                questions=questions,
                answers=cleaned,
            )
            await self._settle(session, entry, prompt, message, now)
            if department.channel and await entries.period_claimed(session, summary_job(department.key), day):
                late = late_answer_message(
                    self.translator,
                    user_id=user_id,
                    department_name=department.name,
                    day=day,
                    questions=questions,
                    answers=cleaned,
                )
                self._enqueue(session, now, "chat.postMessage", {"channel": department.channel, **late})
        self._on_outbox()

    async def skip(
        self,
        user_id: str,
        department_key: str | None = None,
        day: str | None = None,
        prompt: tuple[str, str] | None = None,
    ) -> StandupRound:
        """Skip the day's stand-up; refused once answered (editing the answers is the way to change them)."""
        standup, department = self._standup_of(user_id, department_key, must_be_member=True)
        now = self.clock.now()
        async with self.db.transaction() as session:
            day = day or await self._today_for(session, standup, department, user_id)
            entry = await self._entry_for_update(session, department.key, user_id, day)
            if entry.answered_at is not None and not entry.skipped:
                raise BadRequest("standup.error.already_answered", department=department.name, day=day)
            entry.skipped = True
            outcome = self.translator.t("standup.skipped", department=department.name, day=day)
            message = settled_prompt(
                self.translator, outcome=outcome, department_key=department.key, day=day, questions=[], answers=None
            )
            await self._settle(session, entry, prompt, message, now)
        self._on_outbox()
        return StandupRound(department.key, department.name, user_id, day, list(standup.questions))

    async def summary_so_far(self, user_id: str, department_key: str | None = None) -> dict[str, Any]:
        """Today's summary (workspace calendar) as it stands, for ``/standup summary``: ``text`` + ``blocks``."""
        standup, department = self._standup_of(user_id, department_key, must_be_member=False)
        now = self.clock.now()
        day = now.astimezone(self.workspace.tz).date().isoformat()
        async with self.db.transaction() as session:
            posted = await entries.period_claimed(session, summary_job(department.key), day)
            summary = await self._summary(session, standup, department, day, now, final=posted)
        return summary_message(self.translator, summary)

    async def blocker_draft(self, entry_id: int) -> BlockerDraft:
        """A new ticket's title and description from the blocker answer of stand-up entry ``entry_id``."""
        async with self.db.transaction() as session:
            entry = await entries.by_id(session, entry_id)
        if entry is None or not entry.answers or not is_blocker(entry.answers[-1]):
            raise BadRequest("standup.error.entry_gone")
        answer = entry.answers[-1]
        description = self.translator.t(
            "standup.blocker_description",
            user=entry.user_id,
            department=self.messages.department_name(entry.department_key),
            day=entry.day,
            answer=answer,
        )
        title = title_from_text(without_links(answer))
        return BlockerDraft(title=title, description=clip(description, DESCRIPTION_MAX))

    # ------------------------------------------------------------------ helpers

    def _standup_of(
        self, user_id: str, department_key: str | None, *, must_be_member: bool
    ) -> tuple[Standup, Department]:
        """The stand-up ``user_id`` means: the one named, else the first of theirs in the file."""
        pairs = [
            (standup, department)
            for standup in self.workspace.standups
            if (department := self.workspace.department(standup.department)) is not None
        ]
        if department_key is not None:
            named = next(((s, d) for s, d in pairs if d.key == department_key.upper()), None)
            if named is None:
                raise BadRequest("standup.error.unknown_department", department=department_key.upper())
            allowed = user_id in named[1].members or (not must_be_member and user_id in self.workspace.admins)
            if not allowed:
                raise BadRequest("standup.error.not_member_of", department=named[1].name)
            return named
        mine = next(((s, d) for s, d in pairs if user_id in d.members), None)
        if mine is None:
            raise BadRequest("standup.error.not_member")
        return mine

    async def _today_for(self, session: AsyncSession, standup: Standup, department: Department, user_id: str) -> str:
        zone = (await self._zones([user_id], session))[user_id]
        today = self.clock.now().astimezone(zone).date()
        if not self._is_standup_day(standup, today):
            raise BadRequest("standup.error.no_standup_today", department=department.name, day=today.isoformat())
        return today.isoformat()

    async def _entry_for_update(
        self, session: AsyncSession, department_key: str, user_id: str, day: str
    ) -> StandupEntry:
        """The member's entry for ``day``, created (not asked) if they answer before being asked."""
        await entries.insert_entry(session, department_key, user_id, day, asked_at=None)
        entry = await entries.entry(session, department_key, user_id, day, for_update=True)
        assert entry is not None, "inserted or already there"
        return entry

    async def _settle(
        self,
        session: AsyncSession,
        entry: StandupEntry,
        prompt: tuple[str, str] | None,
        message: dict[str, Any],
        now: datetime,
    ) -> None:
        """Show the outcome on the question DM, wherever it is known to be."""
        if prompt is not None:
            entry.prompt_channel, entry.prompt_ts = prompt
        elif entry.prompt_ts is None and entry.asked_at is not None:
            found = await entries.sent_prompt(
                session, OutboxPurpose.STANDUP_PROMPT.value, entry.user_id, entry.asked_at
            )
            if found is not None:
                entry.prompt_channel, entry.prompt_ts = found
        session.add(entry)
        if entry.prompt_channel and entry.prompt_ts:
            payload = {"channel": entry.prompt_channel, "ts": entry.prompt_ts, **message}
            self._enqueue(session, now, "chat.update", payload)

    async def _summary(
        self, session: AsyncSession, standup: Standup, department: Department, day: str, now: datetime, *, final: bool
    ) -> Summary:
        by_user = {entry.user_id: entry for entry in await entries.entries_on(session, department.key, [day])}
        zones = await self._zones(department.members, session)
        summary = Summary(department_name=department.name, day=day, questions=list(standup.questions), final=final)
        active = [status.value for status in ACTIVE_STATUSES]
        for user_id in department.members:
            entry = by_user.get(user_id)
            if entry is not None and entry.skipped:
                summary.skipped.append(user_id)
            elif entry is not None and entry.answered_at is not None and entry.answers is not None and entry.id:
                answers = list(entry.answers)
                summary.answered.append(AnsweredEntry(entry.id, user_id, answers, is_blocker(answers[-1])))
            elif entry is not None and entry.asked_at is not None:
                summary.missing.append(user_id)
            elif entry is None and now < self._moment(date.fromisoformat(day), standup.at, zones[user_id]):
                summary.later.append(user_id)
            # Anyone else was never asked (not yet running, down too long, joined after their time): not listed.
            owned = await ticket_rows.owned_by(session, user_id, active)
            summary.overdue[user_id] = [
                self._line(ticket, now, in_channel=True) for ticket in owned if is_overdue(ticket, now)
            ]
        return summary

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
        self._enqueue(session, now, "chat.postMessage", {"channel": user_id, **message}, OutboxPurpose.STANDUP_PROMPT)

    def _queue_nudge(
        self, session: AsyncSession, standup: Standup, department: Department, user_id: str, day: str, now: datetime
    ) -> None:
        text = self.translator.t(
            "standup.nudge", department=department.name, day=day, post_at=self._summary_time(standup, day)
        )
        self._enqueue(session, now, "chat.postMessage", {"channel": user_id, "text": text})

    def _summary_time(self, standup: Standup, day: str) -> str:
        """When the summary of ``day`` goes out, as a date Slack shows in each reader's own time zone."""
        return self.messages.date(self._moment(date.fromisoformat(day), standup.post_at, self.workspace.tz))

    @staticmethod
    def _enqueue(
        session: AsyncSession,
        now: datetime,
        method: str,
        payload: dict[str, Any],
        purpose: OutboxPurpose = OutboxPurpose.NOTICE,
        *,
        after: OutboxMessage | None = None,
    ) -> OutboxMessage:
        return outbox.enqueue(session, method=method, payload=payload, purpose=purpose.value, now=now, depends_on=after)

    def _line(self, ticket: Ticket, now: datetime, *, in_channel: bool = False) -> TicketLine:
        """A ticket as a stand-up shows it; in the department channel's summary a private one keeps its title to
        itself (anyone may be in a channel)."""
        title = self.translator.t("ticket.private_title") if in_channel and ticket.is_private else ticket.title
        return TicketLine(ticket.key, title, ticket.status, is_overdue(ticket, now))

    def _is_standup_day(self, standup: Standup, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in standup.days and day not in self.workspace.holidays

    @staticmethod
    def _moment(day: date, at: time, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, at, tzinfo=zone)

    async def _zones(self, user_ids: Sequence[str], session: AsyncSession | None = None) -> dict[str, ZoneInfo]:
        """Each member's time zone: their Slack one when recorded (and valid), else the workspace's."""
        if session is None:
            async with self.db.transaction() as own:
                names = await entries.time_zones(own, user_ids)
        else:
            names = await entries.time_zones(session, user_ids)
        zones: dict[str, ZoneInfo] = {}
        for user_id in user_ids:
            zones[user_id] = self.workspace.tz
            if user_id in names:
                try:
                    zones[user_id] = ZoneInfo(names[user_id])
                except (ZoneInfoNotFoundError, ValueError):
                    log.warning("member %s has an unknown time zone %r; using the workspace's", user_id, names[user_id])
        return zones
