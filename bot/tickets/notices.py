"""The Slack messages a ticket change causes, queued in the outbox inside the change's own transaction.

Services decide *what* happened; this module decides what people see because of it: the card, the
one-line thread entry (who, what, when), DMs, channel notices, ephemeral notes and App Home.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.surfaces.cards import Block, CardData, card_message, settled_prompt, slack_date
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.tickets import prompts
from bot.tickets.relations import NONE, Relations, linked_work
from config.schema import WorkspaceConfig
from storage import links as link_rows
from storage import outbox
from storage.models import OutboxMessage, Ticket
from storage.prompts import prompts_of

CARD_LINK = "{card_link}"  # replaced by the notifier with the card's permalink once the card exists
SYSTEM_ACTOR = "crossdesk"  # the actor of changes nobody made by hand (auto-close)
_REMINDERS_NOTE = "reminders:"  # the note of an escalation by the reminder ladder, with how many went unanswered
_PATH_SEPARATOR = " → "  # the note of an escalation for bouncing: the departments it passed through


def reminders_note(count: int) -> str:
    """The event note of an escalation after ``count`` unanswered reminders (a code; :meth:`TicketMessenger.
    event_note` words it)."""
    return f"{_REMINDERS_NOTE}{count}"


def bounce_note(path: Sequence[str]) -> str:
    """The event note of an escalation for bouncing between the departments ``path`` (keys)."""
    return _PATH_SEPARATOR.join(path)


class TicketMessenger:
    def __init__(self, workspace: WorkspaceConfig, translator: Translator) -> None:
        self.workspace = workspace
        self.translator = translator

    def t(self, message_key: str, /, **params: Any) -> str:
        return self.translator.t(message_key, **params)

    def date(self, moment: datetime | None) -> str:
        return slack_date(moment, self.workspace.tz, self.translator)

    def who(self, actor_id: str) -> str:
        """``<@U…>`` for a person, the bot's name for changes it made itself."""
        return f"<@{actor_id}>" if actor_id[:1] in ("U", "W") else self.t("actor.system")

    def link(self) -> str:
        return self.t("dm.open_ticket", url=CARD_LINK)

    def department_name(self, key: str) -> str:
        department = self.workspace.department(key)
        return department.name if department else key

    def action(self, action: str) -> str:
        """What an event's action reads as in a ticket's history ("escalated it"); never the stored code."""
        key = f"action.{action}"
        return self.t(key) if self.translator.has(key) else self.t("action.other")

    def event_note(self, actor_id: str, action: str, note: str | None) -> str | None:
        """An event's note as people read it: what someone typed as it is, what the bot wrote in words."""
        if not note or actor_id != SYSTEM_ACTOR or action != "escalated":
            return note
        if note.startswith(_REMINDERS_NOTE) and note[len(_REMINDERS_NOTE) :].isdigit():
            return self.t("event.reminders_escalated", count=int(note[len(_REMINDERS_NOTE) :]))
        path = _PATH_SEPARATOR.join(self.department_name(key) for key in note.split(_PATH_SEPARATOR))
        return self.t("thread.bounce_note", path=path)

    def card_data(self, ticket: Ticket, relations: Relations | None = None) -> CardData:
        """What the card shows; ``relations`` (read by the outbox sender when it draws the card) add its linked
        work: related tickets, duplicates, the other requesters."""
        return CardData(
            key=ticket.key,
            title=ticket.title,
            department_name=self.department_name(ticket.department_key),
            owner_id=ticket.owner_id,
            requester_id=ticket.requester_id,
            priority=ticket.priority,
            status=ticket.status,
            source=ticket.source,
            ack_due_at=ticket.ack_due_at,
            resolve_due_at=ticket.resolve_due_at,
            pending_owner_id=ticket.pending_owner_id,
            bounce_count=ticket.bounce_count,
            escalation_level=ticket.escalation_level,
            links=linked_work(ticket, relations or NONE, self.department_name),
        )

    def card_payload(self, ticket: Ticket, relations: Relations | None = None) -> dict[str, Any]:
        """``text`` + ``blocks`` of the card as the ticket is now (with its linked work, when given)."""
        return card_message(self.card_data(ticket, relations), self.translator, self.workspace.tz)

    def card_home(self, ticket: Ticket) -> tuple[str, str | None]:
        """Where the card goes: into the origin message's thread, else the department channel.

        A private ticket's card goes to its owner's DM with the bot: the one place sure to hold nobody but a person
        allowed to see it (a department channel or the conversation it came from may hold anyone).
        """
        if ticket.is_private:
            return ticket.owner_id, None
        if ticket.thread_channel:
            return ticket.thread_channel, ticket.thread_ts
        department = self.workspace.department(ticket.department_key)
        if department is not None and department.channel:
            return department.channel, None
        if self.workspace.intake_channels:
            return self.workspace.intake_channels[0], None
        return ticket.requester_id, None  # a DM with the requester: there is always somewhere to put it

    def fallback_home(self, ticket: Ticket) -> str:
        """The department channel (else the first intake channel, else the requester's DM) for a card whose
        own thread cannot be reached; a private ticket's stays with its owner."""
        if ticket.is_private:
            return ticket.owner_id
        department = self.workspace.department(ticket.department_key)
        if department is not None and department.channel:
            return department.channel
        if self.workspace.intake_channels:
            return self.workspace.intake_channels[0]
        return ticket.requester_id

    def new_ticket(self, ticket: Ticket) -> list[outbox.Call]:
        """The card, the owner's DM and the department's notice for a ticket just opened (``ticket.id`` set).

        The DM and the notice wait for the card: they link to it.
        """
        channel, thread_ts = self.card_home(ticket)
        # Where the card goes, not what it says: the sender renders its text and blocks from the ticket as it is
        # when the card is sent (as for a card update), so a card held up by a Slack outage never shows a status
        # the ticket has left, and the row stays a few bytes instead of the card's two kilobytes.
        payload: dict[str, Any] = {"channel": channel}
        if thread_ts:
            payload["thread_ts"] = thread_ts
        card = outbox.Call("chat.postMessage", payload, OutboxPurpose.CARD.value, ticket.id)
        priority = self.t("priority." + ticket.priority)
        dm_text = self.t(
            "dm.new_ticket",
            key=ticket.key,
            priority=priority,
            requester=ticket.requester_id,
            title=ticket.title,
            ack_due=self.date(ticket.ack_due_at),
            link=self.link(),
        )
        calls = [card, self._post_call(ticket, ticket.owner_id, dm_text, card)]
        department = self.workspace.department(ticket.department_key)
        if department is not None and department.channel and department.channel != channel:
            if ticket.is_private:  # the channel learns that there is work and who has it, not what it is
                notice = self.t(
                    "department.new_private_ticket", key=ticket.key, priority=priority, owner=ticket.owner_id
                )
            else:
                notice = self.t(
                    "department.new_ticket",
                    key=ticket.key,
                    priority=priority,
                    owner=ticket.owner_id,
                    title=ticket.title,
                    link=self.link(),
                )
            calls.append(self._post_call(ticket, department.channel, notice, card))
        if ticket.is_private and ticket.source in ("message", "reaction") and ticket.requester_id != ticket.owner_id:
            # No card answers them where they asked, and nobody else told them (a command or a form answers itself).
            told = self.t("dm.private_ticket_opened", key=ticket.key, owner=ticket.owner_id)
            calls.append(self._post_call(ticket, ticket.requester_id, told, card))
        return calls

    @staticmethod
    def _post_call(ticket: Ticket, channel: str, text: str, card: outbox.Call) -> outbox.Call:
        return outbox.Call(
            "chat.postMessage", {"channel": channel, "text": text}, OutboxPurpose.NOTICE.value, ticket.id, card
        )

    async def changed(
        self, session: AsyncSession, ticket: Ticket, now: datetime, note_key: str, actor_id: str, **params: Any
    ) -> None:
        """Update the card in place and add a one-line entry (who, what, when) to the ticket's thread."""
        card_row = await self._card_row(session, ticket)
        outbox.enqueue(
            session,
            method="chat.update",
            payload=self.card_payload(ticket),
            purpose=OutboxPurpose.CARD_UPDATE,
            now=now,
            ticket_id=ticket.id,
            depends_on=card_row,
        )
        # Each line waits for the one before it, so the thread reads in the order things happened even
        # when a send is retried.
        previous_line = await self._last_row(session, ticket, OutboxPurpose.THREAD_NOTE)
        line = self.t(note_key, actor=self.who(actor_id), at=self.date(now), **params)
        outbox.enqueue(
            session,
            method="chat.postMessage",
            payload={"text": line},
            purpose=OutboxPurpose.THREAD_NOTE,
            now=now,
            ticket_id=ticket.id,
            depends_on=previous_line or card_row,
        )
        await self.settle_prompts(session, ticket, now, line)
        for other_id in await link_rows.showing(session, ticket):
            await self.card_changed(session, other_id, now)  # their cards show this ticket's owner and status

    async def card_changed(self, session: AsyncSession, ticket_id: int, now: datetime) -> None:
        """Update the card of another ticket in place, with nothing to say in its thread (a ticket it shows moved).
        The sender draws the card when the update goes out, so the payload queued here has only a fallback text."""
        outbox.enqueue(
            session,
            method="chat.update",
            payload={"text": ""},
            purpose=OutboxPurpose.CARD_UPDATE,
            now=now,
            ticket_id=ticket_id,
            depends_on=await self._card_row_of(session, ticket_id),
        )

    async def notify(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
    ) -> None:
        """A DM (``channel`` = a user id) or channel post about ``ticket``, sent after its card exists."""
        self._post(session, ticket, now, channel, text, await self._card_row(session, ticket), blocks)

    async def prompt(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        purpose: OutboxPurpose,
        user_id: str,
        text: str,
        blocks: list[Block],
    ) -> None:
        """A DM with buttons about ``ticket`` (a purpose of ``bot.prompts.PROMPT_PURPOSES``). Slack's channel/ts
        for it is recorded on its row when it is sent, so the change that answers its question settles it; an
        older prompt of the same kind asks a question this one replaces, and is settled now."""
        card_row = await self._card_row(session, ticket)
        self._post(session, ticket, now, user_id, text, card_row, blocks, purpose=purpose)
        await self.settle_prompts(session, ticket, now, self.t("prompt.superseded", key=ticket.key))

    async def settle_prompts(self, session: AsyncSession, ticket: Ticket, now: datetime, outcome: str) -> None:
        """Every DM of ``ticket`` whose buttons no longer answer an open question shows ``outcome`` instead.

        The update waits for its DM to be sent (it may still be in the outbox) and takes the DM's channel/ts
        from it then, as a card update takes the card's (``bot.outbox.sender``).
        """
        assert ticket.id is not None
        found = await prompts_of(session, ticket.id, prompts.PROMPT_PURPOSES, OutboxPurpose.PROMPT_UPDATE.value)
        for prompt in prompts.to_settle(found, ticket):
            outbox.enqueue(
                session,
                method="chat.update",
                payload=settled_prompt(prompt.text, outcome),
                purpose=OutboxPurpose.PROMPT_UPDATE,
                now=now,
                ticket_id=ticket.id,
                depends_on=prompt.row,
            )

    def ephemeral(
        self, session: AsyncSession, now: datetime, channel: str, user_id: str, text: str, ticket_id: int | None = None
    ) -> None:
        payload = {"channel": channel, "user": user_id, "text": text}
        outbox.enqueue(
            session,
            method="chat.postEphemeral",
            payload=payload,
            purpose=OutboxPurpose.NOTICE,
            now=now,
            ticket_id=ticket_id,
        )

    def direct(self, session: AsyncSession, now: datetime, user_id: str, text: str) -> None:
        """A DM that is about no ticket in particular (e.g. a refusal when there is no channel to answer in)."""
        outbox.enqueue(
            session,
            method="chat.postMessage",
            payload={"channel": user_id, "text": text},
            purpose=OutboxPurpose.NOTICE,
            now=now,
        )

    def publish_home(self, session: AsyncSession, now: datetime, user_id: str, view: dict[str, Any]) -> None:
        outbox.enqueue(
            session,
            method="views.publish",
            payload={"user_id": user_id, "view": view},
            purpose=OutboxPurpose.NOTICE,
            now=now,
        )

    def _post(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        channel: str,
        text: str,
        card_row: OutboxMessage | None,
        blocks: list[Block] | None = None,
        purpose: OutboxPurpose = OutboxPurpose.NOTICE,
    ) -> None:
        payload: dict[str, Any] = {"channel": channel, "text": text}
        if blocks:
            payload["blocks"] = blocks
        outbox.enqueue(
            session,
            method="chat.postMessage",
            payload=payload,
            purpose=purpose,
            now=now,
            ticket_id=ticket.id,
            depends_on=card_row,
        )

    async def _card_row(self, session: AsyncSession, ticket: Ticket) -> OutboxMessage | None:
        return await self._card_row_of(session, ticket.id)

    async def _card_row_of(self, session: AsyncSession, ticket_id: int | None) -> OutboxMessage | None:
        statement = (
            select(OutboxMessage)
            .where(col(OutboxMessage.ticket_id) == ticket_id, col(OutboxMessage.purpose) == OutboxPurpose.CARD.value)
            .order_by(col(OutboxMessage.id))
        )
        return (await session.exec(statement)).first()

    async def _last_row(self, session: AsyncSession, ticket: Ticket, purpose: OutboxPurpose) -> OutboxMessage | None:
        statement = (
            select(OutboxMessage)
            .where(col(OutboxMessage.ticket_id) == ticket.id, col(OutboxMessage.purpose) == purpose.value)
            .order_by(col(OutboxMessage.id).desc())
        )
        return (await session.exec(statement)).first()
