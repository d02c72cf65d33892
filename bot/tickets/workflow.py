"""Changes to an existing ticket: acknowledge, hand off (with acceptance), escalate, pause and resume, resolve,
confirm, close, reopen, the auto-close of quiet resolved tickets, consults (asking another department), linking
two tickets or closing one as a duplicate of another, and the satisfaction rating a resolved ticket asks for.

Buttons, subcommands, modals and reactions all end here, so each action has one behaviour. Every verb is one
transaction of the same skeleton (``bot.tickets.change``: load, checks, who and when, outbox, commit); this class
lists the verbs, and each is written once in its topic's module next to this one: ``handoffs``, ``escalation``,
``pauses`` (with the requester's answers), ``resolution``, ``consults``, ``links``, ``satisfaction``.
"""

from __future__ import annotations

from datetime import datetime

from bot.outbox.interface import Outbox
from bot.runtime.clock import Clock
from bot.runtime.metrics import Metrics
from bot.tickets import consults, escalation, handoffs, links, pauses, permissions, resolution, satisfaction
from bot.tickets.answers import DmAnswer
from bot.tickets.change import ChangeRunner, parties, parties_in, require_active, require_offer
from bot.tickets.consults import Asked, Question
from bot.tickets.escalation import raised as raised  # the priority one level up; part of this module's public face
from bot.tickets.links import Duplicated, Linked
from bot.tickets.notices import TicketMessenger
from bot.tickets.opening import TicketOpener
from bot.tickets.permissions import Action
from bot.tickets.prompts import PromptRef
from bot.tickets.satisfaction import Rated
from bot.tickets.states import Status
from config.live import LiveWorkspace
from config.schema import WorkspaceConfig
from storage.consults import CONSULT
from storage.database import Database
from storage.models import Ticket


class WorkflowService(ChangeRunner):
    def __init__(
        self,
        db: Database,
        workspace: WorkspaceConfig | LiveWorkspace,
        clock: Clock,
        outbox: Outbox,
        messages: TicketMessenger,
        metrics: Metrics | None = None,
        opener: TicketOpener | None = None,
    ) -> None:
        super().__init__(db, workspace, clock, outbox, messages, metrics)
        # A consult is opened as any ticket is (numbered, owned in turn); the running bot shares its opener.
        self.opener = opener or TicketOpener(db, self.live, clock, outbox, messages, self.metrics)

    # ------------------------------------------------------------------ permission checks without changes

    async def check(self, key: str, actor_id: str, action: Action) -> Ticket:
        """Refuse early (before a form opens) when ``actor_id`` may not do ``action``; changes nothing."""
        async with self.db.read() as session:
            ticket = await self.load(session, key, for_update=False)
            who = await parties_in(session, ticket)
        permissions.require(actor_id, action, who, self.workspace)
        if action != Action.REOPEN:
            require_active(ticket)
        return ticket

    async def check_handoff_answer(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        async with self.db.read() as session:
            ticket = await self.load(session, key, for_update=False)
            await self.require_current(session, ticket, prompt)
        require_offer(ticket)
        permissions.require(actor_id, Action.ANSWER_HANDOFF, parties(ticket), self.workspace)
        return ticket

    # ------------------------------------------------------------------ the verbs

    async def acknowledge(self, key: str, actor_id: str) -> Ticket:
        async with self.change(key, actor_id, Action.ACKNOWLEDGE) as change:
            await change.acknowledge()
            await change.say("thread.acknowledged")
        return change.ticket

    async def request_handoff(
        self, key: str, actor_id: str, new_owner_id: str, department_key: str | None = None, reason: str | None = None
    ) -> Ticket:
        """Offer the ticket to ``new_owner_id`` (:func:`handoffs.offer`)."""
        return await handoffs.offer(self, key, actor_id, new_owner_id, department_key, reason)

    async def accept_handoff(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        return await handoffs.accept(self, key, actor_id, prompt)

    async def decline_handoff(
        self, key: str, actor_id: str, reason: str | None, prompt: PromptRef | None = None
    ) -> Ticket:
        return await handoffs.decline(self, key, actor_id, reason, prompt)

    async def escalate(
        self, key: str, actor_id: str, reason: str | None = None, *, event_id: str | None = None
    ) -> Ticket:
        """Raise priority, ping the lead and the department channel (:func:`escalation.escalate`)."""
        return await escalation.escalate(self, key, actor_id, reason, event_id)

    async def pause(self, key: str, actor_id: str, target: Status, note: str | None = None) -> Ticket:
        """Waiting on the requester, or blocked (:func:`pauses.pause`)."""
        return await pauses.pause(self, key, actor_id, target, note)

    async def resume(self, key: str, actor_id: str) -> Ticket:
        return await pauses.resume(self, key, actor_id)

    async def answer_in_thread(
        self, *, channel: str, thread_ts: str, user_id: str, text: str, ts: str, event_id: str | None
    ) -> Ticket | None:
        """The requester's reply in a waiting ticket's thread (:func:`pauses.answer_in_thread`)."""
        return await pauses.answer_in_thread(
            self, channel=channel, thread_ts=thread_ts, user_id=user_id, text=text, ts=ts, event_id=event_id
        )

    async def answer_by_dm(
        self, *, channel: str, user_id: str, text: str, ts: str, thread_ts: str | None, event_id: str | None
    ) -> DmAnswer:
        """A DM to the bot answering a waiting ticket (:func:`pauses.answer_by_dm`)."""
        return await pauses.answer_by_dm(
            self, channel=channel, user_id=user_id, text=text, ts=ts, thread_ts=thread_ts, event_id=event_id
        )

    async def resolve(self, key: str, actor_id: str, note: str | None = None) -> Ticket:
        return await resolution.resolve(self, key, actor_id, note)

    async def confirm(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        """The requester agrees the ticket is resolved: it closes."""
        return await resolution.close(self, key, actor_id, None, prompt)

    async def close(self, key: str, actor_id: str, note: str | None = None) -> Ticket:
        """``/ticket close``: resolve an active ticket, close a resolved one."""
        return await resolution.close_or_resolve(self, key, actor_id, note)

    async def reopen(
        self, key: str, actor_id: str, reason: str | None = None, prompt: PromptRef | None = None
    ) -> Ticket:
        return await resolution.reopen(self, key, actor_id, reason, prompt)

    # ------------------------------------------------------------------ consults (bot.tickets.consults)

    async def ask(self, question: Question) -> Asked:
        """Ask another department about a ticket: a consult of its own there; the ticket keeps its owner."""
        return await consults.ask(self, self.opener, question)

    async def answer(self, key: str, actor_id: str, text: str | None) -> Asked:
        return await consults.answer(self, key, actor_id, text)

    async def decline_consult(self, key: str, actor_id: str, reason: str | None) -> Asked:
        return await consults.decline(self, key, actor_id, reason)

    async def decline(self, key: str, actor_id: str, reason: str | None) -> Ticket | Asked:
        """``/ticket decline KEY <reason>``: a hand-off offered to the person declining (the ticket), else a
        consult (what was asked of whom), else the hand-off refusal saying what is wrong."""
        async with self.db.read() as session:
            ticket = await self.load(session, key, for_update=False)
        if ticket.kind == CONSULT and ticket.pending_owner_id != actor_id:
            return await consults.decline(self, key, actor_id, reason)
        return await self.decline_handoff(key, actor_id, reason)

    async def wait_for_consult(self, key: str, actor_id: str, consult_key: str) -> Asked:
        """The ticket waits for its consult's answer, its clock stopped."""
        return await consults.wait_for(self, key, actor_id, consult_key)

    async def check_ask(self, key: str, actor_id: str) -> Ticket:
        return await consults.check_ask(self, key, actor_id)

    async def check_answer(self, key: str, actor_id: str) -> tuple[Ticket, Ticket]:
        return await consults.check_answer(self, key, actor_id)

    async def auto_close(self, now: datetime | None = None) -> list[str]:
        """Close resolved tickets that stayed quiet (:func:`resolution.auto_close`); returns their keys."""
        return await resolution.auto_close(self, now)

    async def link(self, key: str, other_key: str, actor_id: str) -> Linked:
        """Relate two tickets (:func:`links.link`)."""
        return await links.link(self, key, other_key, actor_id)

    async def duplicate(self, key: str, other_key: str, actor_id: str) -> Duplicated:
        """Close ``key`` as a duplicate of ``other_key``; its requester follows that one (:func:`links.duplicate`)."""
        return await links.duplicate(self, key, other_key, actor_id)

    # ------------------------------------------------------------------ satisfaction (bot.tickets.satisfaction)

    async def rate(self, key: str, actor_id: str, value: str, prompt: PromptRef | None = None) -> Rated:
        """A score (a rating button's value, ``1``…``5``) from someone asked to rate ``key``, once."""
        return await satisfaction.rate(self, key, actor_id, value, prompt)

    async def check_rating_comment(self, key: str, actor_id: str, prompt: PromptRef | None = None) -> Ticket:
        return await satisfaction.check_comment(self, key, actor_id, prompt)

    async def comment_rating(
        self, key: str, actor_id: str, text: str | None, prompt: PromptRef | None = None
    ) -> Ticket:
        return await satisfaction.comment(self, key, actor_id, text, prompt)
