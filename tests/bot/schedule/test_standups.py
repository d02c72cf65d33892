"""Stand-ups on the real database with a hand-moved clock: who is asked when, one nudge, one summary."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.errors import BadRequest
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.standups import StandupService
from bot.surfaces.ids import ActionId, OutboxPurpose
from bot.surfaces.standup_views import blocker_block_id
from bot.tickets.opening import Source, TicketRequest
from config.schema import WorkspaceConfig
from storage import directory
from storage import outbox as outbox_rows
from storage.database import Database
from storage.models import JobRun, Member, OutboxMessage, StandupEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 30)
SUP = ["U0ALICE", "U0BOB", "U0LEADSUP"]


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def standups(db: Database, workspace: WorkspaceConfig, clock: ManualClock) -> StandupService:
    return Services.build(workspace, db, clock, SlackIdentity()).standups


@pytest.fixture
async def synced(db: Database, workspace: WorkspaceConfig) -> Database:
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    return db


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def entries(db: Database) -> dict[str, StandupEntry]:
    async with db.transaction() as session:
        return {e.user_id: e for e in (await session.exec(select(StandupEntry))).all()}


def prompts(messages: list[OutboxMessage]) -> list[str]:
    return [m.payload["channel"] for m in messages if m.purpose == OutboxPurpose.STANDUP_PROMPT.value]


def posted_to(messages: list[OutboxMessage], channel: str) -> list[OutboxMessage]:
    """Stand-up posts in ``channel`` (not the new-ticket notices that go there too)."""
    return [
        m
        for m in messages
        if m.method == "chat.postMessage"
        and m.payload["channel"] == channel
        and "stand-up" in m.payload.get("text", "")
    ]


async def set_time_zone(db: Database, user_id: str, tz: str) -> None:
    async with db.transaction() as session:
        await session.exec(update(Member).where(col(Member.user_id) == user_id).values(tz=tz))


async def overdue_ticket_for_alice(db: Database, workspace: WorkspaceConfig) -> str:
    """A ticket opened on Friday morning: unacknowledged, its 4-hour acknowledge SLA long gone by Monday."""
    clock = ManualClock(shanghai(date(2026, 11, 27), 10))
    result = await Services.build(workspace, db, clock, SlackIdentity()).tickets.open_ticket(
        TicketRequest(text="Refund for ACME stuck", requester_id="U0ERIN", source=Source.COMMAND, department_key="SUP")
    )
    assert result.ticket is not None and result.ticket.owner_id == "U0ALICE"
    return result.ticket.key


async def test_asked_once_at_the_stand_up_time_on_a_working_day(synced: Database, workspace: WorkspaceConfig) -> None:
    key = await overdue_ticket_for_alice(synced, workspace)
    clock = ManualClock(shanghai(MONDAY, 9, 29))
    service = standups(synced, workspace, clock)
    await service.tick()
    assert await entries(synced) == {}
    before = len(await rows(synced))

    clock.set(shanghai(MONDAY, 9, 30))
    await service.tick()
    await service.tick()
    clock.set(shanghai(MONDAY, 9, 45))
    await service.tick()
    queued = (await rows(synced))[before:]
    assert sorted(prompts(queued)) == sorted(SUP)  # each member once, however often the ticker runs
    assert {e.day for e in (await entries(synced)).values()} == {"2026-11-30"}
    [alice] = [m for m in queued if m.payload["channel"] == "U0ALICE"]
    shown = json.dumps(alice.payload["blocks"], ensure_ascii=False)
    assert "1. What did you finish yesterday?" in shown and "3. Anything blocking you?" in shown
    assert key in shown and "overdue" in shown
    assert ActionId.STANDUP_ANSWER.value in shown and ActionId.STANDUP_SKIP.value in shown
    [bob] = [m for m in queued if m.payload["channel"] == "U0BOB"]
    assert "You have no open tickets." in json.dumps(bob.payload["blocks"])


async def test_nobody_is_asked_on_a_weekend_or_a_holiday(synced: Database, workspace: WorkspaceConfig) -> None:
    saturday = ManualClock(shanghai(date(2026, 11, 28), 9, 45))
    await standups(synced, workspace, saturday).tick()
    saturday.set(shanghai(date(2026, 11, 28), 11))
    await standups(synced, workspace, saturday).tick()
    assert await rows(synced) == []

    holiday = workspace.model_copy(update={"holidays": [MONDAY]})
    clock = ManualClock(shanghai(MONDAY, 9, 45))
    await standups(synced, holiday, clock).tick()
    clock.set(shanghai(MONDAY, 11))
    await standups(synced, holiday, clock).tick()
    assert await rows(synced) == [] and await entries(synced) == {}


async def test_each_member_is_asked_at_the_time_in_their_own_time_zone(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    await set_time_zone(synced, "U0BOB", "Europe/Berlin")
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    service = standups(synced, workspace, clock)
    await service.tick()
    assert sorted(prompts(await rows(synced))) == ["U0ALICE", "U0LEADSUP"]

    berlin = ZoneInfo("Europe/Berlin")
    clock.set(datetime(2026, 11, 30, 9, 29, tzinfo=berlin))  # 16:29 in Shanghai
    await service.tick()
    assert "U0BOB" not in prompts(await rows(synced))
    clock.set(datetime(2026, 11, 30, 9, 30, tzinfo=berlin))
    await service.tick()
    assert prompts(await rows(synced)).count("U0BOB") == 1
    assert (await entries(synced))["U0BOB"].day == "2026-11-30"


async def test_a_member_whose_own_time_is_later_is_listed_as_asked_later(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    await set_time_zone(synced, "U0BOB", "Europe/Berlin")
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    service = standups(synced, workspace, clock)
    await service.tick()
    clock.set(shanghai(MONDAY, 10, 30))
    await service.tick()
    [summary] = posted_to(await rows(synced), "C0SUPPORT")
    shown = json.dumps(summary.payload["blocks"], ensure_ascii=False)
    assert "Asked later in their own time zone: <@U0BOB>" in shown
    assert "Did not answer: <@U0ALICE>, <@U0LEADSUP>" in shown


async def test_one_nudge_halfway_to_the_summary_for_those_who_have_not_answered(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    service = standups(synced, workspace, clock)
    await service.tick()
    await service.answer("SUP", "U0ALICE", "2026-11-30", ["Refunds", "More refunds", "nothing"])
    await service.skip("U0BOB", "SUP", "2026-11-30")
    clock.set(shanghai(MONDAY, 9, 59))
    await service.tick()
    assert all(e.nudged_at is None for e in (await entries(synced)).values())

    clock.set(shanghai(MONDAY, 10, 0))
    await service.tick()
    clock.set(shanghai(MONDAY, 10, 15))
    await service.tick()
    nudges = [m for m in await rows(synced) if "still open" in m.payload.get("text", "")]
    assert [m.payload["channel"] for m in nudges] == ["U0LEADSUP"]
    found = await entries(synced)
    assert found["U0LEADSUP"].nudged_at == shanghai(MONDAY, 10, 0)
    assert found["U0ALICE"].nudged_at is None and found["U0BOB"].nudged_at is None


async def test_someone_in_two_stand_ups_gets_one_nudge_naming_both(db: Database, workspace: WorkspaceConfig) -> None:
    engineering = workspace.departments[1].model_copy(update={"owners": [*workspace.departments[1].owners, "U0ALICE"]})
    both = workspace.model_copy(
        update={
            "departments": [workspace.departments[0], engineering, *workspace.departments[2:]],
            "standups": [*workspace.standups, workspace.standups[0].model_copy(update={"department": "ENG"})],
        }
    )
    async with db.transaction() as session:
        await directory.sync_workspace(session, both)
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    service = standups(db, both, clock)
    await service.tick()
    assert sorted(prompts(await rows(db))).count("U0ALICE") == 2  # a question per stand-up: each has its own form
    clock.set(shanghai(MONDAY, 10, 0))
    await service.tick()
    await service.tick()  # the same tick again (another replica's): nobody hears twice
    nudges = [m for m in await rows(db) if m.payload.get("text", "").startswith(":bell:")]
    by_person = {m.payload["channel"]: m.payload["text"] for m in nudges}
    assert len(nudges) == len(by_person) == len({*SUP, *engineering.members})
    assert "2 of your stand-ups are still open" in by_person["U0ALICE"]
    assert (
        f"*{workspace.departments[0].name}*" in by_person["U0ALICE"] and f"*{engineering.name}*" in by_person["U0ALICE"]
    )
    assert "Your *Customer Support 客户支持* stand-up for 2026-11-30 is still open" in by_person["U0BOB"]


async def test_a_first_start_after_the_stand_up_time_asks_nobody_and_posts_no_summary(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(shanghai(MONDAY, 10, 0))  # the database's first tick: the 09:30 questions never go out
    service = standups(synced, workspace, clock)
    await service.tick()
    clock.set(shanghai(MONDAY, 10, 30))
    await service.tick()
    clock.set(shanghai(MONDAY, 10, 31))
    await service.tick()
    assert await rows(synced) == [] and await entries(synced) == {}
    async with synced.transaction() as session:
        assert [(r.job, r.period) for r in (await session.exec(select(JobRun))).all()] == [("crossdesk", "first-start")]


async def test_after_an_outage_past_post_at_nobody_is_asked_and_no_summary_lists_them(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(shanghai(MONDAY, 9, 0))
    service = standups(synced, workspace, clock)
    await service.tick()  # running before the stand-up; then down from 09:01 to 10:45
    restarted = standups(synced, workspace, clock)
    clock.set(shanghai(MONDAY, 10, 45))
    await restarted.tick()
    await restarted.tick()
    assert await rows(synced) == []


async def test_after_an_outage_within_the_grace_period_the_questions_and_summary_catch_up(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(shanghai(MONDAY, 9, 0))
    await standups(synced, workspace, clock).tick()
    clock.set(shanghai(MONDAY, 10, 15))  # down from 09:01: the questions are 45 minutes late
    restarted = standups(synced, workspace, clock)
    await restarted.tick()
    messages = await rows(synced)
    assert sorted(prompts(messages)) == sorted(SUP)
    assert not [m for m in messages if "still open" in m.payload.get("text", "")]  # no question and nudge at once
    clock.set(shanghai(MONDAY, 10, 30))
    await restarted.tick()
    [summary] = posted_to(await rows(synced), "C0SUPPORT")
    assert "Did not answer: <@U0ALICE>, <@U0BOB>, <@U0LEADSUP>" in json.dumps(summary.payload["blocks"])


async def test_a_shorter_grace_period_drops_what_is_later_than_it(synced: Database, workspace: WorkspaceConfig) -> None:
    strict = workspace.model_copy(update={"catch_up_within": timedelta(minutes=15)})
    clock = ManualClock(shanghai(MONDAY, 9, 0))
    await standups(synced, strict, clock).tick()
    clock.set(shanghai(MONDAY, 9, 46))  # 16 minutes late
    await standups(synced, strict, clock).tick()
    assert prompts(await rows(synced)) == []
    clock.set(shanghai(MONDAY, 10, 30))
    await standups(synced, strict, clock).tick()
    assert await rows(synced) == []


async def test_the_summary_names_as_not_answering_only_those_who_were_asked(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    await set_time_zone(synced, "U0BOB", "Asia/Tokyo")  # his 09:30 is 08:30 in Shanghai, before the first start
    clock = ManualClock(shanghai(MONDAY, 9, 0))
    service = standups(synced, workspace, clock)
    await service.tick()
    clock.set(shanghai(MONDAY, 9, 30))
    await service.tick()
    assert sorted(prompts(await rows(synced))) == ["U0ALICE", "U0LEADSUP"]
    await service.answer("SUP", "U0ALICE", "2026-11-30", ["Refunds", "More refunds", "none"])
    so_far = json.dumps((await service.summary_so_far("U0LEADSUP"))["blocks"])
    assert "Not answered yet: <@U0LEADSUP>" in so_far and "U0BOB" not in so_far
    clock.set(shanghai(MONDAY, 10, 30))
    await service.tick()
    [summary] = posted_to(await rows(synced), "C0SUPPORT")
    shown = json.dumps(summary.payload["blocks"])
    assert "Did not answer: <@U0LEADSUP>" in shown and "More refunds" in shown
    assert "U0BOB" not in shown
    assert summary.payload["text"].endswith("1 answered, 0 skipped, 1 not answered")


async def test_two_replicas_on_two_engines_ask_once_and_summarise_once(
    synced: Database, workspace: WorkspaceConfig, database_url: str
) -> None:
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    engines = [Database(database_url), Database(database_url)]
    replicas = [standups(engine, workspace, clock) for engine in engines]
    try:
        await asyncio.gather(*(replica.tick() for replica in replicas for _ in range(3)))
        clock.set(shanghai(MONDAY, 10, 0))
        await asyncio.gather(*(replica.tick() for replica in replicas for _ in range(3)))
        clock.set(shanghai(MONDAY, 10, 30))
        await asyncio.gather(*(replica.tick() for replica in replicas for _ in range(3)))
    finally:
        for engine in engines:
            await engine.dispose()
    messages = await rows(synced)
    assert sorted(prompts(messages)) == sorted(SUP)
    assert len([m for m in messages if "still open" in m.payload.get("text", "")]) == 3
    assert len(posted_to(messages, "C0SUPPORT")) == 1
    async with synced.transaction() as session:
        runs = {(run.job, run.period): run for run in (await session.exec(select(JobRun))).all()}
    assert set(runs) == {("crossdesk", "first-start"), ("standup:SUP", "2026-11-30")}
    assert runs["crossdesk", "first-start"].started_at == shanghai(MONDAY, 9, 30)
    assert runs["standup:SUP", "2026-11-30"].finished_at == shanghai(MONDAY, 10, 30)


async def test_summary_has_answers_skips_non_responders_and_overdue_tickets(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    key = await overdue_ticket_for_alice(synced, workspace)
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    service = standups(synced, workspace, clock)
    await service.tick()
    await service.answer(
        "SUP", "U0ALICE", "2026-11-30", ["Closed SUP-0", "Chase the refund", "Waiting on ENG for the refund API"]
    )
    await service.skip("U0LEADSUP", "SUP", "2026-11-30")
    so_far = await service.summary_so_far("U0BOB")
    assert "(so far)" in so_far["text"] or "(so far)" in json.dumps(so_far["blocks"])
    assert "Not answered yet: <@U0BOB>" in json.dumps(so_far["blocks"])

    clock.set(shanghai(MONDAY, 10, 30))
    await service.tick()
    [summary] = posted_to(await rows(synced), "C0SUPPORT")
    blocks = summary.payload["blocks"]
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "*<@U0ALICE>*" in shown and "Chase the refund" in shown and "Waiting on ENG for the refund API" in shown
    assert "Skipped: <@U0LEADSUP>" in shown
    assert "Did not answer: <@U0BOB>" in shown
    assert f"<@U0ALICE>: *{key}* Refund for ACME stuck" in shown
    [blocker] = [b for b in blocks if "accessory" in b]
    button = blocker["accessory"]
    assert button["action_id"] == ActionId.STANDUP_BLOCKER_TICKET.value
    alice = (await entries(synced))["U0ALICE"]
    assert button["value"] == str(alice.id)
    assert blocker["block_id"] == blocker_block_id(alice.id)  # the bot's own id, not one Slack makes up
    draft = await service.blocker_draft(int(button["value"]))
    assert draft.title == "Waiting on ENG for the refund API"
    assert "<@U0ALICE>" in draft.description and "Waiting on ENG" in draft.description

    # Bob answers after the summary went out: his answer goes to the channel on its own.
    await service.answer("SUP", "U0BOB", "2026-11-30", ["Calls", "More calls", "none"])
    late = posted_to(await rows(synced), "C0SUPPORT")[-1]
    assert "after the summary" in late.payload["text"] and "More calls" in json.dumps(late.payload["blocks"])


async def test_answering_updates_the_question_dm_and_a_skip_after_answering_is_refused(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(shanghai(MONDAY, 9, 30))
    service = standups(synced, workspace, clock)
    await service.tick()
    async with synced.transaction() as session:
        [prompt] = [m for m in (await session.exec(select(OutboxMessage))).all() if m.payload["channel"] == "U0BOB"]
        assert prompt.id is not None
        await outbox_rows.record(
            session, clock.now(), [outbox_rows.Sent(prompt.id, "D0BOB", "1790000000.000100")], [], []
        )
    await service.answer("SUP", "U0BOB", "2026-11-30", ["a", "b", ""])
    [updated] = [m for m in await rows(synced) if m.method == "chat.update"]
    assert (updated.payload["channel"], updated.payload["ts"]) == ("D0BOB", "1790000000.000100")
    assert "your *Customer Support 客户支持* stand-up for 2026-11-30 is in" in updated.payload["text"]
    with pytest.raises(BadRequest) as refused:
        await service.skip("U0BOB")
    assert refused.value.message_key == "standup.error.already_answered"


async def test_answering_before_the_stand_up_time_means_no_question_dm(
    synced: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(shanghai(MONDAY, 8, 0))
    service = standups(synced, workspace, clock)
    form = await service.answer_form("U0ALICE")
    assert (form.department_key, form.day, form.previous) == ("SUP", "2026-11-30", None)
    await service.answer("SUP", "U0ALICE", form.day, ["x", "y", "z"])
    assert (await service.answer_form("U0ALICE")).previous == ["x", "y", "z"]
    clock.set(shanghai(MONDAY, 9, 30))
    await service.tick()
    assert sorted(prompts(await rows(synced))) == ["U0BOB", "U0LEADSUP"]


async def test_people_outside_a_stand_up_get_a_reason(synced: Database, workspace: WorkspaceConfig) -> None:
    service = standups(synced, workspace, ManualClock(shanghai(MONDAY, 9, 30)))
    with pytest.raises(BadRequest) as outsider:
        await service.answer_form("U0ERIN")
    assert outsider.value.message_key == "standup.error.not_member"
    with pytest.raises(BadRequest) as wrong:
        await service.skip("U0ERIN", "SUP")
    assert wrong.value.message_key == "standup.error.not_member_of"
    with pytest.raises(BadRequest) as unknown:
        await service.summary_so_far("U0ALICE", "ENG")
    assert unknown.value.message_key == "standup.error.unknown_department"
    weekend = standups(synced, workspace, ManualClock(shanghai(date(2026, 11, 28), 9, 30)))
    with pytest.raises(BadRequest) as saturday:
        await weekend.answer_form("U0ALICE")
    assert saturday.value.message_key == "standup.error.no_standup_today"
