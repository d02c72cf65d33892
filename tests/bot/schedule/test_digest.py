"""The daily digest on a seeded week: exact numbers per department, the chart, and once per day.

The week is played through the real ticket and workflow services with a manual clock, so every timestamp
(created, acknowledged, resolved, moved) is one the bot itself wrote.
"""

from __future__ import annotations

import asyncio
import base64
import struct
import warnings
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.outbox.interface import QueueOnly
from bot.runtime.clock import ManualClock
from bot.runtime.services import Services
from bot.runtime.slack_client import SlackIdentity
from bot.schedule.charts import opened_per_day_png
from bot.schedule.digest import CHART_FILENAME, HANDOFF_FILENAME, UPLOAD_METHOD, DigestService
from bot.schedule.digest_report import DepartmentNumbers, DigestReport, OpenTicket
from bot.surfaces.digest_views import header_text, render_blocks, render_messages
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import OutboxPurpose
from bot.tickets.opening import Source, TicketRequest
from bot.tickets.service import TicketService
from bot.tickets.workflow import WorkflowService
from config.schema import WorkspaceConfig
from storage import directory
from storage import tickets as ticket_rows
from storage.database import Database
from storage.models import JobRun, OutboxMessage
from tests.support.slack_limits import assert_message_fits

SHANGHAI = ZoneInfo("Asia/Shanghai")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WORKSPACE_URL = "https://crossdesk.slack.com/"


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


FRIDAY_EVENING = local(12, 4, 18, 30)


class CountingWakes(QueueOnly):
    """A queue-only outbox that counts how often a service said it committed messages."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.times = 0

    def wake(self) -> None:
        self.times += 1


@dataclass
class Week:
    clock: ManualClock
    tickets: TicketService
    workflow: WorkflowService
    digest: DigestService


async def seed_week(db: Database, workspace: WorkspaceConfig) -> Week:
    """Thu 26 Nov (outside the 7 days) to Fri 4 Dec 2026, Shanghai time. What ends up where:

    SALES-1  Thu 26 Nov 10:00, complaint (growth), acknowledged 11:00; still open, overdue (resolve by Tue)
    SUP-1    Mon 30 Nov 10:00, complaint (retention), acknowledged +1 h, resolved Tue 14:00 (+28 h)
    ENG-1    Mon 30 Nov 10:00, acknowledged +2 h; open, overdue (resolve by Thu 10:00)
    SUP-2    Tue 1 Dec 10:00, complaint (acquisition), acknowledged Fri 10:00 (+72 h), resolved Fri 11:00 (+73 h)
    ENG-2    Tue 1 Dec 10:00, never acknowledged: overdue since Tue 14:00
    SALES-2  Thu 3 Dec 10:00, complaint (no stage), never acknowledged: overdue since Thu 14:00
    SUP-3    Fri 4 Dec 00:30 (Thursday in UTC), complaint (retention), acknowledged 12:00 (+11.5 h) in SUP,
             handed to SALES at 13:00; open, resolve by next Wednesday
    ENG-3    Fri 4 Dec 15:00, open, acknowledge by Monday: not overdue
    """
    async with db.transaction() as session:
        await directory.sync_workspace(session, workspace)
    clock = ManualClock(local(11, 26, 10))
    identity = SlackIdentity(url=WORKSPACE_URL)
    built = Services.build(workspace, db, clock, identity)
    tickets, workflow, digest = built.tickets, built.workflow, built.digest

    async def open_at(moment: datetime, text: str, key: str, *, stage: str | None = None, complaint: bool = False):
        clock.set(moment)
        result = await tickets.open_ticket(
            TicketRequest(
                text=text,
                requester_id="U0ADMIN",
                source=Source.COMMAND,
                is_complaint=complaint,
                lifecycle_stage=stage,
            )
        )
        assert result.ticket is not None and result.ticket.key == key

    async def at(moment: datetime, *steps: object) -> None:
        clock.set(moment)
        for step in steps:
            await step  # type: ignore[misc]

    await open_at(local(11, 26, 10), "Invoice question from ACME", "SALES-1", stage="growth", complaint=True)
    await at(local(11, 26, 11), workflow.acknowledge("SALES-1", "U0ERIN"))
    await open_at(local(11, 30, 10), "Customer wants a refund", "SUP-1", stage="retention", complaint=True)
    await open_at(local(11, 30, 10), "Crash when exporting reports", "ENG-1")
    await at(local(11, 30, 11), workflow.acknowledge("SUP-1", "U0ALICE"))
    await at(local(11, 30, 12), workflow.acknowledge("ENG-1", "U0CAROL"))
    await open_at(local(12, 1, 10), "Second refund request", "SUP-2", stage="acquisition", complaint=True)
    await open_at(local(12, 1, 10), "Error in the export", "ENG-2")
    await at(local(12, 1, 14), workflow.resolve("SUP-1", "U0ALICE"))
    await open_at(local(12, 3, 10), "Quote request for a renewal", "SALES-2", complaint=True)
    await open_at(local(12, 4, 0, 30), "Refund not received", "SUP-3", stage="retention", complaint=True)
    await at(local(12, 4, 10), workflow.acknowledge("SUP-2", "U0BOB"))
    await at(local(12, 4, 11), workflow.resolve("SUP-2", "U0BOB"))
    await at(local(12, 4, 12), workflow.acknowledge("SUP-3", "U0ALICE"))
    await at(local(12, 4, 13), workflow.request_handoff("SUP-3", "U0ALICE", "U0ERIN", "SALES", "a billing matter"))
    await at(local(12, 4, 13), workflow.accept_handoff("SUP-3", "U0ERIN"))
    await open_at(local(12, 4, 15), "Bug in the login page", "ENG-3")
    clock.set(FRIDAY_EVENING)
    return Week(clock, tickets, workflow, digest)


@pytest.fixture
async def week(db: Database, workspace: WorkspaceConfig) -> Week:
    return await seed_week(db, workspace)


async def test_numbers_per_department(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING)
    assert report.day == date(2026, 12, 4)
    assert report.days == tuple(date(2026, 11, 28) + timedelta(days=n) for n in range(7))
    assert [d.key for d in report.departments] == ["SUP", "ENG", "SALES"]
    rows = {
        d.key: (d.opened, d.resolved, d.open, d.overdue, d.median_ack_hours, d.median_resolve_hours, d.bounced)
        for d in report.departments
    }
    assert rows == {
        # SUP-3 opened today (local) and was acknowledged here (11.5 h) before SUP passed it on; SUP-2
        # resolved today; acknowledged 1 h, 72 h, 11.5 h; resolved 28 h, 73 h; nothing of SUP's is open.
        "SUP": (1, 1, 0, 0, 11.5, 50.5, 1),
        "ENG": (1, 0, 3, 2, 2.0, None, 0),
        # SALES-1 was acknowledged before the 7 days, SUP-3 in SUP: no median here. SUP-3 is open here now.
        "SALES": (0, 0, 3, 2, None, None, 0),
    }
    per_day = {d.key: d.opened_per_day for d in report.departments}
    assert per_day == {
        "SUP": (0, 0, 1, 1, 0, 0, 1),  # Sat 28 … Fri 4; SUP-3 at 00:30 is Friday in Shanghai
        "ENG": (0, 0, 1, 1, 0, 0, 1),
        "SALES": (0, 0, 0, 0, 0, 1, 0),  # SALES-1 (26 Nov) is before the 7 days
    }


async def test_oldest_open_tickets_with_links_and_ages(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING)
    oldest = [(t.key, t.department_key, t.owner_id, t.age) for t in report.oldest_open]
    assert oldest == [
        ("SALES-1", "SALES", "U0ERIN", timedelta(days=8, hours=8, minutes=30)),
        ("ENG-1", "ENG", "U0CAROL", timedelta(days=4, hours=8, minutes=30)),
        ("ENG-2", "ENG", "U0DAN", timedelta(days=3, hours=8, minutes=30)),
        ("SALES-2", "SALES", "U0ERIN", timedelta(days=1, hours=8, minutes=30)),
        ("SUP-3", "SALES", "U0ERIN", timedelta(hours=18)),
    ]  # ENG-3 is the sixth
    # No card was posted in this test (no sender), so there is nothing to link to yet.
    assert all(t.link is None for t in report.oldest_open)


async def test_complaints_by_lifecycle_stage(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING)
    assert dict(report.complaints) == {
        "acquisition": 1,
        "conversion": 0,
        "retention": 2,
        "growth": 0,  # SALES-1's complaint is older than 7 days
        "win-back": 0,
        "unknown": 1,
    }


async def test_a_shorter_window(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING, days=1)
    sup = report.department("SUP")
    assert (sup.median_ack_hours, sup.median_resolve_hours, sup.opened_per_day) == (41.75, 73.0, (1,))
    assert report.department("SUP").bounced == 1
    assert sum(report.complaints.values()) == 1


async def test_blocks_show_the_numbers_in_the_workspace_language(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING)
    blocks = render_blocks(report)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Crossdesk daily digest — 2026-12-04"},
    }
    assert header_text(blocks) == "Crossdesk daily digest — 2026-12-04"
    assert "As of 18:30" in blocks[1]["elements"][0]["text"]
    sup, eng, sales = blocks[2:5]
    assert sup["text"]["text"] == "*Customer Support 客户支持* (SUP)"
    assert [f["text"] for f in sup["fields"]] == [
        "*Opened today*\n1",
        "*Resolved today*\n1",
        "*Open now*\n0",
        "*Overdue now*\n0",
        "*Median time to acknowledge*\n11.5 h",
        "*Median time to resolve*\n50.5 h",
        "*Passed to another department*\n1",
        "*Satisfaction*\nno answers",
    ]
    assert eng["fields"][5]["text"] == "*Median time to resolve*\n—"
    assert eng["fields"][3]["text"] == "*Overdue now*\n:warning: 2"
    assert sales["fields"][3]["text"] == "*Overdue now*\n:warning: 2"
    oldest = blocks[6]["text"]["text"].splitlines()
    assert oldest[0] == "*Oldest open tickets*"
    assert oldest[1] == "• *SALES-1* Invoice question from ACME — Sales 销售, <@U0ERIN>, open for 8 d 8 h"
    assert len(oldest) == 6
    complaints = blocks[7]
    assert complaints["text"]["text"].startswith("*Customer complaints by lifecycle stage* (last 7 days, 4 in all)")
    assert [f["text"] for f in complaints["fields"]] == [
        "*Acquisition*\n1",
        "*Conversion*\n0",
        "*Retention*\n2",
        "*Growth*\n0",
        "*Win-back*\n0",
        "*Stage not given*\n1",
    ]

    chinese = render_blocks(replace(report, language="zh"))
    assert chinese[0]["text"]["text"] == "Crossdesk 每日简报 — 2026-12-04"
    assert chinese[2]["fields"][0]["text"] == "*今日新建*\n1"


async def test_links_to_posted_cards(week: Week, db: Database) -> None:
    async with db.transaction() as session:
        row = await ticket_rows.by_key(session, "SALES-1")
        assert row is not None
        row.card_channel, row.card_ts = "C0SALES", "1790000000.000100"
        session.add(row)
    report = await week.digest.report(FRIDAY_EVENING)
    assert report.oldest_open[0].link == "https://crossdesk.slack.com/archives/C0SALES/p1790000000000100"
    text = render_blocks(report)[6]["text"]["text"]
    assert "• <https://crossdesk.slack.com/archives/C0SALES/p1790000000000100|SALES-1> Invoice" in text


async def test_chart_is_a_png_of_the_week(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING)
    png = opened_per_day_png(report)
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (800, 400)


async def test_chinese_chart_draws_without_missing_glyphs(week: Week) -> None:
    report = await week.digest.report(FRIDAY_EVENING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        png = opened_per_day_png(replace(report, language="zh"))
    assert png.startswith(PNG_SIGNATURE)


def report_of(departments: int, *, name_length: int = 20) -> DigestReport:
    """A digest of ``departments`` made-up departments (the 7th of each ten with overdue work)."""
    day = date(2026, 12, 4)
    numbers = tuple(
        DepartmentNumbers(
            key=f"D{n:04d}",
            name=f"Department {n} ".ljust(name_length, "x"),
            opened=n % 3,
            resolved=1,
            open=n % 5,
            overdue=1 if n % 10 == 7 else 0,
            median_ack_hours=1.5,
            median_resolve_hours=None,
            bounced=0,
            opened_per_day=tuple((n + d) % 4 for d in range(7)),
        )
        for n in range(departments)
    )
    oldest = tuple(
        OpenTicket(
            key=f"D0001-{n}",
            title="t" * 200,
            department_key="D0001",
            department_name="n" * 5_000,
            owner_id="U0ALICE",
            status="open",
            created_at=FRIDAY_EVENING,
            age=timedelta(days=n),
            link="https://crossdesk.slack.com/archives/C0X/p1790000000000100",
        )
        for n in range(5)
    )
    return DigestReport(
        generated_at=FRIDAY_EVENING,
        day=day,
        days=tuple(day - timedelta(days=back) for back in reversed(range(7))),
        timezone="Asia/Shanghai",
        language="en",
        departments=numbers,
        oldest_open=oldest,
        complaints=dict.fromkeys(("acquisition", "conversion", "retention", "growth", "win-back", "unknown"), 0),
    )


@pytest.mark.parametrize("departments", [45, 46, 120, 1_000])
def test_a_digest_of_any_size_fits_with_every_department_once(departments: int) -> None:
    report = report_of(departments, name_length=400)
    messages = render_messages(report)
    for blocks in messages:
        assert_message_fits({"text": header_text(blocks), "blocks": blocks})
    first = [b for b in messages[0] if "fields" in b][:-1]  # the last is the complaints section
    shown = [str(b["text"]["text"]).rsplit("(", 1)[1].rstrip(")") for b in first]
    rest = [str(b["text"]["text"]).rsplit("(", 1)[1].rstrip(")") for m in messages[1:] for b in m if "fields" in b]
    assert sorted(shown + rest) == sorted(d.key for d in report.departments)
    if departments > 45:
        # The overdue departments lead the first message; the others follow in the thread.
        assert all(report.department(key).overdue for key in shown[: departments // 10])
        note = f"…and {departments - 44} more departments, in this message's thread."
        assert note in str(messages[0])
        assert header_text(messages[1]).endswith(f"continued (2/{len(messages)})")
    else:
        assert len(messages) == 1 and shown == [d.key for d in report.departments]
    answer = render_blocks(report)
    assert_message_fits({"text": header_text(answer), "blocks": answer})
    assert len(answer) <= 50


def test_departments_left_over_are_counted_in_words_that_read_right() -> None:
    # 45 fit; with 46, one department gives way to the line saying where the others are.
    assert len(render_messages(report_of(45))) == 1
    assert "…and 2 more departments, in this message's thread." in str(render_messages(report_of(46))[0])
    english = Translator("en")
    assert english.t("digest.more_departments", count=1) == "…and 1 more department, in this message's thread."
    assert english.t("digest.chart.others", count=1) == "1 other"
    assert english.t("standup.summary.more_answers", count=1) == "…and 1 more answer, in this message's thread."
    assert english.t("command.show.earlier", count=1, key="SUP-1").startswith("…and 1 earlier entry — ")


def test_a_chart_of_120_departments_has_a_readable_legend() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns when a legend leaves the axes no room
        png = opened_per_day_png(report_of(120))
    assert png.startswith(PNG_SIGNATURE)


async def digest_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        statement = select(OutboxMessage).where(
            col(OutboxMessage.method).in_(["chat.postMessage", UPLOAD_METHOD]),
            col(OutboxMessage.ticket_id).is_(None),
        )
        return [row for row in (await session.exec(statement)).all() if row.payload.get("channel") == "C0MGMT"]


async def test_posted_once_a_day_after_its_time(week: Week, db: Database) -> None:
    clock = week.clock
    woken = CountingWakes(db)
    digest = DigestService(
        db, week.digest.workspace, clock, woken, week.digest.translator, identity=week.digest.identity
    )
    assert not await digest.post_daily(local(12, 4, 17, 59))
    assert await digest.post_daily(FRIDAY_EVENING)
    assert not await digest.post_daily(FRIDAY_EVENING)
    clock.advance(timedelta(hours=5))  # 23:30, same local day
    assert not await digest.tick()
    assert woken.times == 1

    # SUP-3 moved from Support to Sales this week: the hand-off map goes to the digest's thread.
    message, chart, handoffs = await digest_rows(db)
    assert (message.method, chart.method, handoffs.method) == ("chat.postMessage", UPLOAD_METHOD, UPLOAD_METHOD)
    assert chart.depends_on_id == message.id == handoffs.depends_on_id
    assert handoffs.purpose == OutboxPurpose.THREAD_REPLY.value and handoffs.payload["filename"] == HANDOFF_FILENAME
    assert handoffs.payload["title"] == "Crossdesk — hand-offs between departments, 2026-11-28 to 2026-12-04"
    assert base64.b64decode(handoffs.payload["content_b64"]).startswith(PNG_SIGNATURE)
    assert message.payload["blocks"] == render_messages(await digest.report(FRIDAY_EVENING))[0]
    assert message.payload["text"].startswith("Crossdesk daily digest for 2026-12-04: 2 opened, 1 resolved")
    assert chart.payload["filename"] == CHART_FILENAME
    assert chart.payload["title"] == "Crossdesk — tickets opened per day, 2026-11-28 to 2026-12-04"
    assert base64.b64decode(chart.payload["content_b64"]).startswith(PNG_SIGNATURE)
    async with db.transaction() as session:
        run = await session.get(JobRun, ("digest", "2026-12-04"))
    assert run is not None and run.finished_at is not None

    # 00:30 on Saturday in Shanghai is still Friday in UTC: the new local day waits for its own 18:00.
    clock.set(local(12, 5, 0, 30))
    assert not await digest.tick()
    clock.set(local(12, 5, 18, 0))
    assert await digest.tick()
    assert len(await digest_rows(db)) == 6


async def test_a_digest_later_than_the_grace_period_is_not_posted(week: Week, db: Database) -> None:
    assert not await week.digest.post_daily(local(12, 4, 19, 1))  # 61 minutes late: the bot was down
    assert await digest_rows(db) == []
    assert await week.digest.post_daily(local(12, 5, 19, 0))  # Saturday's, within the hour
    assert len(await digest_rows(db)) == 3  # the numbers, the chart, the hand-off map (Friday's bounce)


async def test_a_new_database_started_after_the_digest_time_posts_none_that_day(
    db: Database, workspace: WorkspaceConfig
) -> None:
    clock = ManualClock(local(12, 4, 18, 5))  # the bot's very first tick, five minutes after 18:00
    service = DigestService(db, workspace, clock, QueueOnly(db), Translator("en"))
    assert not await service.tick()
    clock.set(local(12, 4, 18, 30))
    assert not await service.tick()
    clock.set(local(12, 5, 18, 0))
    assert await service.tick()
    [message, _chart] = await digest_rows(db)
    assert "2026-12-05" in message.payload["text"]


async def test_no_digest_without_a_digest_channel(db: Database, workspace: WorkspaceConfig) -> None:
    quiet = workspace.model_copy(update={"digest": None})
    service = DigestService(db, quiet, ManualClock(FRIDAY_EVENING), QueueOnly(db), Translator("en"))
    assert not await service.post_daily(FRIDAY_EVENING)
    assert await digest_rows(db) == []


async def test_two_replicas_post_one_digest(week: Week, db: Database, database_url: str) -> None:
    engines = [Database(database_url) for _ in range(2)]
    replicas = [
        DigestService(engine, week.digest.workspace, week.clock, QueueOnly(engine), week.digest.translator)
        for engine in engines
    ]
    try:
        posted = await asyncio.gather(*(replica.post_daily(FRIDAY_EVENING) for replica in replicas * 2))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(posted) == [False, False, False, True]
    assert len(await digest_rows(db)) == 3  # one message, one chart, one hand-off map
