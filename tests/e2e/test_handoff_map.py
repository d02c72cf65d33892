"""The hand-off map end to end: tickets opened, ``/ticket ask`` and ``/ticket answer`` (a pause in between), a
ticket handed from Engineering to Support, all as signed requests into the real bot; then the 18:00 digest carries
the map's picture in its thread and the slowest pair in its text, ``/digest`` lists the pairs, ``/metrics`` counts
them, and ``crossdesk export --handoff-map`` prints them — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx

from bot.sandbox import slack_requests
from bot.schedule.digest import HANDOFF_FILENAME
from tests.bot.runtime.test_cli import crossdesk
from tests.e2e.test_metrics import scrape, value
from tests.support.harness import START, Harness

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SLOWEST = "Slowest hand-off: Customer Support 客户支持 → Engineering 研发, median 3.0 h over 1 consult, 100 % on time"


def said(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


async def a_day_across_departments(bot: Harness) -> None:
    """Monday 30 Nov, Shanghai time.

    10:00  Erin's refund request becomes SUP-1 (Alice); Alice asks Engineering (ENG-1, Carol) and Sales (SALES-1).
    11:00  Carol waits on Alice for the bank statement; 13:00 she resumes; 15:00 she answers: 5 h, 2 of them paused.
    15:00  Erin's crash report becomes ENG-2; its owner hands it to Bob in Support, who accepts: one bounce.
    """
    await bot.intake_message("Customer wants a refund for order 1042")
    await bot.drain()
    assert "*ENG-1*" in said(await bot.command("ask SUP-1 eng Was order 1042 charged twice?", "U0ALICE"))
    assert "*SALES-1*" in said(await bot.command("ask SUP-1 sales Can we offer a credit instead?", "U0ALICE"))
    consult = await bot.ticket("ENG-1")
    assert consult.owner_id == "U0CAROL"
    bot.clock.advance(timedelta(hours=1))
    said(await bot.command("wait ENG-1 Please send the bank statement", "U0CAROL"))
    bot.clock.advance(timedelta(hours=2))
    said(await bot.command("resume ENG-1", "U0CAROL"))
    bot.clock.advance(timedelta(hours=2))
    said(await bot.command("answer ENG-1 Yes: the second charge is refunded today", "U0CAROL"))

    said(await bot.command("crash when exporting the monthly report", "U0ERIN"))
    crash = await bot.ticket("ENG-2")
    said(await bot.command("assign ENG-2 <@U0BOB|bob> it is a refund question", crash.owner_id))
    said(await bot.command("accept ENG-2", "U0BOB"))
    assert (await bot.ticket("ENG-2")).department_key == "SUP"
    await bot.drain()


async def test_the_map_in_the_digest_digest_command_metrics_and_export(
    bot: Harness, database_url: str, tmp_path: Path
) -> None:
    await a_day_across_departments(bot)

    # /digest, any time: the slowest pair and every pair, as text (a file cannot be shown to one person).
    body = slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest")
    answer = (await bot.post(body, "application/x-www-form-urlencoded")).json()
    handoffs = answer["blocks"][-1]["text"]["text"].splitlines()
    assert handoffs[1] == SLOWEST
    assert handoffs[2:] == [
        "• Customer Support 客户支持 → Engineering 研发: 1 asked, 1 answered, median 3.0 h, 100 % on time, 0 bounces",
        "• Customer Support 客户支持 → Sales 销售: 1 asked, 0 answered, median —, — on time, 0 bounces",
        "• Engineering 研发 → Customer Support 客户支持: 0 asked, 0 answered, median —, — on time, 1 bounce",
    ]

    # 18:00: the digest's text says which hand-off is slowest and that the map is in its thread; the map is there.
    bot.clock.set(START + timedelta(hours=8))
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    digest, chart = bot.fake.messages_in("C0MGMT")
    assert chart.files is not None and chart.files[0]["name"] == "crossdesk-7-days.png"
    text = json.dumps(digest.blocks, ensure_ascii=False)
    assert SLOWEST in text and "The map of who waits on whom is in this message's thread." in text
    _, picture = bot.fake.messages_in("C0MGMT", thread_ts=digest.ts)
    assert picture.files is not None and picture.files[0]["name"] == HANDOFF_FILENAME
    assert picture.files[0]["title"] == "Crossdesk — hand-offs between departments, 2026-11-24 to 2026-11-30"
    uploaded = bot.fake.files[picture.files[0]["id"]]
    assert (
        uploaded.content is not None and uploaded.content.startswith(PNG_SIGNATURE) and len(uploaded.content) > 10_000
    )
    completed = [call for call in bot.fake.calls_to("files.completeUploadExternal") if call.ok]
    assert [call.args.get("thread_ts") for call in completed] == [None, digest.ts]

    # /metrics: the pairs, counted and timed.
    samples = await scrape(bot)
    pair = {"from_department": "SUP", "to_department": "ENG"}
    assert value(samples, "crossdesk_consult_asked_total", **pair) == 1
    assert value(samples, "crossdesk_consult_asked_total", from_department="SUP", to_department="SALES") == 1
    assert value(samples, "crossdesk_consult_answered_total", **pair) == 1
    assert value(samples, "crossdesk_consult_answer_seconds", **pair) == 3 * 3600
    assert value(samples, "crossdesk_consult_within_sla_ratio", **pair) == 1.0
    assert value(samples, "crossdesk_bounces_total", from_department="ENG", to_department="SUP") == 1
    unanswered = ("crossdesk_consult_answer_seconds", (("from_department", "SUP"), ("to_department", "SALES")))
    assert unanswered not in samples  # no answer, no median: absent rather than zero

    # crossdesk export --handoff-map: the same pairs.
    out = tmp_path / "handoffs.json"
    days = ["--from", "2026-11-30", "--to", "2026-11-30"]
    exported = crossdesk(
        "export", "--handoff-map", *days, "--format", "json", "-o", str(out), env={"DATABASE_URL": database_url}
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == f"exported 3 pairs of departments, 2026-11-30 to 2026-11-30 (Asia/Shanghai) to {out}\n"
    rows = {(row["from_department"], row["to_department"]): row for row in json.loads(out.read_text())}
    assert list(rows) == [("SUP", "ENG"), ("SUP", "SALES"), ("ENG", "SUP")]
    assert rows[("SUP", "ENG")]["median_answer_hours"] == 3.0 and rows[("SUP", "ENG")]["within_sla_ratio"] == 1.0
    assert rows[("SUP", "SALES")]["consults_asked"] == 1 and rows[("SUP", "SALES")]["consults_answered"] == 0
    assert rows[("ENG", "SUP")]["bounces"] == 1


async def test_a_quiet_day_has_no_map(bot: Harness) -> None:
    await bot.intake_message("Customer wants a refund for order 1042")
    await bot.drain()
    bot.clock.set(START + timedelta(hours=8))
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    digest, _chart = bot.fake.messages_in("C0MGMT")
    assert "Hand-offs" not in json.dumps(digest.blocks) and bot.fake.messages_in("C0MGMT", thread_ts=digest.ts) == [
        digest
    ]
    samples = await scrape(bot)
    assert not [name for name, _ in samples if name.startswith(("crossdesk_consult_", "crossdesk_bounces"))]
