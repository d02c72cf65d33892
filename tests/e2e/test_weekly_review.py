"""The weekly review end to end: posted on Monday (the example file's ``digest.weekly``) at 18:00 in the management
channel with its picture, once; ``/digest week`` shows it to the one person who asks; ``/digest`` alone is the
daily digest as before, and a word it does not know is answered with what it takes."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox import slack_requests
from bot.schedule.weekly_review import REVIEW_FILENAME
from config.schema import WorkspaceConfig
from tests.support.harness import START, Harness, running_bot
from tests.support.slack_limits import assert_message_fits

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FORM = "application/x-www-form-urlencoded"


async def some_work(bot: Harness) -> None:
    await bot.intake_message("Customer ACME wants a refund for invoice 1234")
    await bot.drain()
    bot.clock.advance(timedelta(hours=1))
    assert "You acknowledged *SUP-1*" in (await bot.command("ack SUP-1", "U0ALICE")).json()["text"]
    await bot.drain()


async def digest_command(bot: Harness, text: str, user: str = "U0LEADENG") -> dict[str, object]:
    body = slack_requests.slash_command_body(text=text, user=user, command="/digest")
    response = await bot.post(body, FORM)
    assert response.status_code == 200
    answer: dict[str, object] = response.json()
    return answer


async def test_the_review_is_posted_on_its_day_with_its_picture_once(bot: Harness) -> None:
    await some_work(bot)
    bot.clock.set(START + timedelta(hours=8, minutes=5))  # Monday 18:05 in Shanghai
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    posted = bot.fake.messages_in("C0MGMT")
    [review] = [message for message in posted if message.text.startswith("Crossdesk weekly review")]
    assert review.text.startswith("Crossdesk weekly review for 2026-11-30: the company meets")
    assert review.blocks is not None and review.blocks[0]["text"]["text"] == "Shared goals, week by week — 2026-11-30"
    assert "*Acknowledge on time* (≥ 95%)" in json.dumps(review.blocks, ensure_ascii=False)
    [picture] = [message for message in posted if message.files and message.files[0]["name"] == REVIEW_FILENAME]
    assert float(picture.ts) > float(review.ts)
    uploaded = bot.fake.files[picture.files[0]["id"]]  # type: ignore[index]
    assert uploaded.content is not None and uploaded.content.startswith(PNG_SIGNATURE)

    before = len(bot.fake.messages_in("C0MGMT"))
    bot.clock.advance(timedelta(hours=1))
    await bot.bot.ticker.tick()  # type: ignore[union-attr]
    await bot.drain()
    assert len(bot.fake.messages_in("C0MGMT")) == before  # once a week


async def test_digest_week_answers_only_the_asker(bot: Harness) -> None:
    await some_work(bot)
    sent_before = len(bot.fake.calls_to("chat.postMessage"))
    answer = await digest_command(bot, "week")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "Shared goals, week by week — 2026-11-30"
    assert_message_fits(answer)
    text = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "*Acknowledge on time* (≥ 95%)" in text and "Customer Support 客户支持" in text
    await bot.drain()
    assert len(bot.fake.calls_to("chat.postMessage")) == sent_before  # nothing posted for anyone else
    assert bot.fake.calls_to("files.getUploadURLExternal") == []

    daily = await digest_command(bot, "")
    assert daily["text"] == "Crossdesk daily digest — 2026-11-30"  # /digest alone: as before
    unknown = await digest_command(bot, "monthly")
    assert "`/digest` does not know “monthly”" in json.dumps(unknown["blocks"], ensure_ascii=False)


async def test_digest_week_times_complaints_to_first_response_and_to_resolution(bot: Harness) -> None:
    await bot.intake_message("Customer filed a complaint: the refund for invoice 88 is late")  # SUP-1, Alice
    await bot.intake_message("Another complaint: refund for invoice 89 never came")  # SUP-2, Bob
    await bot.intake_message("Refund for invoice 90, please")  # SUP-3: not a complaint, not timed
    await bot.drain()
    complaints = [(t.key, t.is_complaint) for t in await bot.tickets()]
    assert complaints == [("SUP-1", True), ("SUP-2", True), ("SUP-3", False)]
    for minutes, command, user in (
        (30, "ack SUP-3", "U0ALICE"),
        (60, "ack SUP-1", "U0ALICE"),  # SUP-1's first response: 1 h after it was opened
        (180, "close SUP-2 refunded", "U0BOB"),  # SUP-2's: its resolution, 3 h after
        (300, "close SUP-1 refunded", "U0ALICE"),  # SUP-1 resolved after 5 h
    ):
        bot.clock.set(START + timedelta(minutes=minutes))
        assert (await bot.command(command, user)).status_code == 200
    answer = await digest_command(bot, "week")
    text = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "*Customer complaints by lifecycle stage, last 7 days* (2 in all)" in text
    # Medians of 1 h and 3 h, and of 5 h and 3 h: each measured on its own.
    times = "Time to first response: median 2.0 h (2 of 2 answered) · to resolve: median 4.0 h (2 of 2 resolved)"
    assert times in text


async def test_digest_week_in_chinese_and_without_goals(database_url: str, workspace: WorkspaceConfig) -> None:
    chinese = workspace.model_copy(update={"language": "zh"})
    async with running_bot(database_url, chinese) as bot:
        answer = await digest_command(bot, "week")
        assert answer["text"] == "共同目标逐周回顾 — 2026-11-30"
        assert "全公司" in json.dumps(answer["blocks"], ensure_ascii=False)
    no_goals = workspace.model_copy(update={"goals": []})
    async with running_bot(database_url, no_goals) as bot:
        answer = await digest_command(bot, "week")
        assert "add `goals:` to the workspace file" in json.dumps(answer["blocks"], ensure_ascii=False)
