"""What a card and ``/ticket show`` say about linked work: related tickets, the ticket this one is a duplicate of,
its duplicates, and everyone who asked for it ("Requested by @a and @b"). Pure functions of what to show and a
translator; another ticket is named by its key, department, owner and status, never its title (it may be private).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.surfaces.i18n import Translator
from bot.surfaces.ids import BlockId
from bot.surfaces.limits import CONTEXT_ELEMENTS, CONTEXT_TEXT, clip

Block = dict[str, Any]
TICKETS_SHOWN = 6  # related tickets (and duplicates) named on a card; the rest are counted
PEOPLE_SHOWN = 8  # requesters named on a card; the rest are counted


@dataclass(frozen=True)
class LinkedTicket:
    """Another ticket as a card or an answer names it."""

    key: str
    department_name: str
    owner_id: str
    status: str


@dataclass(frozen=True)
class LinkedWork:
    """A ticket's linked work, as people may read it on its card."""

    related: tuple[LinkedTicket, ...] = ()
    duplicate_of: LinkedTicket | None = None
    duplicates: tuple[LinkedTicket, ...] = ()
    followers: tuple[str, ...] = ()  # user ids of the other requesters named on the card
    unnamed_followers: int = 0  # requesters whose request was private: counted, not named on a card others read

    def __bool__(self) -> bool:
        return bool(self.related or self.duplicate_of or self.duplicates)


NOTHING = LinkedWork()


def ticket_text(ticket: LinkedTicket, translator: Translator) -> str:
    """``*SUP-2* (Engineering, @carol, Acknowledged)``."""
    return translator.t(
        "links.ticket",
        key=ticket.key,
        department=ticket.department_name,
        owner=ticket.owner_id,
        status=translator.t(f"status.{ticket.status}"),
    )


def _tickets_text(tickets: Sequence[LinkedTicket], translator: Translator, shown: int) -> str:
    names = [ticket_text(ticket, translator) for ticket in tickets[:shown]]
    if len(tickets) > shown:
        names.append(translator.t("links.more", count=len(tickets) - shown))
    return translator.t("links.separator").join(names)


def people_text(user_ids: Sequence[str], unnamed: int, translator: Translator, shown: int = PEOPLE_SHOWN) -> str:
    """``<@a>``, ``<@a> and <@b>``, ``<@a>, <@b> and 2 more`` (in the workspace's language)."""
    names = [f"<@{user}>" for user in user_ids[:shown]]
    hidden = unnamed + max(len(user_ids) - shown, 0)
    if hidden:
        names.append(translator.t("links.more_people", count=hidden))
    if len(names) == 1:
        return names[0]
    return translator.t("links.and", first=translator.t("links.separator").join(names[:-1]), last=names[-1])


def requested_by(requester_id: str, work: LinkedWork, source: str, translator: Translator) -> str:
    """The card's "Requested by" line: the requester, then whoever asked for the same thing in a duplicate."""
    if not (work.followers or work.unnamed_followers):
        return translator.t("card.requester", requester=requester_id, source=source)
    people = people_text([requester_id, *work.followers], work.unnamed_followers, translator)
    return translator.t("links.card.requested_by", people=people, source=source)


def work_lines(work: LinkedWork, translator: Translator, shown: int = TICKETS_SHOWN) -> list[str]:
    """One line for each kind of link the ticket has: the duplicate it is of, its duplicates, related tickets."""
    t = translator.t
    lines: list[str] = []
    if work.duplicate_of is not None:
        lines.append(t("links.card.duplicate_of", ticket=ticket_text(work.duplicate_of, translator)))
    if work.duplicates:
        lines.append(t("links.card.duplicates", tickets=_tickets_text(work.duplicates, translator, shown)))
    if work.related:
        lines.append(t("links.card.related", tickets=_tickets_text(work.related, translator, shown)))
    return lines


def work_block(work: LinkedWork, translator: Translator) -> Block | None:
    """A context block on the card with :func:`work_lines`, one element each (``None`` when there are none)."""
    lines = work_lines(work, translator)[:CONTEXT_ELEMENTS]
    if not lines:
        return None
    return {
        "type": "context",
        "block_id": BlockId.CARD_LINKS.value,
        "elements": [{"type": "mrkdwn", "text": clip(line, CONTEXT_TEXT)} for line in lines],
    }
