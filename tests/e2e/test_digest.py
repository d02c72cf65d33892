"""The daily digest end to end: posted at 18:00 Shanghai time in the management channel with its chart
(uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal), once, and
``/digest`` answering the asker alone with the same numbers."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox import slack_requests
from config.schema import WorkspaceConfig
from tests.support.harness import START, Harness, running_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fields_of(blocks: list[dict[str, object]], department: str) -> list[str]:
    """The field texts of one department's section, e.g. ``"*Opened today*\\n1"``."""
    for block in blocks:
        text = block.get("text")
        heading = str(text.get("text")) if isinstance(text, dict) else ""
        if f"({department})" in heading or f"（{department}）" in heading:
            return [str(field["text"]) for field in block["fields"]]  # type: ignore[index, attr-defined]
    raise AssertionError(f"no section for {department}")


async def a_working_day(bot: Harness) -> None:
    """Mon 30 Nov: a refund (SUP-1) acknowledged after 1 h and resolved after 2 h; a crash (ENG-1) left open."""
    await bot.intake_message("Customer ACME wants a refund for invoice 1234")
    assert (await bot.command("crash when exporting the monthly report", "U0ERIN")).status_code == 200
    await bot.drain()
    bot.clock.advance(timedelta(hours=1))
    assert "You acknowledged *SUP-1*" in (await bot.command("ack SUP-1", "U0ALICE")).json()["text"]
    bot.clock.advance(timedelta(hours=1))
    assert (await bot.command("close SUP-1 refunded", "U0ALICE")).status_code == 200
    await bot.drain()


async def test_digest_posted_at_six_with_its_chart_once(bot: Harness) -> None:
    await a_working_day(bot)
    bot.clock.set(START + timedelta(hours=7, minutes=59))  # 17:59 in Shanghai
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    assert bot.fake.messages_in("C0MGMT") == []

    bot.clock.set(START + timedelta(hours=8, minutes=5))  # 18:05
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    digest, chart = bot.fake.messages_in("C0MGMT")
    assert digest.text.startswith("Crossdesk daily digest for 2026-11-30: 2 opened, 1 resolved, 1 open")
    assert digest.blocks is not None
    assert digest.blocks[0]["text"]["text"] == "Crossdesk daily digest — 2026-11-30"
    assert fields_of(digest.blocks, "SUP") == [
        "*Opened today*\n1",
        "*Resolved today*\n1",
        "*Open now*\n0",
        "*Overdue now*\n0",
        "*Median time to acknowledge*\n1.0 h",
        "*Median time to resolve*\n2.0 h",
        "*Passed to another department*\n0",
        "*Satisfaction*\nno answers",  # its requester was asked, and has not answered yet
    ]
    assert fields_of(digest.blocks, "ENG")[:4] == [
        "*Opened today*\n1",
        "*Resolved today*\n0",
        "*Open now*\n1",
        "*Overdue now*\n:warning: 1",  # not acknowledged by 14:00
    ]
    # The oldest open ticket links to its card, built from the workspace URL auth.test gave.
    engineering = await bot.ticket("ENG-1")
    oldest = json.dumps(digest.blocks, ensure_ascii=False)
    card_ts = (engineering.card_ts or "").replace(".", "")
    assert f"/archives/{engineering.card_channel}/p{card_ts}|ENG-1>" in oldest

    [asked] = bot.fake.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "crossdesk-7-days.png"
    [completed] = bot.fake.calls_to("files.completeUploadExternal")
    assert completed.ok and completed.args["channel_id"] == "C0MGMT"
    assert chart.files is not None and chart.files[0]["name"] == "crossdesk-7-days.png"
    assert chart.files[0]["title"] == "Crossdesk — tickets opened per day, 2026-11-24 to 2026-11-30"
    uploaded = bot.fake.files[chart.files[0]["id"]]
    assert uploaded.content is not None and uploaded.content.startswith(PNG_SIGNATURE)
    assert uploaded.channels == ["C0MGMT"]
    assert float(chart.ts) > float(digest.ts)  # the chart follows the numbers

    bot.clock.advance(timedelta(hours=1))
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    assert len(bot.fake.messages_in("C0MGMT")) == 2
    assert len(bot.fake.calls_to("files.completeUploadExternal")) == 1


async def test_digest_command_answers_only_the_asker(bot: Harness) -> None:
    await a_working_day(bot)
    sent_before = len(bot.fake.calls_to("chat.postMessage"))
    body = slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest")
    response = await bot.post(body, "application/x-www-form-urlencoded")
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "Crossdesk daily digest — 2026-11-30"
    assert fields_of(answer["blocks"], "SUP")[:2] == ["*Opened today*\n1", "*Resolved today*\n1"]
    assert fields_of(answer["blocks"], "ENG")[2] == "*Open now*\n1"
    await bot.drain()
    assert len(bot.fake.calls_to("chat.postMessage")) == sent_before  # nothing posted for anyone else
    assert bot.fake.calls_to("files.getUploadURLExternal") == []  # and no chart


async def test_digest_in_chinese(database_url: str, workspace: WorkspaceConfig) -> None:
    chinese = workspace.model_copy(update={"language": "zh"})
    async with running_bot(database_url, chinese) as bot:
        await bot.intake_message("客户要求退款")
        await bot.drain()
        bot.clock.set(START + timedelta(hours=8))
        await bot.bot.ticker.tick()  # type: ignore[union-attr]
        await bot.drain()
        digest, chart = bot.fake.messages_in("C0MGMT")
        assert digest.blocks is not None and digest.blocks[0]["text"]["text"] == "Crossdesk 每日简报 — 2026-11-30"
        assert fields_of(digest.blocks, "SUP")[0] == "*今日新建*\n1"
        assert chart.files is not None and chart.files[0]["title"].startswith("Crossdesk — 每日新建工单")


async def test_a_rate_limited_chart_upload_is_retried_from_the_start(bot: Harness) -> None:
    await a_working_day(bot)
    bot.fake.fail_next("files.completeUploadExternal", status=429, retry_after=1)
    bot.clock.set(START + timedelta(hours=8))
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.fake.wait_for_calls("files.completeUploadExternal", 1)
    await bot.settle()
    assert len(bot.fake.messages_in("C0MGMT")) == 1  # the numbers are out; the chart waits for Retry-After
    bot.clock.advance(timedelta(seconds=2))
    await bot.drain()
    _, chart = bot.fake.messages_in("C0MGMT")
    assert chart.files is not None and len(chart.files) == 1
    assert len(bot.fake.calls_to("files.getUploadURLExternal")) == 2  # a fresh upload URL for the retry
