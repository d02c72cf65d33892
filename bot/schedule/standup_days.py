"""What a stand-up's day is made of, shared by the ticker (``standups``) and what members do
(``standup_answers``): the days and moments it runs at on each member's clock, which answer is a blocker, the
summary as it stands, and the Slack messages both queue in their transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.interface import Outbox
from bot.outbox.writer import OutboxWriter
from bot.runtime.clock import Clock
from bot.schedule.catch_up import CatchUp
from bot.schedule.turns import Turns
from bot.surfaces.consult_card import shown_status
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.standup_views import AnsweredEntry, Summary, TicketLine
from bot.tickets.notices import TicketMessenger
from bot.tickets.service import is_overdue
from bot.tickets.states import ACTIVE_STATUSES
from config.live import LiveWorkspace
from config.schema import WEEKDAYS, Department, Standup, WorkspaceConfig
from storage import outbox
from storage import standups as entries
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import Ticket

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


def summary_job(department_key: str) -> str:
    return f"standup:{department_key}"


def is_blocker(answer: str | None) -> bool:
    return (answer or "").strip().strip(".!。！").lower() not in NOT_A_BLOCKER


class StandupDays(OutboxWriter):
    """The stand-ups of the workspace file, day by day; ``StandupService`` builds on it."""

    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        *,
        catch_up: CatchUp | None = None,
        turns: Turns | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox)
        self.messages = messages
        self.catch_up = catch_up or CatchUp(db, clock)
        self.turns = turns or Turns()  # nudges go out from one replica per tick, one DM per person

    @property
    def translator(self) -> Translator:
        return self.messages.translator

    async def _summary(
        self, session: AsyncSession, standup: Standup, department: Department, day: str, now: datetime, *, final: bool
    ) -> Summary:
        by_user = {entry.user_id: entry for entry in await entries.entries_on(session, department.key, [day])}
        members = self.workspace.people_of(department)  # user groups as their members
        zones = await self._zones(members, session)
        summary = Summary(department_name=department.name, day=day, questions=list(standup.questions), final=final)
        active = [status.value for status in ACTIVE_STATUSES]
        for user_id in members:
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

    def _summary_time(self, standup: Standup, day: str) -> str:
        """When the summary of ``day`` goes out, as a date Slack shows in each reader's own time zone."""
        return self.messages.date(self._moment(date.fromisoformat(day), standup.post_at, self.workspace.tz))

    @staticmethod
    def _call(
        method: str,
        payload: dict[str, Any],
        purpose: OutboxPurpose = OutboxPurpose.NOTICE,
        after: outbox.Call | None = None,
    ) -> outbox.Call:
        return outbox.Call(method, payload, purpose.value, after=after)

    async def _enqueue(
        self,
        session: AsyncSession,
        now: datetime,
        method: str,
        payload: dict[str, Any],
        purpose: OutboxPurpose = OutboxPurpose.NOTICE,
    ) -> None:
        await outbox.enqueue_calls(session, [self._call(method, payload, purpose)], now)

    def _line(self, ticket: Ticket, now: datetime, *, in_channel: bool = False) -> TicketLine:
        """A ticket as a stand-up shows it; in the department channel's summary a private one keeps its title to
        itself (anyone may be in a channel)."""
        title = self.translator.t("ticket.private_title") if in_channel and ticket.is_private else ticket.title
        status = shown_status(ticket.status, ticket.blocked_on_id is not None)  # waiting on another department?
        return TicketLine(ticket.key, title, status, is_overdue(ticket, now))

    def _is_standup_day(self, standup: Standup, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in standup.days and day not in self.workspace.holidays

    @staticmethod
    def _moment(day: date, at: time, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, at, tzinfo=zone)

    async def _zones(self, user_ids: Sequence[str], session: AsyncSession | None = None) -> dict[str, ZoneInfo]:
        """Each member's time zone: their Slack one when recorded (and valid), else the workspace's."""
        if session is None:
            async with self.db.read() as own:
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
