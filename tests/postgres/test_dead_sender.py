"""Two replicas on one PostgreSQL, one clock, one fake Slack: a replica that dies (no graceful stop) has its leased
rows delivered by the other once its heartbeat is older than the limit — seconds, not the lease's minutes — and
nothing is posted twice; a replica that is only slow keeps beating and keeps its rows."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.outbox.sender import SenderSettings
from bot.sandbox.polling import eventually
from config.schema import WorkspaceConfig
from storage.models import OutboxMessage, Ticket
from tests.reliability.cluster import outbox_id_of
from tests.support.harness import START, Harness, running_replicas

pytestmark = pytest.mark.postgres

DEAD_AFTER = timedelta(seconds=15)  # CROSSDESK_DEAD_SENDER_SECONDS' default


@pytest.fixture(params=["postgres"])  # replicas share a PostgreSQL; SQLite runs one bot
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextlib.asynccontextmanager
async def two_replicas(
    database_url: str,
    workspace: WorkspaceConfig,
    lease: timedelta = timedelta(minutes=5),
    dead_after: timedelta = DEAD_AFTER,
) -> AsyncIterator[tuple[Harness, Harness]]:
    settings = SenderSettings(poll_interval=0.05, lease=lease)
    env = {"CROSSDESK_DEAD_SENDER_SECONDS": str(dead_after.total_seconds())}
    async with running_replicas(database_url, workspace, 2, sender=settings, env=env) as (first, second):
        yield first, second


async def outbox_rows(bot: Harness) -> list[OutboxMessage]:
    async with bot.services.db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def rows_of(bot: Harness, key: str) -> list[OutboxMessage]:
    ticket = await bot.ticket(key)
    return [row for row in await outbox_rows(bot) if row.ticket_id == ticket.id]


def posts_by_row(bot: Harness) -> Counter[int]:
    """How often Slack received each outbox row's post (matched by the metadata every post carries)."""
    found = (outbox_id_of(call.args) for call in bot.fake.calls_to("chat.postMessage") if call.ok)
    return Counter(row_id for row_id in found if row_id is not None)


def assert_posted_once(bot: Harness, rows: list[OutboxMessage]) -> None:
    """Each post among ``rows`` reached Slack exactly once."""
    posts = posts_by_row(bot)
    wanted = [row.id for row in rows if row.method == "chat.postMessage"]
    assert {row_id: posts[row_id] for row_id in wanted} == dict.fromkeys(wanted, 1)


def metadata_looks(bot: Harness) -> list[Any]:
    """The reads of a conversation made to find an outbox post (the bot reads history for nothing else with
    metadata)."""
    calls = bot.fake.calls_to("conversations.history") + bot.fake.calls_to("conversations.replies")
    return [call for call in calls if call.args.get("include_all_metadata") in (True, "1", "true", 1)]


async def test_a_dead_replicas_rows_are_delivered_by_another_after_the_heartbeat_limit(
    database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with two_replicas(database_url, workspace) as (doomed, survivor):
        sender = doomed.sender
        # SUP-1: the doomed replica posts its messages, and dies before it records them.
        monkeypatch.setattr(sender._waiting, "later", lambda outcomes: None)
        await doomed.intake_message("refund please, charged twice")
        first = await rows_of(doomed, "SUP-1")
        await eventually(
            lambda: all(posts_by_row(doomed)[row.id] == 1 for row in first if row.method == "chat.postMessage"),
            timeout=5.0,
            interval=0.01,
            failure="the doomed replica did not post SUP-1's messages",
        )
        # SUP-2: it dies between the commit and the first call.
        monkeypatch.setattr(sender, "_hand_over", lambda rows, tickets: None)
        await doomed.intake_message("refund for order 42")
        second = await rows_of(doomed, "SUP-2")
        posted_before = posts_by_row(doomed)
        assert not any(posted_before[row.id] for row in second)
        assert {(row.status, row.claimed_by) for row in first + second} == {("sending", sender.process)}
        # The process is gone: no last outbox pass, no word that it stopped; its heartbeat just ends.
        monkeypatch.setattr(sender.heartbeat, "stopped", _nothing)
        await doomed.bot.stop()

        # Within the limit the rows are still the dead replica's: nobody may know yet that it is dead.
        survivor.clock.advance(DEAD_AFTER - timedelta(seconds=1))
        await survivor.sender.heartbeat.beat()
        assert await survivor.sender.send_due() == 0
        assert posts_by_row(survivor) == posted_before

        survivor.clock.advance(timedelta(seconds=2))  # 16 s after its last beat, 4 min 44 s before the lease ends
        await survivor.sender.heartbeat.beat()
        await survivor.drain()

        rows = await rows_of(survivor, "SUP-1") + await rows_of(survivor, "SUP-2")
        assert {row.status for row in rows} == {"sent"}
        assert_posted_once(survivor, rows)
        # Every conversation a taken-over row posts to was looked in first (rows of one conversation share one
        # read), and only up to when the dead replica could last have called Slack, not up to now.
        looks = metadata_looks(survivor)
        assert {row.result_channel for row in rows if row.method == "chat.postMessage"} <= {
            str(call.args.get("channel")) for call in looks
        }
        assert looks and all("latest" in call.args for call in looks)
        async with survivor.services.db.transaction() as session:
            placed = (await session.exec(select(Ticket.card_ts).order_by(col(Ticket.id)))).all()
        assert all(placed)  # both cards recorded on their tickets by the survivor


async def test_a_dead_replicas_post_is_found_however_busy_its_channel_became(
    database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look reads up to when the dead replica could last have called Slack: the 1,200 messages each of its
    channels received after that (more than the five pages of 200 a look used to read, newest first, from now) do
    not hide its posts, so they are found, recorded and not posted again."""
    async with two_replicas(database_url, workspace) as (doomed, survivor):
        sender = doomed.sender
        monkeypatch.setattr(sender._waiting, "later", lambda outcomes: None)  # posts, never records
        await doomed.intake_message("refund please, charged twice")
        rows = await rows_of(doomed, "SUP-1")
        posts = [row for row in rows if row.method == "chat.postMessage"]
        await eventually(
            lambda: all(posts_by_row(doomed)[row.id] == 1 for row in posts),
            timeout=5.0,
            interval=0.01,
            failure="the doomed replica did not post SUP-1's messages",
        )
        monkeypatch.setattr(sender.heartbeat, "stopped", _nothing)
        await doomed.bot.stop()

        channels = {str(row.payload["channel"]) for row in posts if str(row.payload["channel"]).startswith("C")}
        assert channels, "SUP-1 posted in no channel"
        survivor.clock.advance(timedelta(minutes=2))  # past its heartbeat limit and every straggling call
        for channel in sorted(channels):
            for number in range(1200):
                survivor.fake.post_user_message(channel, "U0ERIN", f"busy channel, message {number}")
        await survivor.sender.heartbeat.beat()
        await survivor.drain()

        rows = await rows_of(survivor, "SUP-1")
        assert {row.status for row in rows} == {"sent"}
        # Found in Slack, recorded where they are, and not posted again.
        assert_posted_once(survivor, posts)
        assert all(row.result_ts for row in rows if row.method == "chat.postMessage")
        busy_looks = [call for call in metadata_looks(survivor) if call.args.get("channel") in channels]
        assert len(busy_looks) == len(channels)  # one page each: the window ends before the busy minutes


async def test_a_taken_over_row_is_looked_for_only_once_the_dead_senders_last_call_could_have_landed(
    database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a short heartbeat limit (6 s) a dead sender's rows are taken over before its last call could have
    reached Slack (its last beat + 2 s + a call's 10 s): they wait for that moment, unsent and unlooked-for — a look
    before then could miss a post still on its way — and are then found or posted, each once. The rows that wait for
    a card given back keep their own uncertain attempt, so they are looked for too."""
    dead_after = timedelta(seconds=6)
    straggle = SenderSettings(dead_after=dead_after).straggle
    assert straggle > dead_after
    async with two_replicas(database_url, workspace, dead_after=dead_after) as (doomed, survivor):
        sender = doomed.sender
        monkeypatch.setattr(sender._waiting, "later", lambda outcomes: None)  # SUP-1: posted, never recorded
        await doomed.intake_message("refund please, charged twice")
        first = [row for row in await rows_of(doomed, "SUP-1") if row.method == "chat.postMessage"]
        await eventually(
            lambda: all(posts_by_row(doomed)[row.id] == 1 for row in first),
            timeout=5.0,
            interval=0.01,
            failure="the doomed replica did not post SUP-1's messages",
        )
        monkeypatch.setattr(sender, "_hand_over", lambda rows, tickets: None)  # SUP-2: never called
        await doomed.intake_message("refund for order 42")
        monkeypatch.setattr(sender.heartbeat, "stopped", _nothing)
        await doomed.bot.stop()
        posted_before = posts_by_row(doomed)

        survivor.clock.advance(dead_after + timedelta(seconds=1))
        await survivor.sender.heartbeat.beat()
        await survivor.sender.send_due()  # (or the survivor's own sending loop, whichever comes first)
        landed_by = START + straggle

        async def waiting_until_landed() -> bool:
            rows = await rows_of(survivor, "SUP-1") + await rows_of(survivor, "SUP-2")
            return all(
                (row.status, row.next_attempt_at, row.uncertain_until) == ("pending", landed_by, landed_by)
                for row in rows
            )

        await eventually(waiting_until_landed, timeout=5.0, interval=0.01, failure="the rows were not given back")
        assert posts_by_row(survivor) == posted_before
        assert metadata_looks(survivor) == []

        survivor.clock.advance(straggle - dead_after)
        await survivor.sender.heartbeat.beat()
        await survivor.drain()
        rows = await rows_of(survivor, "SUP-1") + await rows_of(survivor, "SUP-2")
        assert {row.status for row in rows} == {"sent"}
        assert_posted_once(survivor, rows)
        assert metadata_looks(survivor)


async def test_a_sender_whose_heartbeat_grew_old_during_the_look_gives_the_row_back(
    database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look before a re-post may take a while (up to a hundred pages). Others count on no call of this sender
    starting once its heartbeat is old, so a sender whose beat went stale during the look posts nothing: the row is
    given back, and posted once when a fresh sender takes it."""
    async with two_replicas(database_url, workspace) as (doomed, survivor):
        monkeypatch.setattr(doomed.sender, "_hand_over", lambda rows, tickets: None)  # dies before any call
        await doomed.intake_message("refund please, charged twice")
        posts = [row for row in await rows_of(doomed, "SUP-1") if row.method == "chat.postMessage"]
        monkeypatch.setattr(doomed.sender.heartbeat, "stopped", _nothing)
        await doomed.bot.stop()
        survivor.clock.advance(DEAD_AFTER + timedelta(seconds=1))

        stale = False
        heartbeat = survivor.sender.heartbeat
        fresh = heartbeat.fresh
        monkeypatch.setattr(heartbeat, "fresh", lambda: fresh() and not stale)
        slack = survivor.sender.delivery.slack
        look = slack.already_posted
        looked: list[int | None] = []

        async def long_look(row: Any, payload: dict[str, Any]) -> Any:
            nonlocal stale
            found = await look(row, payload)
            looked.append(row.id)
            stale = True  # the beat was not written while the look ran
            return found

        monkeypatch.setattr(slack, "already_posted", long_look)
        await heartbeat.beat()
        await survivor.sender.send_due()
        assert looked, "the survivor did not look before posting the dead replica's rows"
        assert not any(posts_by_row(survivor)[row.id] for row in posts)  # nothing posted after the stale look
        async with survivor.services.db.transaction() as session:
            given_back = (await session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(looked)))).all()
        assert {row.status for row in given_back} == {"pending"}

        monkeypatch.setattr(slack, "already_posted", look)  # the next looks are quick
        stale = False
        await heartbeat.beat()
        await survivor.drain()
        assert_posted_once(survivor, posts)


async def _nothing() -> None:
    return None


async def test_a_slow_replica_that_still_beats_keeps_its_rows_and_renews_their_lease(
    database_url: str, workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    lease = timedelta(seconds=60)
    async with two_replicas(database_url, workspace, lease=lease) as (slow, other):
        slack = slow.sender.delivery.slack
        call = slack.call
        claimed_by_other: list[int] = []

        async def slow_call(method: str, payload: dict[str, Any], attempts: int) -> Any:
            # Each call takes 40 s: past the heartbeat limit, and past half the lease. The slow replica's heartbeat
            # goes on beating meanwhile (its own task); the other replica's passes find nothing to take.
            # In steps shorter than the limit, each followed by a beat: the other replica's own sender runs
            # meanwhile and must never find this heartbeat older than the limit.
            for _ in range(4):
                slow.clock.advance(timedelta(seconds=10))
                await slow.sender.heartbeat.beat()
            claimed_by_other.append(await other.sender.send_due())
            return await call(method, payload, attempts)

        monkeypatch.setattr(slack, "call", slow_call)
        await slow.intake_message("refund please")
        await slow.drain(timeout=10.0)

        rows = await rows_of(slow, "SUP-1")
        assert len(rows) >= 3 and {row.status for row in rows} == {"sent"}
        assert claimed_by_other and set(claimed_by_other) == {0}
        # 40 s per call against a 60 s lease: only renewing it kept the later rows this sender's.
        assert slow.clock.now() - START > lease
        posts = posts_by_row(slow)
        assert all(posts[row.id] == 1 for row in rows if row.method == "chat.postMessage")
        assert not metadata_looks(slow)  # nothing was taken over, so nothing was looked for
