"""Satisfaction: who a resolved ticket asks for a 1–5 rating (once), their score and comment, and the alert a low
score raises.

When a ticket resolves, its requester (unless they resolved it themselves) is asked in a DM, queued in the resolve's
own transaction, and so is each requester of a duplicate closed into it (they follow it: one problem, several
requesters); for a complaint of a customer, so is the customer's account manager. Each person is asked once per
ticket (the rating's row is made when they are asked), so reopening and resolving again asks nobody twice. A rating
does not change the ticket: it is recorded as a ticket event (who, when, the score) beside the rating's row, and the
DM is updated in place. A score of ``LOW_SCORE`` or less tells the department lead and the account manager, with a
*Reopen* button that is the reopen verb with its permissions. A private ticket's title (and a comment on it) goes
only to those who may read it: its requester and its department's lead, not an account manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadRequest
from bot.surfaces.cards import slack_date
from bot.surfaces.ids import OutboxPurpose
from bot.surfaces.rating_views import commented_message, low_rating_blocks, rated_message, rating_blocks
from bot.surfaces.text import clip
from bot.tickets import prompts
from bot.tickets.change import Change, ChangeRunner, clean, parties
from bot.tickets.notices import TicketMessenger
from bot.tickets.permissions import Action, may
from bot.tickets.prompts import PromptRef
from storage import audit, outbox, ratings
from storage.audit import EventRecord
from storage.links import Follower
from storage.models import Rating, Ticket
from storage.prompts import SentPrompt, last_update_of, prompts_of

LOW_SCORE = 2  # this or less alerts the department lead and the account manager
_PURPOSES = (OutboxPurpose.RATING_PROMPT.value,)
_UPDATE = OutboxPurpose.PROMPT_UPDATE.value


@dataclass(frozen=True)
class Rated:
    """A score recorded: the ticket, the score, and whom a low one alerted."""

    ticket: Ticket
    score: int
    alerted: tuple[str, ...] = ()


def _person(user_id: str | None) -> bool:
    return bool(user_id) and str(user_id)[:1] in ("U", "W")


def _title(messages: TicketMessenger, ticket: Ticket, sees_it: bool) -> str:
    """The ticket's title as a rating message shows it; a private ticket's only to those who may read it (its
    requester, its department's lead), not to an account manager."""
    if ticket.is_private and not sees_it:
        return ""
    return messages.t("rating.title", title=ticket.title)


def _link(messages: TicketMessenger, ticket: Ticket) -> str:
    """The link to the card; a private ticket's card is in its owner's DM, which nobody else can open."""
    return "" if ticket.is_private else messages.link()


# ---------------------------------------------------------------------- asking, inside the resolve


async def ask(change: Change, followers: list[Follower]) -> None:
    """Ask the requester, the requesters of its duplicates (``followers``) and, for a customer's complaint, the
    account manager to rate the ticket just resolved, each once ever: someone asked when it was resolved before is
    not asked again."""
    ticket = change.ticket
    assert ticket.id is not None
    raters: dict[str, str | None] = {}  # who → the customer's name when asked as its account manager
    for requester in [ticket.requester_id, *(follower.user_id for follower in followers)]:
        if _person(requester) and requester != change.actor_id:
            raters.setdefault(requester, None)
    if ticket.is_complaint and ticket.customer_id is not None:
        contact = await ratings.customer_contact(change.session, ticket.customer_id)
        if contact is not None and _person(contact.manager_id) and contact.manager_id != change.actor_id:
            raters.setdefault(str(contact.manager_id), contact.name)
    for rater, customer in raters.items():
        if not await ratings.ask(change.session, ticket.id, rater, change.now):
            continue
        params: dict[str, Any] = {
            "key": ticket.key,
            "title": _title(change.messages, ticket, customer is None),  # a requester or follower may read it
            "actor": change.actor_id,
            "link": _link(change.messages, ticket),
        }
        text = (
            change.t("rating.ask_manager", customer=customer, **params)
            if customer is not None
            else change.t("rating.ask", **params)
        )
        blocks = rating_blocks(ticket.key, text, change.messages.translator)
        await change.messages.notify(
            change.session, ticket, change.now, rater, text, blocks, purpose=OutboxPurpose.RATING_PROMPT
        )


# ---------------------------------------------------------------------- answers


def score_of(value: str) -> int:
    """The score a button's value stands for; anything but ``1``…``5`` is refused with what was sent."""
    if value.strip() in {str(score) for score in ratings.SCORES}:
        return int(value.strip())
    raise BadRequest("rating.error.score", value=clip(value, 20))


async def _asked(
    session: AsyncSession, ticket: Ticket, user_id: str, where: PromptRef | None
) -> tuple[Rating, SentPrompt | None]:
    """The rating ``user_id`` was asked for on ``ticket`` and the DM that asked it. A click on another person's
    rating DM (``where``), or by someone never asked, is refused."""
    assert ticket.id is not None
    sent = await prompts_of(session, ticket.id, _PURPOSES, _UPDATE)
    clicked = prompts.clicked(sent, where) if where is not None else None
    if clicked is not None and clicked.recipient != user_id:
        raise BadRequest("rating.error.not_yours", key=ticket.key, asked=clicked.recipient)
    rating = await ratings.of(session, ticket.id, user_id)
    if rating is None:
        raise BadRequest("rating.error.not_asked", key=ticket.key)
    mine = [prompt for prompt in sent if prompt.recipient == user_id]
    return rating, clicked or (mine[-1] if mine else None)


async def rate(flow: ChangeRunner, key: str, user_id: str, value: str, where: PromptRef | None) -> Rated:
    """Record ``user_id``'s score for ticket ``key`` once; the DM then says "You rated 4/5 — thank you". A second
    score (a double click, an old copy of the DM) is refused saying what was recorded, and changes nothing."""
    score = score_of(value)
    alerted: tuple[str, ...] = ()
    async with flow.db.transaction() as session:
        ticket = await flow.load(session, key, for_update=False)
        assert ticket.id is not None
        rating, prompt = await _asked(session, ticket, user_id, where)
        now = flow.clock.now()
        if rating.score is not None or not await ratings.record_score(
            session, ticket.id, user_id, score, now, _place(prompt)
        ):
            await _refuse_again(flow, session, ticket, user_id)
        await audit.record(session, [EventRecord(ticket.id, user_id, "rated", now, to_value=str(score))])
        if prompt is not None:
            message = rated_message(prompt.text, score, flow.messages.translator, commented=rating.comment is not None)
            await _update(session, ticket, prompt, message, now)
        if score <= LOW_SCORE:
            alerted = await _alert(flow, session, ticket, user_id, score, rating.comment, now)
    flow.wake_outbox()
    return Rated(ticket, score, alerted)


def _place(prompt: SentPrompt | None) -> tuple[str, str] | None:
    """Where Slack put the rating DM (channel, ts), once it was sent."""
    if prompt is None or not prompt.row.result_channel or not prompt.row.result_ts:
        return None
    return prompt.row.result_channel, prompt.row.result_ts


async def _refuse_again(flow: ChangeRunner, session: AsyncSession, ticket: Ticket, user_id: str) -> NoReturn:
    """Refuse a second score, saying which one stands and since when (read again: a racing click may have won)."""
    assert ticket.id is not None
    rating = await ratings.of(session, ticket.id, user_id)
    score = rating.score if rating is not None else None
    at = slack_date(rating.answered_at if rating else None, flow.workspace.tz, flow.messages.translator)
    raise BadRequest("rating.error.already", key=ticket.key, score=score, at=at)


async def check_comment(flow: ChangeRunner, key: str, user_id: str, where: PromptRef | None) -> Ticket:
    """Refuse *Add a comment* before its form opens when the person was not asked or already commented."""
    async with flow.db.read() as session:
        ticket = await flow.load(session, key, for_update=False)
        rating, _ = await _asked(session, ticket, user_id, where)
    if rating.comment is not None:
        raise BadRequest("rating.error.comment_already", key=ticket.key)
    return ticket


async def comment(flow: ChangeRunner, key: str, user_id: str, text: str | None, where: PromptRef | None) -> Ticket:
    """Add ``user_id``'s comment to their rating of ``key``, before or after the score, once. The DM shows it is
    saved: its comment button gives way to a line saying so, or, once rated, the thanks say so."""
    note = clean(text)
    if note is None:
        raise BadRequest("rating.error.comment_required")
    async with flow.db.transaction() as session:
        ticket = await flow.load(session, key, for_update=False)
        assert ticket.id is not None
        rating, prompt = await _asked(session, ticket, user_id, where)
        if not await ratings.add_comment(session, ticket.id, user_id, note):
            raise BadRequest("rating.error.comment_already", key=ticket.key)
        now = flow.clock.now()
        await audit.record(session, [EventRecord(ticket.id, user_id, "rating_commented", now, note=note)])
        if prompt is not None:
            translator = flow.messages.translator
            message = (
                commented_message(ticket.key, prompt.text, translator)
                if rating.score is None
                else rated_message(prompt.text, rating.score, translator, commented=True)
            )
            await _update(session, ticket, prompt, message, now)
    flow.wake_outbox()
    return ticket


async def _update(
    session: AsyncSession, ticket: Ticket, prompt: SentPrompt, message: dict[str, Any], now: datetime
) -> None:
    """The rating DM updated in place, after any update already queued for it (and after the DM itself is sent)."""
    assert ticket.id is not None
    after = await last_update_of(session, ticket.id, prompt.id, _UPDATE) or prompt.id
    call = outbox.Call("chat.update", message, _UPDATE, ticket.id, after=after)
    await outbox.enqueue_calls(session, [call], now)


async def _alert(
    flow: ChangeRunner,
    session: AsyncSession,
    ticket: Ticket,
    rater: str,
    score: int,
    said: str | None,
    now: datetime,
) -> tuple[str, ...]:
    """Tell the department lead and the account manager (not the rater) of a low score: *Reopen* for whoever may
    reopen it; the others (an account manager who is not its lead) are told who can."""
    department = flow.workspace.department(ticket.department_key)
    leads = flow.workspace.leads_of(department) if department is not None else []
    people = list(leads)
    manager: str | None = None
    if ticket.customer_id is not None:
        contact = await ratings.customer_contact(session, ticket.customer_id)
        if contact is not None and contact.manager_id:
            manager = contact.manager_id
            people.append(manager)
    told = tuple(person for person in dict.fromkeys(people) if _person(person) and person != rater)
    messages = flow.messages
    who_may = parties(ticket, manager)
    for person in told:
        sees_it = person in leads or not ticket.is_private  # a manager may not read a private ticket; its lead may
        reopens = may(person, Action.REOPEN, who_may, flow.workspace)
        text = messages.t(
            "rating.alert" if reopens else "rating.alert.ask_to_reopen",
            rater=rater,
            key=ticket.key,
            title=_title(messages, ticket, sees_it),
            score=score,
            comment=messages.t("rating.alert.comment", comment=said) if said and sees_it else "",
            owner=ticket.owner_id,
            link=_link(messages, ticket),
        )
        blocks = low_rating_blocks(ticket.key, text, flow.messages.translator, reopen=reopens)
        await flow.messages.notify(session, ticket, now, person, text, blocks)
    return told
