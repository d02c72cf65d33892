"""Linked work through the doors people use: ``/ticket link`` relates two tickets (both cards show it), and
``/ticket duplicate`` closes one as a duplicate of another — the customer's problem reported twice, from two
channels, becomes one ticket with two requesters, and both hear its resolution."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import col, func, select

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId
from config.schema import WorkspaceConfig
from storage.models import OutboxMessage, Ticket, TicketEvent, TicketFollower, TicketLink
from tests.support.harness import Harness, running_bot

SALES_CHANNEL = "C0INTAKESALES"  # a second intake channel: the sales team's
REPORT = "ACME: the refund was charged twice"


@pytest.fixture
async def two_doors(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    """The bot with two intake channels, the support one and the sales team's."""
    config = workspace.model_copy(update={"intake_channels": ["C0INTAKE", SALES_CHANNEL]})
    async with running_bot(database_url, config) as harness:
        yield harness


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


async def card_text(bot: Harness, key: str) -> str:
    """The card of ``key`` as Slack shows it now (after every update), blocks and fallback text."""
    ticket = await bot.ticket(key)
    assert ticket.card_channel and ticket.card_ts, f"{key} has no card"
    card = bot.fake.message(ticket.card_channel, ticket.card_ts)
    return card.text + json.dumps(card.blocks, ensure_ascii=False)


def dms_to(bot: Harness, user: str) -> list[str]:
    return [message.text for message in bot.fake.messages_in(bot.fake.dm_channel_for(user))]


async def thread_of(bot: Harness, key: str) -> str:
    ticket = await bot.ticket(key)
    assert ticket.thread_channel and ticket.thread_ts
    return "\n".join(m.text for m in bot.fake.messages_in(ticket.thread_channel, thread_ts=ticket.thread_ts))


async def events_of(bot: Harness, key: str) -> list[TicketEvent]:
    ticket = await bot.ticket(key)
    async with bot.services.db.transaction() as session:
        statement = select(TicketEvent).where(col(TicketEvent.ticket_id) == ticket.id).order_by(col(TicketEvent.id))
        return list((await session.exec(statement)).all())


async def counts(bot: Harness) -> tuple[int, ...]:
    """Rows that any change would add to: events, outbox, links, followers; and every ticket's status."""
    async with bot.services.db.transaction() as session:
        numbers = [
            int((await session.exec(select(func.count()).select_from(table))).one())
            for table in (TicketEvent, OutboxMessage, TicketLink, TicketFollower)
        ]
        statuses = (await session.exec(select(Ticket.status).order_by(col(Ticket.id)))).all()
    return (*numbers, hash(tuple(statuses)))


async def open_by_message(bot: Harness, text: str, user: str, channel: str = "C0INTAKE") -> None:
    _, response = await bot.intake_message(text, user=user, channel=channel)
    assert response.status_code == 200
    await bot.drain()


async def test_a_link_shows_on_both_cards_and_follows_their_moves(bot: Harness) -> None:
    await open_by_message(bot, "Customer wants a refund for order 7", "U0ERIN")  # SUP-1, Alice
    await open_by_message(bot, "Checkout crashes with an error for order 7", "U0ERIN")  # ENG-1, Carol
    linked = answer(await bot.command("link SUP-1 ENG-1", "U0ALICE"))
    assert linked == "*SUP-1* and *ENG-1* are linked: both cards show it."
    await bot.drain()

    support, engineering = await card_text(bot, "SUP-1"), await card_text(bot, "ENG-1")
    assert ":link: Related: *ENG-1* (Engineering 研发, <@U0CAROL>, Open — waiting for its owner)" in support
    assert (
        ":link: Related: *SUP-1* (Customer Support 客户支持, <@U0ALICE>, Open — waiting for its owner)" in engineering
    )
    for key, other in (("SUP-1", "ENG-1"), ("ENG-1", "SUP-1")):
        [event] = [e for e in await events_of(bot, key) if e.action == "linked"]
        assert (event.actor_id, event.to_value, event.at) == ("U0ALICE", other, bot.clock.now())
        assert f"<@U0ALICE> linked this ticket to *{other}*" in await thread_of(bot, key)

    # Engineering acknowledges: Support's card shows it, without a word in Support's thread.
    support_thread = await thread_of(bot, "SUP-1")
    assert "acknowledged" in answer(await bot.command("ack ENG-1", "U0CAROL"))
    await bot.drain()
    assert "*ENG-1* (Engineering 研发, <@U0CAROL>, Acknowledged)" in await card_text(bot, "SUP-1")
    assert await thread_of(bot, "SUP-1") == support_thread

    shown = answer(await bot.command("show ENG-1", "U0ERIN"))
    assert ":link: Related: *SUP-1* (Customer Support 客户支持, <@U0ALICE>, Open — waiting for its owner)" in shown
    assert "<@U0ALICE> linked it → *SUP-1*" in shown


async def test_linking_wrongly_is_refused_and_changes_nothing(bot: Harness) -> None:
    await open_by_message(bot, "Customer wants a refund for order 7", "U0ERIN")  # SUP-1, Alice
    await open_by_message(bot, "Refund for order 8 as well", "U0ERIN")  # SUP-2, Bob
    answer(await bot.command("link SUP-1 SUP-2", "U0ALICE"))
    await bot.drain()
    before = await counts(bot)
    refusals = [
        ("link SUP-1 SUP-1", "U0ALICE", "*SUP-1* cannot be linked to itself or be a duplicate of itself"),
        ("link SUP-2 SUP-1", "U0BOB", "*SUP-2* and *SUP-1* are already linked."),  # either way round
        ("link SUP-1 SUP-99", "U0ALICE", "There is no ticket SUP-99."),
        ("link SUP-77 SUP-1", "U0ALICE", "There is no ticket SUP-77."),
        ("link SUP-1 SUP-2 SUP-3", "U0ALICE", "Usage: `/ticket link KEY OTHER`"),
        ("link SUP-1", "U0ALICE", "Usage: `/ticket link KEY OTHER`"),
        ("link SUP-1 order-seven", "U0ALICE", "`order-seven` is not a ticket key."),
        # Its requester and other departments do not work on it.
        (
            "link SUP-2 SUP-1",
            "U0ERIN",
            "Only the owner or members of the department or the department lead or an admin may link *SUP-2*.",
        ),
        ("link SUP-2 SUP-1", "U0CAROL", "Only the owner or members of the department"),
    ]
    for command, user, expected in refusals:
        assert answer(await bot.command(command, user)).startswith(expected), command
    await bot.drain()
    assert await counts(bot) == before


async def test_a_private_ticket_cannot_be_linked_by_someone_who_may_not_see_it(bot: Harness) -> None:
    dm = bot.fake.dm_channel_for("U0ERIN")
    private = slack_requests.slash_command_body(
        text="refund of my salary advance", user="U0ERIN", channel=dm, channel_name="directmessage"
    )
    answer(await bot.post(private, "application/x-www-form-urlencoded"))  # SUP-1, private, Alice
    await open_by_message(bot, "Checkout crashes with an error", "U0ERIN")  # ENG-1, Carol
    before = await counts(bot)
    refused = answer(await bot.command("link ENG-1 SUP-1", "U0CAROL"))
    assert refused.startswith(":lock: *SUP-1* is private")
    assert await counts(bot) == before
    assert "linked" in answer(await bot.command("link SUP-1 ENG-1", "U0ALICE"))  # its owner may


async def test_a_problem_reported_twice_becomes_one_ticket_with_two_requesters(two_doors: Harness) -> None:
    bot = two_doors
    await open_by_message(bot, REPORT, "U0ERIN")  # SUP-1, Alice: Erin in #intake
    await open_by_message(bot, REPORT, "U0STRANGER", channel=SALES_CHANNEL)  # SUP-2, Bob: a sales rep
    assert [(t.key, t.owner_id, t.requester_id) for t in await bot.tickets()] == [
        ("SUP-1", "U0ALICE", "U0ERIN"),
        ("SUP-2", "U0BOB", "U0STRANGER"),
    ]

    # Bob sees it is the same problem and closes his as a duplicate of Alice's.
    done = answer(await bot.command("duplicate SUP-2 SUP-1", "U0BOB"))
    assert done == "*SUP-2* is closed as a duplicate of *SUP-1*; <@U0STRANGER> will hear when *SUP-1* is resolved."
    await bot.drain()
    duplicate, original = await bot.ticket("SUP-2"), await bot.ticket("SUP-1")
    assert (duplicate.status, duplicate.duplicate_of_id, duplicate.closed_at) == (
        "closed",
        original.id,
        bot.clock.now(),
    )
    assert duplicate.resolved_at is None  # closed, never resolved: it does not count as resolved work
    assert [(e.action, e.actor_id, e.from_value, e.to_value) for e in (await events_of(bot, "SUP-2"))[-2:]] == [
        ("duplicate", "U0BOB", None, "SUP-1"),
        ("closed", "U0BOB", "open", "closed"),
    ]
    [added] = [e for e in await events_of(bot, "SUP-1") if e.action == "duplicate_added"]
    assert (added.actor_id, added.to_value, added.at) == ("U0BOB", "SUP-2", bot.clock.now())

    # The sales rep is told where their request went, in a DM and in SUP-2's thread.
    [told] = [text for text in dms_to(bot, "U0STRANGER") if "duplicate" in text]
    assert told.startswith(
        ":link: <@U0BOB> closed your ticket *SUP-2* as a duplicate of *SUP-1* (Customer Support 客户支持, "
        "<@U0ALICE>, Open — waiting for its owner)"
    )
    assert "You will hear when *SUP-1* is resolved" in told
    assert "<@U0BOB> closed this ticket as a duplicate of *SUP-1*" in await thread_of(bot, "SUP-2")
    assert "<@U0BOB> closed *SUP-2* as a duplicate of this ticket" in await thread_of(bot, "SUP-1")
    assert "<@U0STRANGER> now also hears when it is resolved" in await thread_of(bot, "SUP-1")

    # One ticket, two requesters: the original's card names both, the duplicate's points to it.
    original_card = await card_text(bot, "SUP-1")
    assert "Requested by <@U0ERIN> and <@U0STRANGER> · intake message" in original_card
    assert ":link: Duplicates closed into it: *SUP-2* (Customer Support 客户支持, <@U0BOB>, Closed)" in original_card
    duplicate_card = await card_text(bot, "SUP-2")
    assert ":link: Closed as a duplicate of *SUP-1* (Customer Support 客户支持, <@U0ALICE>, Open" in duplicate_card
    assert "Requested by <@U0STRANGER> · intake message" in duplicate_card
    shown = answer(await bot.command("show SUP-1", "U0STRANGER"))
    assert "Also asked for by <@U0STRANGER>" in shown and "Duplicates closed into it: *SUP-2*" in shown
    shown = answer(await bot.command("show SUP-2", "U0STRANGER"))
    assert "Closed as a duplicate of *SUP-1*" in shown and "<@U0BOB> marked it a duplicate → *SUP-1*" in shown

    # The sales rep follows SUP-1: in their list and on their App Home, as what they asked for.
    assert "*SUP-1*" in answer(await bot.command("list", "U0STRANGER"))
    assert (await bot.event(slack_requests.app_home_opened_event(user="U0STRANGER"))).status_code == 200
    await bot.drain()
    [home] = [c.json_arg("view") for c in bot.fake.calls_to("views.publish") if c.args.get("user_id") == "U0STRANGER"]
    assert "SUP-1" in json.dumps(home)

    # Alice resolves SUP-1: both requesters hear it. Erin confirms or reopens it; the sales rep, who asked in
    # another ticket, is told how to reopen their own.
    answer(await bot.command("ack SUP-1", "U0ALICE"))
    answer(await bot.command("close SUP-1 refunded the second charge", "U0ALICE"))
    await bot.drain()
    erin = bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN"))
    [prompt] = [m for m in erin if "resolved" in m.text and "SUP-1" in m.text]
    assert ActionId.CONFIRM.value in json.dumps(prompt.blocks) and ActionId.REOPEN.value in json.dumps(prompt.blocks)
    rep = bot.fake.messages_in(bot.fake.dm_channel_for("U0STRANGER"))
    [resolved] = [m for m in rep if "resolved" in m.text and "refunded the second charge" in m.text]
    assert resolved.text.startswith(":white_check_mark: *SUP-1* is resolved by <@U0ALICE> — refunded the second")
    assert "reopen yours: `/ticket reopen SUP-2`" in resolved.text
    assert not resolved.blocks  # no Confirm / Reopen: only SUP-1's requester confirms or reopens it

    # It was not solved for the sales rep after all: reopening SUP-2 makes it its own work again.
    answer(await bot.command("reopen SUP-2", "U0STRANGER"))
    await bot.drain()
    duplicate = await bot.ticket("SUP-2")
    assert (duplicate.status, duplicate.duplicate_of_id) == ("open", None)
    assert [e.action for e in (await events_of(bot, "SUP-2"))[-2:]] == ["reopened", "duplicate_undone"]
    assert "Requested by <@U0ERIN> · intake message" in await card_text(bot, "SUP-1")
    assert "<@U0STRANGER> reopened *SUP-2*" in await thread_of(bot, "SUP-1")
    assert "*SUP-1*" not in answer(await bot.command("list", "U0STRANGER"))


async def test_duplicates_are_refused_when_they_would_make_a_chain_or_change_what_is_done(bot: Harness) -> None:
    for text in ("Refund for order 1", "Refund for order 1 again", "Refund for order 1, third time"):
        await open_by_message(bot, text, "U0ERIN")  # SUP-1 Alice, SUP-2 Bob, SUP-3 Alice
    assert "closed as a duplicate" in answer(await bot.command("duplicate SUP-2 SUP-1", "U0BOB"))
    await bot.drain()
    before = await counts(bot)
    refusals = {
        "duplicate SUP-3 SUP-3": ("U0ALICE", "*SUP-3* cannot be linked to itself or be a duplicate of itself"),
        # SUP-2 is a duplicate already: point to the original rather than build a chain (or, the other way, a cycle).
        "duplicate SUP-3 SUP-2": (
            "U0ALICE",
            "*SUP-2* is itself a duplicate of *SUP-1*. Close *SUP-3* as a duplicate of the original instead: "
            "`/ticket duplicate SUP-3 SUP-1`.",
        ),
        "duplicate SUP-1 SUP-2": (
            "U0ALICE",
            "*SUP-2* is already closed as a duplicate of *SUP-1*; reopen *SUP-2* first to turn it around.",
        ),
        "duplicate SUP-2 SUP-3": ("U0BOB", "*SUP-2* is already Closed; reopen it first."),
        "duplicate SUP-3 SUP-404": ("U0ALICE", "There is no ticket SUP-404."),
        # Who may: SUP-3's owner, Support's lead, admins — not its requester, nor another member of Support.
        "duplicate SUP-3 SUP-1": (
            "U0BOB",
            "Only the owner or the department lead or an admin may close as a duplicate *SUP-3*.",
        ),
    }
    for command, (user, expected) in refusals.items():
        assert answer(await bot.command(command, user)).startswith(expected), command
    assert answer(await bot.command("duplicate SUP-3 SUP-1", "U0ERIN")).startswith("Only the owner")
    assert await counts(bot) == before
    # The lead may; Erin asked for SUP-1 herself, so nobody new follows it.
    quiet = answer(await bot.command("duplicate SUP-3 SUP-1", "U0LEADSUP"))
    assert quiet == "*SUP-3* is closed as a duplicate of *SUP-1*."
    await bot.drain()
    assert "Requested by <@U0ERIN> · intake message" in await card_text(bot, "SUP-1")
    assert "*SUP-2* (Customer Support 客户支持, <@U0BOB>, Closed), *SUP-3*" in await card_text(bot, "SUP-1")


async def test_the_followers_of_a_duplicate_follow_where_it_went(bot: Harness) -> None:
    await open_by_message(bot, "Refund for order 1", "U0ERIN")  # SUP-1, Alice
    await open_by_message(bot, "Refund for order 1 again", "U0STRANGER")  # SUP-2, Bob
    await open_by_message(bot, "Refund for order 1, please", "U0LEADSALES")  # SUP-3, Alice
    answer(await bot.command("duplicate SUP-3 SUP-2", "U0ALICE"))  # Sales' lead follows SUP-2
    answer(await bot.command("duplicate SUP-2 SUP-1", "U0BOB"))  # …and so, with SUP-2's requester, SUP-1
    await bot.drain()
    # Followers who came at one moment are listed by id.
    assert "Requested by <@U0ERIN>, <@U0LEADSALES> and <@U0STRANGER>" in await card_text(bot, "SUP-1")
    answer(await bot.command("close SUP-1 refunded", "U0ALICE"))
    await bot.drain()
    for follower in ("U0STRANGER", "U0LEADSALES"):
        assert any(text.startswith(":white_check_mark: *SUP-1* is resolved") for text in dms_to(bot, follower))


async def test_help_and_the_chinese_texts_name_linked_work(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(database_url, workspace.model_copy(update={"language": "zh"})) as bot:
        await open_by_message(bot, "Customer wants a refund for order 7", "U0ERIN")
        await open_by_message(bot, "Refund for order 7 again", "U0STRANGER")
        shown = answer(await bot.command("help", "U0ERIN"))
        assert "`/ticket link KEY OTHER` 关联两张工单" in shown and "`/ticket duplicate KEY OTHER`" in shown
        assert answer(await bot.command("duplicate SUP-2 SUP-1", "U0BOB")) == (
            "*SUP-2* 已作为 *SUP-1* 的重复工单关闭；*SUP-1* 解决时会通知 <@U0STRANGER>。"
        )
        await bot.drain()
        assert "提出人 <@U0ERIN> 和 <@U0STRANGER>" in await card_text(bot, "SUP-1")
        assert ":link: 并入此工单的重复工单：*SUP-2*（Customer Support 客户支持，<@U0BOB>，已关闭）" in await card_text(
            bot, "SUP-1"
        )
        assert ":link: 已作为 *SUP-1*（Customer Support 客户支持，<@U0ALICE>，" in await card_text(bot, "SUP-2")
        refused = answer(await bot.command("duplicate SUP-2 SUP-1", "U0BOB"))
        assert refused == "*SUP-2* 已是已关闭状态；请先重新打开。"
        thread = await thread_of(bot, "SUP-2")
        assert "<@U0BOB> 将此工单作为 *SUP-1* 的重复工单关闭" in thread
