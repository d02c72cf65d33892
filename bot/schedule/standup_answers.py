"""What members do with a stand-up: open the answer form, answer (or edit the answers), skip the day, read
the summary so far, and turn a blocker into a ticket. An answer arriving after the summary was posted goes to the
department channel on its own; the question DM shows the outcome either way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadRequest
from bot.schedule.standup_days import StandupDays, is_blocker, summary_job
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.standup_views import late_answer_message, settled_prompt, summary_message
from bot.surfaces.text import clip, without_links
from bot.tickets.routing import title_from_text
from config.schema import Department, Standup
from storage import standups as entries
from storage.models import StandupEntry

DESCRIPTION_MAX = 3000


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


class StandupAnswers(StandupDays):
    """A member's side of the stand-up; the ticker's side is ``StandupService`` (``standups``)."""

    async def answer_form(
        self, user_id: str, department_key: str | None = None, day: str | None = None
    ) -> StandupRound:
        """The round ``user_id`` would answer now (today on their clock unless ``day`` is given)."""
        standup, department = self._standup_of(user_id, department_key, must_be_member=True)
        async with self.db.read() as session:
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
                await self._enqueue(session, now, "chat.postMessage", {"channel": department.channel, **late})
        self.outbox.wake()

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
        self.outbox.wake()
        return StandupRound(department.key, department.name, user_id, day, list(standup.questions))

    async def summary_so_far(self, user_id: str, department_key: str | None = None) -> dict[str, Any]:
        """Today's summary (workspace calendar) as it stands, for ``/standup summary``: ``text`` + ``blocks``."""
        standup, department = self._standup_of(user_id, department_key, must_be_member=False)
        now = self.clock.now()
        day = now.astimezone(self.workspace.tz).date().isoformat()
        async with self.db.read() as session:
            posted = await entries.period_claimed(session, summary_job(department.key), day)
            summary = await self._summary(session, standup, department, day, now, final=posted)
        return summary_message(self.translator, summary)

    async def blocker_draft(self, entry_id: int) -> BlockerDraft:
        """A new ticket's title and description from the blocker answer of stand-up entry ``entry_id``."""
        async with self.db.read() as session:
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
            allowed = user_id in self.workspace.people_of(named[1]) or (
                not must_be_member and user_id in self.workspace.admins
            )
            if not allowed:
                raise BadRequest("standup.error.not_member_of", department=named[1].name)
            return named
        mine = next(((s, d) for s, d in pairs if user_id in self.workspace.people_of(d)), None)
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
        entries.save(session, entry)
        if entry.prompt_channel and entry.prompt_ts:
            payload = {"channel": entry.prompt_channel, "ts": entry.prompt_ts, **message}
            await self._enqueue(session, now, "chat.update", payload)
