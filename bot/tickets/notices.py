"""The Slack messages a ticket change causes, queued in the outbox inside the change's own transaction.

Services decide *what* happened; this module decides what people see because of it: the card, the
one-line thread entry (who, what, when), DMs, channel notices, ephemeral notes and App Home.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.customers.directory import CustomerDirectory
from bot.surfaces.cards import Block, CardData, card_message, settled_prompt, slack_date
from bot.surfaces.consult_card import ConsultLine, ParentRef
from bot.surfaces.customer_card import CustomerLine
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.text import name_text
from bot.tickets import prompts
from bot.tickets.card_context import CardRelations
from bot.tickets.relations import linked_work
from config.live import LiveWorkspace, live
from config.schema import WorkspaceConfig
from storage import links as link_rows
from storage import outbox
from storage.consults import CONSULT
from storage.customers import Summary
from storage.models import Ticket
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
    def __init__(
        self,
        workspace: WorkspaceConfig | LiveWorkspace,
        translator: Translator,
        customers: CustomerDirectory | None = None,
    ) -> None:
        self.live = live(workspace)
        self.translator = translator
        # The customers known by heart: a new card, sent straight after its commit without a read, still shows its
        # customer's stage and account manager.
        self.customers = customers

    @property
    def workspace(self) -> WorkspaceConfig:
        """The running configuration, read afresh each time: a reload reaches this at once."""
        return self.live.current

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

    def card_data(self, ticket: Ticket, related: CardRelations | None = None) -> CardData:
        """What the card shows; ``related`` (read by the outbox sender when it draws the card) adds a consult's
        parent, a ticket's open consults and its linked work (related tickets, duplicates, the other requesters).
        Without it a blocked ticket still reads as waiting on another department when it is."""
        related = related or CardRelations()
        parent = related.parent
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
            consult=ticket.kind == CONSULT,
            question=ticket.text if ticket.kind == CONSULT else "",
            parent=(
                ParentRef(parent.key, self.department_name(parent.department_key), related.parent_link)
                if parent is not None
                else None
            ),
            consults=tuple(
                ConsultLine(
                    key=consult.key,
                    department_name=self.department_name(consult.department_key),
                    owner_id=consult.owner_id,
                    status=consult.status,
                    ack_due_at=consult.ack_due_at,
                    resolve_due_at=consult.resolve_due_at,
                    waited_for=consult.id == ticket.blocked_on_id,
                )
                for consult in related.consults
            ),
            blocked_on_consult=ticket.blocked_on_id is not None,
            links=linked_work(ticket, related.links, self.department_name),
            customer=self._customer_line(ticket, related.customer),
        )

    def _customer_line(self, ticket: Ticket, customer: Summary | None) -> CustomerLine | None:
        """The customer as read when the card is drawn, else as this process knows it, else its name as linked."""
        if ticket.customer_id is None:
            return None
        if customer is None and self.customers is not None:
            customer = self.customers.get(ticket.customer_id)
        if customer is None:
            return CustomerLine(ticket.customer_id, ticket.customer_name or "")
        return CustomerLine(customer.id, customer.name, customer.stage, customer.manager_id, customer.at_risk)

    def card_payload(self, ticket: Ticket, related: CardRelations | None = None) -> dict[str, Any]:
        """``text`` + ``blocks`` of the card as the ticket is now (with its consults, parent and linked work, when
        given)."""
        return card_message(self.card_data(ticket, related), self.translator, self.workspace.tz)

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

    def new_ticket(self, ticket: Ticket, manager_id: str | None = None) -> list[outbox.Call]:
        """The card, the owner's DM and the department's notice for a ticket just opened (``ticket.id`` set); with
        ``manager_id``, a DM to its customer's account manager too (unless they asked for it or own it).

        The DMs and the notice wait for the card: they link to it.
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
        if manager_id is not None and manager_id not in (ticket.requester_id, ticket.owner_id):
            calls.append(self._post_call(ticket, manager_id, self.for_manager("customers.dm.opened", ticket), card))
        if ticket.is_private and ticket.source in ("message", "reaction") and ticket.requester_id != ticket.owner_id:
            # No card answers them where they asked, and nobody else told them (a command or a form answers itself).
            told = self.t("dm.private_ticket_opened", key=ticket.key, owner=ticket.owner_id)
            calls.append(self._post_call(ticket, ticket.requester_id, told, card))
        return calls

    def for_manager(self, message_key: str, ticket: Ticket, **params: Any) -> str:
        """What an account manager is told of their customer's ticket: the customer, the ticket, who has it where."""
        return self.t(
            message_key,
            customer=name_text(ticket.customer_name or ""),
            key=ticket.key,
            title=ticket.title,
            department=self.department_name(ticket.department_key),
            owner=ticket.owner_id,
            link=self.link(),
            **params,
        )

    @staticmethod
    def _post_call(ticket: Ticket, channel: str, text: str, card: outbox.Call) -> outbox.Call:
        return outbox.Call(
            "chat.postMessage", {"channel": channel, "text": text}, OutboxPurpose.NOTICE.value, ticket.id, card
        )

    async def changed(
        self, session: AsyncSession, ticket: Ticket, now: datetime, note_key: str, actor_id: str, **params: Any
    ) -> None:
        """Update the card in place and add a one-line entry (who, what, when) to the ticket's thread."""
        assert ticket.id is not None
        card_row = await outbox.first_of(session, ticket.id, OutboxPurpose.CARD.value)
        # Each line waits for the one before it, so the thread reads in the order things happened even
        # when a send is retried.
        previous_line = await outbox.last_of(session, ticket.id, OutboxPurpose.THREAD_NOTE.value)
        line = self.t(note_key, actor=self.who(actor_id), at=self.date(now), **params)
        card = self.card_payload(ticket)
        calls = [
            outbox.Call("chat.update", card, OutboxPurpose.CARD_UPDATE.value, ticket.id, after=card_row),
            outbox.Call(
                "chat.postMessage",
                {"text": line},
                OutboxPurpose.THREAD_NOTE.value,
                ticket.id,
                after=previous_line or card_row,
            ),
        ]
        await outbox.enqueue_calls(session, calls, now)
        await self.settle_prompts(session, ticket, now, line)
        # Cards that show this ticket: its parent's (a consult is listed there), and those of the tickets linked to it
        # (they show its owner and status).
        others = [ticket.parent_id] if ticket.parent_id is not None else []
        for other_id in dict.fromkeys([*others, *await link_rows.showing(session, ticket)]):
            await self.card_changed(session, other_id, now)

    async def card_changed(self, session: AsyncSession, ticket_id: int, now: datetime) -> None:
        """Update another ticket's card in place, with nothing to say in its thread (a ticket it shows moved). The
        card is drawn when the update is sent, so its text here is only a placeholder."""
        card_row = await outbox.first_of(session, ticket_id, OutboxPurpose.CARD.value)
        call = outbox.Call("chat.update", {"text": ""}, OutboxPurpose.CARD_UPDATE.value, ticket_id, after=card_row)
        await outbox.enqueue_calls(session, [call], now)

    async def notify(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
        purpose: OutboxPurpose = OutboxPurpose.NOTICE,
    ) -> None:
        """A DM (``channel`` = a user id) or channel post about ``ticket``, sent after its card exists; ``purpose``
        names a DM found again later (a rating question, updated once answered)."""
        await self._post(session, ticket, now, channel, text, blocks, purpose=purpose)

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
        await self._post(session, ticket, now, user_id, text, blocks, purpose=purpose)
        await self.settle_prompts(session, ticket, now, self.t("prompt.superseded", key=ticket.key))

    async def settle_prompts(self, session: AsyncSession, ticket: Ticket, now: datetime, outcome: str) -> None:
        """Every DM of ``ticket`` whose buttons no longer answer an open question shows ``outcome`` instead.

        The update waits for its DM to be sent (it may still be in the outbox) and takes the DM's channel/ts
        from it then, as a card update takes the card's (``bot.outbox.delivery``).
        """
        assert ticket.id is not None
        found = await prompts_of(session, ticket.id, prompts.PROMPT_PURPOSES, OutboxPurpose.PROMPT_UPDATE.value)
        calls = [
            outbox.Call(
                "chat.update",
                settled_prompt(prompt.text, outcome),
                OutboxPurpose.PROMPT_UPDATE.value,
                ticket.id,
                after=prompt.id,
            )
            for prompt in prompts.to_settle(found, ticket)
        ]
        await outbox.enqueue_calls(session, calls, now)

    async def ephemeral(
        self, session: AsyncSession, now: datetime, channel: str, user_id: str, text: str, ticket_id: int | None = None
    ) -> None:
        payload = {"channel": channel, "user": user_id, "text": text}
        call = outbox.Call("chat.postEphemeral", payload, OutboxPurpose.NOTICE.value, ticket_id)
        await outbox.enqueue_calls(session, [call], now)

    async def direct(self, session: AsyncSession, now: datetime, user_id: str, text: str) -> None:
        """A DM that is about no ticket in particular (e.g. a refusal when there is no channel to answer in)."""
        call = outbox.Call("chat.postMessage", {"channel": user_id, "text": text}, OutboxPurpose.NOTICE.value)
        await outbox.enqueue_calls(session, [call], now)

    async def publish_home(self, session: AsyncSession, now: datetime, user_id: str, view: dict[str, Any]) -> None:
        call = outbox.Call("views.publish", {"user_id": user_id, "view": view}, OutboxPurpose.NOTICE.value)
        await outbox.enqueue_calls(session, [call], now)

    async def _post(
        self,
        session: AsyncSession,
        ticket: Ticket,
        now: datetime,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
        purpose: OutboxPurpose = OutboxPurpose.NOTICE,
    ) -> None:
        """A message about ``ticket``, sent once its card is (the card's link and thread are known then)."""
        assert ticket.id is not None
        payload: dict[str, Any] = {"channel": channel, "text": text}
        if blocks:
            payload["blocks"] = blocks
        card_row = await outbox.first_of(session, ticket.id, OutboxPurpose.CARD.value)
        call = outbox.Call("chat.postMessage", payload, purpose.value, ticket.id, after=card_row)
        await outbox.enqueue_calls(session, [call], now)
