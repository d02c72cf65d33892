"""Text answers to people (ephemeral replies, error messages), built from the message catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.errors import CrossdeskError, NotAllowed
from bot.runtime.slack_client import SlackIdentity
from bot.surfaces.cards import slack_date
from bot.surfaces.consult_card import ConsultLine, consult_line, status_key, status_text
from bot.surfaces.i18n import Translator
from bot.surfaces.limits import clip, fit_lines
from bot.surfaces.link_card import people_text, work_lines
from bot.surfaces.text import message_link, name_text, neutralise_broadcasts
from bot.tickets.answers import quoted as answers_quoted
from bot.tickets.consults import Asked
from bot.tickets.customer_link import CustomerLinked
from bot.tickets.links import LINK_ACTIONS, Duplicated
from bot.tickets.opening import OpenResult
from bot.tickets.relations import linked_work
from bot.tickets.service import TicketHistory, TicketService
from config.schema import WorkspaceConfig
from storage.models import Ticket

# ``/ticket help``: one catalogue line (``help.<name>``, both languages) per command, in this order. A new command
# adds its line here; a test checks that every ``/ticket`` subcommand is explained.
HELP_LINES = (
    "intro",
    "open",
    "list",
    "show",
    "ack",
    "assign",
    "handoff",
    "escalate",
    "pause",
    "consult",
    "close",
    "reopen",
    "rate",
    "link",
    "customer",
    "away",
    "standup",
    "digest",
    "reaction",
)

# ``/ticket show`` lists the newest entries of a ticket's history, each note cut to a few lines, and counts the
# older ones: a ticket with hundreds of comments would otherwise pass Slack's 40,000 characters, and an answer
# past a few thousand is folded away anyway. ``crossdesk export --history KEY`` writes every entry in full.
SHOW_EVENTS = 20
SHOW_NOTE = 300
SHOW_TEXT = 8_000
SHOW_LINKED = 30  # related tickets, duplicates and requesters named by ``/ticket show`` (the rest are counted)


class Replies:
    """Renders answers in the workspace's language and time zone."""

    def __init__(self, service: TicketService, identity: SlackIdentity) -> None:
        self.service = service
        self.translator: Translator = service.translator
        self.identity = identity

    @property
    def workspace(self) -> WorkspaceConfig:
        """The ticket service's running configuration: a reload reaches replies at once."""
        return self.service.workspace

    def t(self, message_key: str, /, **params: object) -> str:
        return self.translator.t(message_key, **params)

    def date(self, moment: datetime | None) -> str:
        return slack_date(moment, self.workspace.tz, self.translator)

    def help(self) -> str:
        emoji = self.workspace.reactions.ticket
        return "\n".join(self.t(f"help.{line}", ticket_emoji=emoji) for line in HELP_LINES)

    def usage(self, message_key: str, subcommand: str, given: str) -> str:
        """What was wrong with the command, followed by how to use it."""
        message = self.t(message_key, text=given, subcommand=given)
        if message_key.startswith("usage."):
            return message
        follow = f"usage.{subcommand}"
        return f"{message}\n{self.t(follow) if self.translator.has(follow) else self.help()}"

    def error(self, error: CrossdeskError) -> str:
        params = dict(error.params)
        if isinstance(error, NotAllowed) and "roles" in params:  # who may do an action (not: who may see a ticket)
            roles = [self.t(f"role.{role}") for role in params.pop("roles", [])]
            params["who"] = self.t("word.or").join(roles)
            params["action"] = self.t(f"verb.{params.get('action', 'close')}")
        for name in ("current", "target", "status"):
            if name in params and self.translator.has(f"status.{params[name]}"):
                params[name] = self.t(f"status.{params[name]}")
        try:
            return self.t(error.message_key, **params)
        except (KeyError, IndexError):
            return self.t("error.generic")

    def opened(self, result: OpenResult) -> str:
        ticket = result.ticket
        assert ticket is not None
        if not result.created:
            return self.t("command.exists", key=ticket.key)
        department = self.workspace.department(ticket.department_key)
        return self.t(
            "command.opened",
            key=ticket.key,
            department=department.name if department else ticket.department_key,
            owner=ticket.owner_id,
            priority=self.t(f"priority.{ticket.priority}"),
            ack_due=self.date(ticket.ack_due_at),
        )

    # ------------------------------------------------------------------ consults

    def asked(self, asked: Asked) -> str:
        """The answer to ``/ticket ask`` and the form: the new consult's key, owner and due times."""
        consult = asked.consult
        return self.t(
            "consult.command.asked",
            department=self.service.messages.department_name(consult.department_key),
            key=consult.key,
            owner=consult.owner_id,
            ack_due=self.date(consult.ack_due_at),
            resolve_due=self.date(consult.resolve_due_at),
            parent=asked.parent.key,
            waiting=self.t("consult.command.asked_waiting") if asked.waiting else "",
        )

    def answered(self, asked: Asked) -> str:
        return self.t(
            "consult.command.answered", key=asked.consult.key, parent=asked.parent.key, owner=asked.parent.owner_id
        )

    def consult_declined(self, asked: Asked) -> str:
        return self.t("consult.command.declined", key=asked.consult.key, asker=asked.consult.requester_id)

    def unclear_answer(self, waiting: Sequence[str]) -> str:
        """A DM that answers no ticket: none waits on its sender, or it cannot be told which of them it answers."""
        if not waiting:
            return self.t("dm.nothing_waiting")
        return self.t("dm.answer_which", keys=", ".join(f"*{key}*" for key in waiting), example=waiting[0])

    def ticket_list(self, tickets: Sequence[Ticket], scope: str) -> str:
        scope_text = self.t(f"command.list.scope.{scope}")
        if not tickets:
            return self.t("command.list.empty", scope=scope_text)
        now = self.service.clock.now()
        lines = [self.t("command.list.header", count=len(tickets), scope=scope_text)]
        for ticket in tickets:
            overdue = self.t("command.list.overdue_mark") if self.service.is_overdue(ticket, now) else ""
            lines.append(
                self.t(
                    "command.list.line",
                    key=ticket.key,
                    title=ticket.title,
                    owner=ticket.owner_id,
                    status=self.t(status_key(ticket.status, ticket.blocked_on_id is not None)),
                    priority=self.t(f"priority.{ticket.priority}"),
                    overdue=overdue,
                )
            )
        return "\n".join(lines)

    def show(self, history: TicketHistory) -> str:
        ticket = history.ticket
        department = self.workspace.department(ticket.department_key)
        lines = [
            self.t("command.show.header", key=ticket.key, title=ticket.title),
            self.t(
                "command.show.fields",
                department=department.name if department else ticket.department_key,
                owner=ticket.owner_id,
                requester=ticket.requester_id,
                priority=self.t(f"priority.{ticket.priority}"),
                status=self._status(ticket, history.consults),
            ),
            self.t(
                "command.show.due", ack_due=self.date(ticket.ack_due_at), resolve_due=self.date(ticket.resolve_due_at)
            ),
            *self._consult_lines(history),
        ]
        link = self.thread_link(ticket)
        if link:
            lines.append(self.t("command.show.link", link=link))
        lines.extend(self._linked_work(history))
        lines.append(self.t("command.show.history"))
        head = "\n".join(lines)
        entries = self._history_lines(history)
        older = fit_lines(
            entries,
            SHOW_TEXT - len(head) - 1,
            lambda count: self.t("command.show.earlier", count=count, key=ticket.key),
            max_lines=SHOW_EVENTS,
            latest=True,
            unseen=history.earlier,
        )
        return f"{head}\n{older}" if older else head

    def _status(self, ticket: Ticket, consults: Sequence[Ticket]) -> str:
        """The status in words; waiting on another department names it and the consult."""
        waited = next((c for c in consults if c.id == ticket.blocked_on_id), None)
        line = self._consult_line(waited, ticket) if waited is not None else None
        return status_text(ticket.status, self.translator, waiting_on=line, on=ticket.blocked_on_id is not None)

    def _consult_line(self, consult: Ticket, parent: Ticket) -> ConsultLine:
        return ConsultLine(
            key=consult.key,
            department_name=self.service.messages.department_name(consult.department_key),
            owner_id=consult.owner_id,
            status=consult.status,
            ack_due_at=consult.ack_due_at,
            resolve_due_at=consult.resolve_due_at,
            waited_for=consult.id == parent.blocked_on_id,
        )

    def _consult_lines(self, history: TicketHistory) -> list[str]:
        """A consult: what it is about, and the question in full (clipped as a long note is); a ticket: every
        question it asked other departments, open or not, with who has it and its state."""
        ticket, messages = history.ticket, self.service.messages
        if history.parent is not None:
            about = self.t(
                "consult.show.about",
                department=messages.department_name(history.parent.department_key),
                parent=history.parent.key,
                asker=ticket.requester_id,
            )
            return [about + answers_quoted(clip(neutralise_broadcasts(ticket.text), SHOW_TEXT // 4))]
        if not history.consults:
            return []
        lines = [self._consult_line(consult, ticket) for consult in history.consults]
        return [self.t("consult.show.consults"), *(consult_line(line, self.translator, self.date) for line in lines)]

    def _history_lines(self, history: TicketHistory) -> list[str]:
        lines: list[str] = []
        messages = self.service.messages
        for event in history.events:
            change = ""
            if event.action in ("assigned", "handoff_requested", "handoff_accepted") and event.to_value:
                change = f" → <@{event.to_value}>"
            elif event.action == "escalated" and event.to_value:
                change = f" → {self.t('priority.' + event.to_value)}"
            elif event.action == "department_changed" and event.to_value:
                change = f" → {messages.department_name(event.to_value)}"
            elif event.action == "consult_asked" and event.to_value:
                change = f" → {messages.department_name(event.to_value)} ({event.note})"
            elif event.action in ("consult_answered", "consult_declined") and event.to_value:
                change = f" ({event.to_value})"
            elif event.action in LINK_ACTIONS and event.to_value:
                change = f" → *{event.to_value}*"
            # The note of "created" is the door it came through (a code such as "message"), not what anyone wrote;
            # those of asking and waiting name a consult, shown above.
            coded = event.action in ("created", "consult_asked", "waiting_on_consult")
            text = messages.event_note(event.actor_id, event.action, event.note) if not coded else None
            if event.action == "waiting_on_consult" and event.note:
                change = f" ({event.note})"
            lines.append(
                self.t(
                    "command.show.event",
                    at=self.date(event.at),
                    actor=messages.who(event.actor_id),
                    action=messages.action(event.action),
                    change=change,
                    note=f": {clip(neutralise_broadcasts(text), SHOW_NOTE)}" if text else "",
                )
            )
        return lines

    def _linked_work(self, history: TicketHistory) -> list[str]:
        """Related tickets, the ticket it is a duplicate of, its duplicates, and who else asked for it."""
        work = linked_work(history.ticket, history.relations, self.service.messages.department_name)
        lines = work_lines(work, self.translator, shown=SHOW_LINKED)
        if work.followers or work.unnamed_followers:
            people = people_text(work.followers, work.unnamed_followers, self.translator, shown=SHOW_LINKED)
            lines.append(self.t("links.show.followers", people=people))
        return lines

    def customer_set(self, linked: CustomerLinked) -> str:
        """The answer to ``/ticket customer`` and to the *Change customer* form."""
        key = linked.ticket.key
        if linked.customer is None:
            return self.t("customers.command.unlinked", key=key)
        line = "customers.command.created" if linked.created else "customers.command.linked"
        return self.t(line, key=key, customer=name_text(linked.customer.name))

    def duplicated(self, result: Duplicated) -> str:
        """The answer to ``/ticket duplicate``: who will hear of the original's outcome because of it."""
        ticket, original = result.ticket, result.original
        if not result.followers:
            return self.t("links.command.duplicate_quiet", key=ticket.key, other=original.key)
        people = people_text(result.followers, 0, self.translator)
        return self.t("links.command.duplicate", key=ticket.key, other=original.key, people=people)

    def thread_link(self, ticket: Ticket) -> str | None:
        channel = ticket.thread_channel or ticket.card_channel
        ts = ticket.thread_ts or ticket.card_ts
        if not (self.identity.url and channel and ts):
            return None
        return message_link(self.identity.url, channel, ts)
