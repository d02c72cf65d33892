"""App Home's consult sections: "Asked of your department" (the open questions other departments asked the
viewer's, oldest first, with Answer / Decline for who may) and "Waiting on other departments" (the viewer's tickets
with open questions, and who has each)."""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from tests.e2e.test_consults import refund_ticket, said, shanghai
from tests.support.harness import Harness


async def home_of(bot: Harness, user: str) -> dict[str, Any]:
    assert (await bot.event(slack_requests.app_home_opened_event(user=user))).status_code == 200
    await bot.drain()
    view: dict[str, Any] = [c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == user][-1].json_arg(
        "view"
    )
    return view


def section_texts(view: dict[str, Any], title: str) -> list[str]:
    """The texts of the blocks under the section headed ``title``, up to its divider."""
    blocks = view["blocks"]
    start = next(i for i, b in enumerate(blocks) if b.get("text", {}).get("text") == f"*{title}*")
    end = next(i for i in range(start, len(blocks)) if blocks[i]["type"] == "divider")
    return [json.dumps(b, ensure_ascii=False) for b in blocks[start + 1 : end]]


async def test_app_home_shows_what_was_asked_of_your_department_and_what_you_wait_for(bot: Harness) -> None:
    await refund_ticket(bot)  # SUP-1, Alice
    said(await bot.command("ask SUP-1 ENG Was order 1042 charged twice?", "U0ALICE"))  # ENG-1, Carol
    bot.clock.set(shanghai(30, 10, 30))
    said(await bot.command("urgent quote for ACME renewal", "U0ERIN"))  # SALES-1, Erin
    said(await bot.command("ask SALES-1 ENG Can the export take 10k rows?", "U0ERIN"))  # ENG-2, Dan
    said(await bot.command("block SUP-1 ENG-1", "U0ALICE"))

    dan = await home_of(bot, "U0DAN")
    asked = section_texts(dan, "Asked of your department")
    assert [("ENG-1" in text, "ENG-2" in text) for text in asked if text.startswith('{"type": "section"')] == [
        (True, False),
        (False, True),
    ]  # oldest first
    assert "from Customer Support 客户支持 about *SUP-1* · <@U0CAROL>" in asked[0]
    assert "from Sales 销售 about *SALES-1* · <@U0DAN>" in "".join(asked)
    # Only Dan's own question offers him Answer / Decline; on Carol's he may only escalate.
    dans = json.loads(next(text for text in asked if '"home.asked.ENG-2"' in text))
    assert ActionId.ANSWER_CONSULT in [e["action_id"] for e in dans["elements"]]
    carols = json.loads(next(text for text in asked if '"home.asked.ENG-1"' in text))
    assert [e["action_id"] for e in carols["elements"]] == [ActionId.ESCALATE]

    alice = await home_of(bot, "U0ALICE")
    waiting = "".join(section_texts(alice, "Waiting on other departments"))
    assert "*SUP-1* Customer wants a refund for order 1042 · Waiting on another department" in waiting
    assert "• *ENG-1* Engineering 研发 — <@U0CAROL>" in waiting and "this ticket waits for it" in waiting
    assert "No open questions from other departments." in "".join(section_texts(alice, "Asked of your department"))
    requester = await home_of(bot, "U0STRANGER")  # in no department: neither section
    assert "Asked of your department" not in json.dumps(requester)

    # Answering from App Home: the form, then the queue drawn again without it.
    assert (await bot.click_on_home(ActionId.ANSWER_CONSULT, "ENG-2", "U0DAN")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.ANSWER_CONSULT
    published = len(bot.fake.calls_to("views.publish"))
    assert (await bot.submit(form, "U0DAN", {BlockId.FORM_ANSWER: "Yes, up to 50k"})).text == ""
    await bot.drain()
    assert (await bot.ticket("ENG-2")).status == "resolved"
    assert any("answered *ENG-2*" in m.text for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN")))
    [redrawn] = bot.fake.calls_to("views.publish")[published:]  # the form came from Home: Home is drawn again
    assert redrawn.args["user_id"] == "U0DAN"
    assert not [text for text in section_texts(redrawn.json_arg("view"), "Asked of your department") if "ENG-2" in text]
