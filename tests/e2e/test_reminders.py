"""Time passes: overdue → reminder → second reminder → lead pinged → acknowledge → reminders stop,
with the real bot, its ticker and the fake Slack, moved by a hand-held clock (no sleeping)."""

from __future__ import annotations

from datetime import timedelta

from tests.support.harness import Harness


async def tick(bot: Harness) -> None:
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


async def test_overdue_ladder_until_acknowledged(bot: Harness) -> None:
    await bot.intake_message("Customer wants a refund for order 7")  # SUP-1, Alice; acknowledge within 4h
    await bot.drain()
    alice = bot.fake.dm_channel_for("U0ALICE")
    new_ticket_dm = len(bot.fake.messages_in(alice))

    bot.clock.advance(timedelta(hours=4))
    await tick(bot)
    reminders = bot.fake.messages_in(alice)[new_ticket_dm:]
    assert len(reminders) == 1 and "overdue" in reminders[0].text and "*SUP-1*" in reminders[0].text

    bot.clock.advance(timedelta(hours=1))
    await tick(bot)
    reminders = bot.fake.messages_in(alice)[new_ticket_dm:]
    assert len(reminders) == 1 and "reminder 2" in reminders[0].text  # the first was replaced, not piled on
    assert len(bot.fake.calls_to("chat.delete")) == 1

    lead = bot.fake.dm_channel_for("U0LEADSUP")
    assert bot.fake.messages_in(lead) == []
    bot.clock.advance(timedelta(hours=1))
    await tick(bot)
    [to_lead] = bot.fake.messages_in(lead)
    assert "Escalated to you as department lead" in to_lead.text and "*SUP-1*" in to_lead.text
    assert (await bot.ticket("SUP-1")).escalation_level == 1

    await bot.command("ack SUP-1", "U0ALICE")
    await bot.drain()
    seen = (len(bot.fake.messages_in(alice)), len(bot.fake.messages_in(lead)), len(bot.fake.calls_to("chat.delete")))
    for _ in range(3):
        bot.clock.advance(timedelta(hours=1))
        await tick(bot)
    # The moment it is acknowledged, nobody is reminded any more (the digest may post meanwhile; not to them).
    after = (len(bot.fake.messages_in(alice)), len(bot.fake.messages_in(lead)), len(bot.fake.calls_to("chat.delete")))
    assert after == seen


async def test_deadlines_follow_the_owners_own_time_zone(bot: Harness) -> None:
    from datetime import UTC, datetime

    bot.fake.users["U0BOB"].tz = "Europe/Berlin"
    await tick(bot)  # learns everybody's time zone with users.info
    assert {c.args["user"] for c in bot.fake.calls_to("users.info")} >= {"U0ALICE", "U0BOB"}
    await bot.intake_message("refund one")  # Alice, Shanghai
    await bot.intake_message("refund two")  # Bob, Berlin
    alice, bob = await bot.tickets()
    assert bob.owner_id == "U0BOB"
    # Monday 10:00 in Shanghai is 03:00 in Berlin: Bob's four working hours start at 09:00 Berlin time.
    assert alice.ack_due_at == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert bob.ack_due_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
