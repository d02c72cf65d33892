"""Ownership through the doors people use: card buttons, forms, DMs, the message shortcut, App Home,
reactions — as signed ``block_actions``, ``view_submission``, ``message_action`` and event requests."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_bot


def errors_of(response: object) -> dict[str, str]:
    body = response.json()  # type: ignore[attr-defined]
    assert body["response_action"] == "errors", body
    return dict(body["errors"])


async def refund_ticket(bot: Harness) -> str:
    ts, _ = await bot.intake_message("Customer ACME wants a refund for invoice 1234")
    await bot.drain()
    return ts


async def test_reassign_is_an_offer_until_the_new_owner_accepts(bot: Harness) -> None:
    ts = await refund_ticket(bot)
    assert (await bot.click(ActionId.REASSIGN, "SUP-1", "U0ALICE")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.REASSIGN
    missing = await bot.submit(
        form, "U0ALICE", {BlockId.FORM_DEPARTMENT: "ENG", BlockId.FORM_PERSON: "U0CAROL", BlockId.FORM_REASON: " "}
    )
    assert list(errors_of(missing)) == [BlockId.FORM_REASON.value]
    wrong = await bot.submit(
        form,
        "U0ALICE",
        {BlockId.FORM_DEPARTMENT: "ENG", BlockId.FORM_PERSON: "U0BOB", BlockId.FORM_REASON: "crash, not billing"},
    )
    assert "not an owner or lead in Engineering" in errors_of(wrong)[BlockId.FORM_PERSON.value]
    sent = await bot.submit(
        form,
        "U0ALICE",
        {
            BlockId.FORM_DEPARTMENT: "ENG",
            BlockId.FORM_PERSON: "U0CAROL",
            BlockId.FORM_REASON: "the refund failed because of a crash",
        },
    )
    assert sent.status_code == 200 and sent.text == ""
    ticket = await bot.ticket("SUP-1")
    assert (ticket.owner_id, ticket.pending_owner_id, ticket.department_key) == ("U0ALICE", "U0CAROL", "SUP")
    await bot.drain()
    card = bot.fake.message("C0INTAKE", ticket.card_ts or "")
    assert card is not None and "offered to <@U0CAROL>" in json.dumps(card.blocks, ensure_ascii=False)

    assert (await bot.click_in_dm(ActionId.ACCEPT_HANDOFF, "SUP-1", "U0CAROL")).status_code == 200
    ticket = await bot.ticket("SUP-1")
    assert (ticket.owner_id, ticket.department_key, ticket.bounce_count) == ("U0CAROL", "ENG", 1)
    await bot.drain()
    card = bot.fake.message("C0INTAKE", ticket.card_ts or "")
    assert card is not None and "moved between departments 1×" in json.dumps(card.blocks, ensure_ascii=False)
    thread = [m.text for m in bot.fake.messages_in("C0INTAKE", thread_ts=ts)]
    assert any("offered this ticket to <@U0CAROL>" in line for line in thread)
    assert any("<@U0CAROL> now owns this ticket" in line for line in thread)
    carol_dms = bot.fake.messages_in(bot.fake.dm_channel_for("U0CAROL"))
    assert not any(
        ActionId.ACCEPT_HANDOFF.value in json.dumps(m.blocks, ensure_ascii=False) for m in carol_dms
    )  # answered


async def test_decline_needs_a_reason_and_the_owner_reads_it(bot: Harness) -> None:
    await refund_ticket(bot)
    await bot.command("assign SUP-1 <@U0BOB|bob>", "U0ALICE")
    await bot.drain()
    assert (await bot.click_in_dm(ActionId.DECLINE_HANDOFF, "SUP-1", "U0BOB")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.DECLINE
    assert list(errors_of(await bot.submit(form, "U0BOB", {BlockId.FORM_REASON: ""}))) == ["reason"]
    assert (await bot.submit(form, "U0BOB", {BlockId.FORM_REASON: "on leave until Monday"})).status_code == 200
    ticket = await bot.ticket("SUP-1")
    assert (ticket.owner_id, ticket.pending_owner_id) == ("U0ALICE", None)
    await bot.drain()
    alice = bot.fake.messages_in(bot.fake.dm_channel_for("U0ALICE"))
    assert any("declined to take *SUP-1*: on leave until Monday" in m.text for m in alice)


async def test_only_the_offered_person_may_accept(bot: Harness) -> None:
    await refund_ticket(bot)
    await bot.command("assign SUP-1 <@U0BOB|bob>", "U0ALICE")
    await bot.drain()
    body = slack_requests.block_actions_body(
        action_id=ActionId.ACCEPT_HANDOFF,
        value="SUP-1",
        user="U0ERIN",
        channel=bot.fake.dm_channel_for("U0ERIN"),
        message_ts="1.1",
    )
    assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 200
    await bot.drain()
    [refusal] = [c for c in bot.fake.calls_to("chat.postEphemeral") if c.args["user"] == "U0ERIN"]
    assert "Only the person it was offered to or an admin may accept or decline *SUP-1*" in refusal.args["text"]
    assert (await bot.ticket("SUP-1")).owner_id == "U0ALICE"


async def test_escalation_by_button_and_reaction_with_a_cooldown(bot: Harness) -> None:
    ts = await refund_ticket(bot)
    assert (await bot.click(ActionId.ESCALATE, "SUP-1", "U0ERIN")).status_code == 200
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.ESCALATE
    assert (await bot.submit(form, "U0ERIN", {BlockId.FORM_REASON: "customer threatens to cancel"})).status_code == 200
    ticket = await bot.ticket("SUP-1")
    assert (ticket.priority, ticket.escalation_level) == ("high", 1)
    await bot.drain()
    lead = bot.fake.messages_in(bot.fake.dm_channel_for("U0LEADSUP"))
    assert any("escalated *SUP-1*" in m.text and "to High — customer threatens to cancel" in m.text for m in lead)
    assert any("escalated *SUP-1*" in m.text and "to High" in m.text for m in bot.fake.messages_in("C0SUPPORT"))

    def escalate_reaction(on_ts: str) -> dict[str, object]:
        return slack_requests.reaction_added_event(
            channel="C0INTAKE", ts=on_ts, user="U0ERIN", reaction="rotating_light", item_user="U0ERIN"
        )

    assert (await bot.event(escalate_reaction(ts))).status_code == 200  # inside the cooldown: ignored
    assert (await bot.ticket("SUP-1")).escalation_level == 1
    bot.clock.advance(timedelta(minutes=31))
    assert (await bot.event(escalate_reaction(ticket.card_ts or ""))).status_code == 200  # on the card this time
    ticket = await bot.ticket("SUP-1")
    assert (ticket.priority, ticket.escalation_level) == ("urgent", 2)
    history = await bot.services.tickets.history("SUP-1")
    escalations = [(e.actor_id, e.note) for e in history.events if e.action == "escalated"]
    assert escalations == [
        ("U0ERIN", "customer threatens to cancel"),
        ("U0ERIN", "reacted with :rotating_light:"),
    ]


async def test_ticket_without_text_opens_the_form_that_shows_who_would_get_it(bot: Harness) -> None:
    response = await bot.command("", "U0ERIN", channel="C0INTAKE")
    assert response.status_code == 200 and response.text == ""
    form = bot.opened_view()
    assert form["callback_id"] == CallbackId.NEW_TICKET
    assert "<@U0ALICE> would get this ticket" in json.dumps(
        form["blocks"], ensure_ascii=False
    )  # triage department, next in turn

    body = slack_requests.view_block_actions_body(
        view=form, action_id=ActionId.FORM_DEPARTMENT, block_id=BlockId.FORM_DEPARTMENT, value="ENG", user="U0ERIN"
    )
    assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 200
    form = bot.fake.views[form["id"]]
    assert "<@U0CAROL> would get this ticket" in json.dumps(form["blocks"], ensure_ascii=False)

    blank = await bot.submit(form, "U0ERIN", {BlockId.FORM_TITLE: "   "})
    assert list(errors_of(blank)) == [BlockId.FORM_TITLE.value]
    assert await bot.tickets() == []
    answers = {
        BlockId.FORM_TITLE: "Checkout fails for ACME",
        BlockId.FORM_DESCRIPTION: "Since this morning every card payment fails.",
        BlockId.FORM_DEPARTMENT: "ENG",
        BlockId.FORM_PRIORITY: "high",
        BlockId.FORM_CUSTOMER: (await bot.type_into(form, BlockId.FORM_CUSTOMER, "acme", "U0ERIN"))[0],
        BlockId.FORM_STAGE: "retention",
        BlockId.FORM_COMPLAINT: ["yes"],
    }
    assert (await bot.submit(form, "U0ERIN", answers)).status_code == 200
    [ticket] = await bot.tickets()
    assert (ticket.key, ticket.owner_id, ticket.priority, ticket.source) == ("ENG-1", "U0CAROL", "high", "modal")
    assert (ticket.customer_name, ticket.lifecycle_stage, ticket.is_complaint) == ("ACME Corp", "retention", True)
    assert ticket.title == "Checkout fails for ACME" and "every card payment fails" in ticket.text
    await bot.drain()
    # Told by DM: the form may have been opened in a channel the bot is not in.
    assert any("ENG-1" in m.text for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN")))


async def test_create_ticket_shortcut_fills_the_form_from_the_message(bot: Harness) -> None:
    message = bot.fake.post_user_message("C0ENG", "U0ERIN", "The app crashes when ACME exports reports")
    body = slack_requests.message_action_body(
        callback_id=CallbackId.CREATE_FROM_MESSAGE,
        channel="C0ENG",
        user="U0DAN",
        message={"ts": message.ts, "text": message.text, "user": "U0ERIN"},
    )
    assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 200
    form = bot.opened_view()
    blocks = {b.get("block_id"): b for b in form["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "The app crashes when ACME exports reports"
    description = blocks["description"]["element"]["initial_value"]
    assert f"https://crossdesk.slack.com/archives/C0ENG/p{message.ts.replace('.', '')}" in description
    assert blocks["department"]["element"]["initial_option"]["value"] == "ENG"
    assert (await bot.submit(form, "U0DAN", {})).status_code == 200
    [ticket] = await bot.tickets()
    assert (ticket.origin_channel, ticket.origin_ts, ticket.requester_id) == ("C0ENG", message.ts, "U0DAN")
    await bot.drain()
    thread = bot.fake.messages_in("C0ENG", thread_ts=message.ts)
    assert any(m.user == bot.fake.bot_user_id and "ENG-1" in json.dumps(m.blocks, ensure_ascii=False) for m in thread)
    # Again on the same message (a new request, as Slack sends it: the same body again would be a replay): it is
    # already a ticket.
    again = slack_requests.message_action_body(
        callback_id=CallbackId.CREATE_FROM_MESSAGE,
        channel="C0ENG",
        user="U0DAN",
        message={"ts": message.ts, "text": message.text, "user": "U0ERIN"},
    )
    assert (await bot.post(again, "application/x-www-form-urlencoded")).status_code == 200
    await bot.drain()
    assert len(await bot.tickets()) == 1
    assert any("already ticket *ENG-1*" in c.args["text"] for c in bot.fake.calls_to("chat.postEphemeral"))


async def test_app_home_shows_the_queue_with_working_buttons(bot: Harness) -> None:
    await refund_ticket(bot)
    await bot.command("urgent checkout is down", "U0ALICE")
    assert (await bot.event(slack_requests.app_home_opened_event(user="U0ALICE"))).status_code == 200
    await bot.drain()
    [published] = bot.fake.calls_to("views.publish")
    assert published.args["user_id"] == "U0ALICE"
    home = json.dumps(published.json_arg("view"))
    assert "Tickets you own" in home and "*SUP-1*" in home and ActionId.ACKNOWLEDGE.value in home
    assert "Tickets you asked for" in home and "checkout is down" in home

    assert (await bot.click_on_home(ActionId.ACKNOWLEDGE, "SUP-1", "U0ALICE")).status_code == 200
    assert (await bot.ticket("SUP-1")).status == "acknowledged"
    await bot.drain()
    assert len(bot.fake.calls_to("views.publish")) == 2  # the queue is redrawn after the click

    assert (await bot.click_on_home(ActionId.ACKNOWLEDGE, "SUP-1", "U0STRANGER")).status_code == 200
    await bot.drain()
    stranger = bot.fake.messages_in(bot.fake.dm_channel_for("U0STRANGER"))
    assert any("Only the owner or an admin may acknowledge *SUP-1*" in m.text for m in stranger)


async def test_auto_close_runs_on_the_ticker(bot: Harness, workspace: WorkspaceConfig) -> None:
    await refund_ticket(bot)
    await bot.command("close SUP-1 refunded", "U0ALICE")
    assert bot.bot.ticker is not None and bot.bot.ticker.running
    await bot.bot.ticker.tick()
    assert (await bot.ticket("SUP-1")).status == "resolved"
    bot.clock.advance(workspace.auto_close_after)
    await bot.bot.ticker.tick()
    assert (await bot.ticket("SUP-1")).status == "closed"
    await bot.drain()
    thread = bot.fake.messages_in("C0INTAKE", thread_ts=(await bot.ticket("SUP-1")).origin_ts)
    assert any("Crossdesk closed this ticket" in m.text for m in thread)


async def test_chinese_workspace_cards_and_forms(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(database_url, workspace.model_copy(update={"language": "zh"})) as bot:
        await refund_ticket(bot)
        ticket = await bot.ticket("SUP-1")
        card = bot.fake.message("C0INTAKE", ticket.card_ts or "")
        assert card is not None
        text = json.dumps(card.blocks, ensure_ascii=False)
        assert "负责人" in text and "确认" in text and "转交" in text
        await bot.click(ActionId.RESOLVE, "SUP-1", "U0ALICE")
        assert bot.opened_view()["title"]["text"] == "解决"


PEOPLE = {
    "requester": "U0ERIN",
    "owner": "U0ALICE",
    "member": "U0BOB",
    "lead": "U0LEADSUP",
    "admin": "U0ADMIN",
    "anyone else": "U0STRANGER",
}
# (subcommand, the state the ticket is put in first, who may) — the server must enforce each cell.
CELLS = [
    ("ack {key}", "open", {"owner", "admin"}),
    ("assign {key} <@U0CAROL|carol>", "open", {"owner", "lead", "admin"}),
    ("escalate {key}", "open", {"requester", "owner", "member", "lead", "admin"}),
    ("close {key} done", "open", {"owner", "lead", "admin"}),
    ("close {key}", "resolved", {"requester", "owner", "lead", "admin"}),
    ("reopen {key}", "closed", {"requester", "owner", "lead", "admin"}),
]


async def test_permission_matrix_is_enforced_through_slash_commands(bot: Harness) -> None:
    for command, state, allowed in CELLS:
        for role, user in PEOPLE.items():
            answer = (await bot.command("refund for the matrix", "U0ERIN")).json()["text"]
            key = answer.split("*")[1]
            ticket = await bot.ticket(key)
            if ticket.owner_id != "U0ALICE":  # the round robin gave it to Bob: hand it to Alice first
                await bot.command(f"assign {key} <@U0ALICE|alice>", "U0LEADSUP")
                await bot.command(f"accept {key}", "U0ALICE")
            if state in ("resolved", "closed"):
                await bot.command(f"close {key} fixed", "U0ALICE")
            if state == "closed":
                await bot.command(f"close {key}", "U0ERIN")
            before = await bot.ticket(key)
            assert before.status in (state, "acknowledged" if state == "open" else state)
            reply = (await bot.command(command.format(key=key), user)).json()["text"]
            after = await bot.ticket(key)
            refused = reply.startswith("Only ")
            assert refused == (role not in allowed), (command, role, reply)
            if refused:
                assert (after.status, after.owner_id, after.priority, after.pending_owner_id) == (
                    before.status,
                    before.owner_id,
                    before.priority,
                    before.pending_owner_id,
                ), (command, role)


async def test_create_ticket_shortcut_in_a_channel_the_bot_was_not_invited_to(bot: Harness) -> None:
    """Shortcuts work in any channel, but the bot may only post where it was invited (Slack answers not_in_channel):
    the card goes to the department channel and the person's notes come by DM."""
    bot.fake.add_channel("C0RANDOM", "random", members=["U0ERIN", "U0DAN"])
    message = bot.fake.post_user_message("C0RANDOM", "U0ERIN", "The app crashes when ACME exports reports")

    async def shortcut() -> None:
        body = slack_requests.message_action_body(
            callback_id=CallbackId.CREATE_FROM_MESSAGE,
            channel="C0RANDOM",
            user="U0DAN",
            message={"ts": message.ts, "text": message.text, "user": "U0ERIN"},
            trigger_id=bot.trigger("U0DAN"),
        )
        assert (await bot.post(body, "application/x-www-form-urlencoded")).status_code == 200

    await shortcut()
    assert (await bot.submit(bot.opened_view(), "U0DAN", {})).status_code == 200
    await bot.drain()
    [ticket] = await bot.tickets()
    assert (ticket.key, ticket.card_channel) == ("ENG-1", "C0ENG")
    assert bot.fake.messages_in("C0RANDOM") == [message]
    # Again on the same message: the note that it is already a ticket cannot be shown in #random, so it is a DM.
    await shortcut()
    await bot.drain()
    assert [(c.method, c.error) for c in bot.fake.rejected_calls()] == [
        ("chat.postMessage", "not_in_channel"),
        ("chat.postEphemeral", "not_in_channel"),
    ]
    dms = [m.text for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0DAN"))]
    assert any("already ticket *ENG-1*" in text for text in dms), dms
