"""The daily digest with shared goals, end to end: at 18:00 the management channel gets three lines and the scorecard
picture; the digest's numbers, its chart and the oldest open work follow in the message's thread. It fits Slack's
limits with 120 departments, and ``/digest`` alone answers as it always did."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox import slack_requests
from bot.schedule.digest import CHART_FILENAME, SCORECARD_FILENAME
from config.schema import WorkspaceConfig
from tests.e2e.test_digest import a_working_day, fields_of
from tests.e2e.test_slack_limits import big_workspace
from tests.support.harness import START, Harness, running_bot
from tests.support.slack_limits import assert_message_fits

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FORM = "application/x-www-form-urlencoded"


async def six_pm(bot: Harness) -> None:
    bot.clock.set(START + timedelta(hours=8, minutes=5))  # Monday 18:05 in Shanghai
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()


def top_level(bot: Harness) -> list[object]:
    return [m for m in bot.fake.messages_in("C0MGMT") if "weekly review" not in m.text and not _review_picture(m)]


def _review_picture(message: object) -> bool:
    files = getattr(message, "files", None) or []
    return bool(files) and files[0]["name"] != SCORECARD_FILENAME


async def test_the_digest_leads_with_the_scorecard(bot: Harness) -> None:
    await a_working_day(bot)
    await six_pm(bot)
    lead, scorecard = top_level(bot)
    assert lead.text == "Crossdesk daily digest for 2026-11-30: 2 of 6 shared goals met."  # type: ignore[attr-defined]
    blocks = lead.blocks  # type: ignore[attr-defined]
    assert [block["type"] for block in blocks] == ["header", "section", "context"]
    lines = blocks[1]["text"]["text"].split("\n")
    assert len(lines) == 3 and lines[0].startswith(
        "*2 of 6 goals met* (3 with nothing to judge yet); Engineering 研发 misses *Acknowledge on time*"
    )
    assert scorecard.files[0]["name"] == SCORECARD_FILENAME  # type: ignore[attr-defined]
    uploaded = bot.fake.files[scorecard.files[0]["id"]]  # type: ignore[attr-defined]
    assert uploaded.content is not None and uploaded.content.startswith(PNG_SIGNATURE)
    assert uploaded.channels == ["C0MGMT"]

    thread = [m for m in bot.fake.messages_in("C0MGMT", thread_ts=lead.ts) if m.ts != lead.ts]  # type: ignore[attr-defined]
    [details] = [m for m in thread if m.blocks]
    assert details.blocks[0]["text"]["text"] == "Crossdesk daily digest — 2026-11-30"
    assert fields_of(details.blocks, "SUP")[:2] == ["*Opened today*\n1", "*Resolved today*\n1"]
    assert "Oldest open tickets" in json.dumps(details.blocks)
    assert [m.files[0]["name"] for m in thread if m.files] == [CHART_FILENAME]

    answer = await bot.post(slack_requests.slash_command_body(text="", user="U0LEADENG", command="/digest"), FORM)
    assert answer.json()["text"] == "Crossdesk daily digest — 2026-11-30"  # /digest alone: as before


async def test_a_digest_of_120_departments_still_fits(database_url: str, workspace: WorkspaceConfig) -> None:
    config = big_workspace(workspace)
    async with running_bot(database_url, config) as bot:
        assert (await bot.command("kw116 the badge printer is jammed", "U0ERIN")).status_code == 200
        await bot.drain()
        await six_pm(bot)
        lead, scorecard = top_level(bot)
        assert len(lead.blocks) == 3  # type: ignore[attr-defined]
        thread = [m for m in bot.fake.messages_in("C0MGMT", thread_ts=lead.ts) if m.ts != lead.ts]  # type: ignore[attr-defined]
        texts = [m for m in thread if m.blocks]
        assert len(texts) == 3  # the digest as it was: its first message and two continuations
        for message in (lead, *texts):
            assert_message_fits({"text": message.text, "blocks": message.blocks})  # type: ignore[attr-defined]
        assert scorecard.files[0]["name"] == SCORECARD_FILENAME  # type: ignore[attr-defined]
