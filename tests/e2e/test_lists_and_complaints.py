"""Day one for a real team: complaints said in words count as complaints, everyone's ``/ticket list`` shows what
concerns them, and assigning to someone Slack does not know says so."""

from __future__ import annotations

import json

import httpx

from bot.sandbox import slack_requests
from tests.support.harness import Harness


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


async def test_a_complaint_in_words_is_counted_as_a_complaint(bot: Harness) -> None:
    await bot.intake_message("客户投诉：退款一直没有到账")
    await bot.intake_message("The customer complained that the export is empty")
    await bot.intake_message("Refund for order 7 please")
    complaint, english, refund = await bot.tickets()
    assert complaint.department_key == "SUP" and complaint.is_complaint
    assert english.is_complaint
    assert not refund.is_complaint
    body = slack_requests.slash_command_body(text="", user="U0ADMIN", command="/digest")
    digest = (await bot.post(body, "application/x-www-form-urlencoded")).json()
    assert "(last 7 days, 2 in all)" in json.dumps(digest["blocks"], ensure_ascii=False)
