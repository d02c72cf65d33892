"""Hostile input at the door: thousands of signed requests of random shape and content, for every kind.

For each kind of request one bot runs and hypothesis sends it real-shaped payloads with fields dropped or
of the wrong type, and with huge, empty, every-plane and mention-laden text where a person's words go. The
bot must never answer 5xx or log an error; a payload missing a field it needs must change nothing in the
database; and nothing the bot queues or sends may carry ``<!channel>``, ``<!here>``, ``<!everyone>`` or a
user group — ``@channel`` words a person typed arrive as harmless text. Mentions of single people
(``<@U…>``) stay live: a person may name a colleague, as they could in the channel anyway.

``RELIABILITY_SCALE=full`` (``make reliability``) sends 200 examples per kind, 500 garbage bodies, on each
backend — thousands in all, about ten minutes here — and writes ``hostile_input.json``; the default ``short``
(CI) sends a few per kind. A longer hunt: raise ``EXAMPLES``; 1,000 per kind on SQLite takes about 15 minutes.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId, CallbackId
from config.schema import WorkspaceConfig
from storage.models import OutboxMessage, Ticket, TicketEvent
from tests.reliability.hostile import (
    ANY_TEXT,
    CHANNEL_ID,
    HOSTILE_TEXT,
    HOSTILE_VALUE,
    TICKET_KEY,
    TS,
    USER_ID,
    Request,
    Trouble,
    broadcasts_in,
    decode_interaction,
    mutated,
    snapshot,
)
from tests.reliability.report import SuiteReport, scaled
from tests.support.harness import Harness, running_bot

EXAMPLES = scaled(short=8, full=100)  # per kind and property: two properties, so 200 per kind and backend at full
GARBAGE_EXAMPLES = scaled(short=40, full=500)
PEOPLE = ["U0ALICE", "U0BOB", "U0ERIN", "U0LEADSUP", "U0ADMIN", "U0STRANGER"]
REPORT = SuiteReport("hostile_input", "Hostile input")
TALLY: dict[str, dict[str, int]] = {}


def _tally(kind: str, what: str, amount: int = 1) -> None:
    counts = TALLY.setdefault(kind, {})
    counts[what] = counts.get(what, 0) + amount


# -- the world every request refers to ---------------------------------------------------------------------


@dataclass
class World:
    """A bot with one ticket (SUP-1, owned by U0ALICE) and the forms a person would have open."""

    bot: Harness
    key: str = "SUP-1"
    card_channel: str = ""
    card_ts: str = ""
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen_ids: dict[str, int] = field(default_factory=dict)  # rows already checked for broadcasts


async def _open_view(world: World, name: str, send: Callable[[], Any]) -> None:
    before = len(world.bot.fake.calls_to("views.open"))
    response = await send()
    assert response.status_code == 200, response.text
    assert len(world.bot.fake.calls_to("views.open")) > before, f"{name}: no form opened"
    world.views[name] = world.bot.opened_view()


async def build_world(bot: Harness, views: tuple[str, ...]) -> World:
    """SUP-1 with its card, and the forms ``views`` names open (opening forms is the slow part)."""
    world = World(bot)
    await bot.intake_message("refund please, the customer is angry", user="U0ERIN")
    await bot.drain()
    ticket = await bot.ticket(world.key)
    assert ticket.card_channel and ticket.card_ts
    world.card_channel, world.card_ts = ticket.card_channel, ticket.card_ts
    if "new_ticket" in views:
        await _open_view(world, "new_ticket", lambda: bot.command("", "U0ERIN"))
    for name, action in (
        ("resolve", ActionId.RESOLVE),
        ("reassign", ActionId.REASSIGN),
        ("escalate", ActionId.ESCALATE),
    ):
        if name in views:
            await _open_view(world, name, lambda action=action: bot.click(action.value, world.key, "U0ALICE"))
    if "standup" in views:
        standup = slack_requests.slash_command_body(text="", user="U0ALICE", channel="C0SUPPORT", command="/standup")
        await _open_view(world, "standup", lambda: bot.post(standup, "application/x-www-form-urlencoded"))
    return world


# -- real-shaped requests, one builder per kind ------------------------------------------------------------

Builder = Callable[[World, list[str], str, str], Request]
SUBCOMMANDS = [
    "",
    "help",
    "urgent",
    "low",
    "list",
    "list mine",
    "list dept",
    "list overdue",
    "show SUP-1",
    "ack SUP-1",
    "assign SUP-1 <@U0BOB>",
    "assign SUP-1 <@U0BOB|bob>",
    "escalate SUP-1",
    "close SUP-1",
    "reopen SUP-1",
    "accept SUP-1",
    "decline SUP-1",
    "wait SUP-1",
    "block SUP-1",
    "resume SUP-1",
    "away",
    "back",
    "show",
    "ack",
]


def _event(kind: str, payload: dict[str, Any], required: list[str]) -> Request:
    shapes = {"user": USER_ID, "channel": CHANNEL_ID, "ts": TS}
    return Request(kind, payload, "json", {("event", name): shapes[name] for name in required})


def _form(kind: str, body: str) -> Request:
    return Request(kind, dict(parse_qsl(body, keep_blank_values=True)), "form", {("user_id",): USER_ID})


def _interaction(kind: str, body: str, **required: re.Pattern[str]) -> Request:
    shapes = {("user", "id"): USER_ID}
    shapes.update({tuple(int(p) if p.isdigit() else p for p in name.split("__")): v for name, v in required.items()})
    return Request(kind, decode_interaction(body), "payload", shapes)


def intake_message(world: World, words: list[str], user: str, extra: str) -> Request:
    message = world.bot.fake.post_user_message("C0INTAKE", user, words[0])
    payload = slack_requests.message_event(channel="C0INTAKE", user=user, text=words[0], ts=message.ts)
    return _event("event.message", payload, ["channel", "user", "ts"])


def thread_reply(world: World, words: list[str], user: str, extra: str) -> Request:
    payload = slack_requests.message_event(
        channel=world.card_channel, user=user, text=words[0], thread_ts=world.card_ts
    )
    return _event("event.thread_reply", payload, ["channel", "user", "ts"])


def message_changed(world: World, words: list[str], user: str, extra: str) -> Request:
    message = world.bot.fake.post_user_message("C0INTAKE", user, "refund")
    payload = slack_requests.message_changed_event(channel="C0INTAKE", user=user, text=words[0], ts=message.ts)
    return Request("event.message_changed", payload, "json", {})


def reaction_added(world: World, words: list[str], user: str, extra: str) -> Request:
    message = world.bot.fake.post_user_message("C0INTAKE", "U0ERIN", words[0])
    reaction = "rotating_light" if extra == "escalate" else "ticket"
    payload = slack_requests.reaction_added_event(
        channel="C0INTAKE", ts=message.ts, user=user, reaction=reaction, item_user="U0ERIN"
    )
    request = _event("event.reaction_added", payload, ["user"])
    request.required.update({("event", "item", "channel"): CHANNEL_ID, ("event", "item", "ts"): TS})
    return request


def app_home_opened(world: World, words: list[str], user: str, extra: str) -> Request:
    return _event("event.app_home_opened", slack_requests.app_home_opened_event(user=user), ["user"])


def ticket_command(world: World, words: list[str], user: str, extra: str) -> Request:
    text = f"{extra} {words[0]}".strip() if words[0].strip() or extra else ""
    return _form("command./ticket", slack_requests.slash_command_body(text=text, user=user))


def standup_command(world: World, words: list[str], user: str, extra: str) -> Request:
    text = f"{extra} {words[0]}".strip()
    body = slack_requests.slash_command_body(text=text, user=user, channel="C0SUPPORT", command="/standup")
    return _form("command./standup", body)


def digest_command(world: World, words: list[str], user: str, extra: str) -> Request:
    body = slack_requests.slash_command_body(text=words[0], user=user, command="/digest")
    return _form("command./digest", body)


# Ids that are never clicked: form inputs (their values come with the submission) and the customer type-ahead, whose
# requests are block_suggestion, answered by an options listener.
NOT_CLICKED = (ActionId.FORM_DEPARTMENT, ActionId.FORM_VALUE, ActionId.CUSTOMER_SELECT)
# App Home's Admin view: its buttons carry a department's key or nothing that matters, not a ticket's key.
ADMIN_BUTTONS = [a.value for a in ActionId if a.value.startswith("crossdesk.admin.")]
CARD_ACTIONS = [a.value for a in ActionId if a not in NOT_CLICKED and a.value not in ADMIN_BUTTONS]


def card_button(world: World, words: list[str], user: str, extra: str) -> Request:
    body = slack_requests.block_actions_body(
        action_id=extra, value=world.key, user=user, channel=world.card_channel, message_ts=world.card_ts
    )
    return _interaction("block_actions.card", body, actions__0__value=TICKET_KEY)


def pause_menu(world: World, words: list[str], user: str, extra: str) -> Request:
    body = slack_requests.block_actions_body(
        action_id=ActionId.PAUSE.value, value="", user=user, channel=world.card_channel, message_ts=world.card_ts
    )
    request = _interaction("block_actions.pause", body)
    action = request.body["actions"][0]
    action.pop("value")
    action.update({"type": "overflow", "selected_option": {"text": {"type": "plain_text", "text": "x"}}})
    action["selected_option"]["value"] = f"{extra}:{world.key}"
    return request


def home_button(world: World, words: list[str], user: str, extra: str) -> Request:
    body = slack_requests.home_block_actions_body(action_id=extra, value=world.key, user=user)
    return _interaction("block_actions.home", body, actions__0__value=TICKET_KEY)


def admin_button(world: World, words: list[str], user: str, extra: str) -> Request:
    body = slack_requests.home_block_actions_body(action_id=extra, value="SUP", user=user)
    return _interaction("block_actions.admin", body)


def form_department(world: World, words: list[str], user: str, extra: str) -> Request:
    body = slack_requests.view_block_actions_body(
        view=world.views["new_ticket"],
        action_id=ActionId.FORM_DEPARTMENT.value,
        block_id="department",
        value=extra if extra in ("SUP", "ENG", "SALES") else "ENG",
        user=user,
    )
    request = _interaction("block_actions.form_department", body)
    values = request.body["view"]["state"]["values"]
    for index, block in enumerate(("title", "description", "customer")):
        for element in values.get(block, {}).values():
            element["value"] = words[index]
    return request


def standup_button(world: World, words: list[str], user: str, extra: str) -> Request:
    action = ActionId.STANDUP_SKIP if extra == "skip" else ActionId.STANDUP_ANSWER
    body = slack_requests.home_block_actions_body(action_id=action.value, value="SUP:2026-11-30", user=user)
    return _interaction("block_actions.standup", body, actions__0__value=ANY_TEXT)


def _submission(kind: str, view: dict[str, Any], user: str, answers: dict[str, Any]) -> Request:
    body = slack_requests.view_submission_body(view=view, user=user, answers=answers)
    return _interaction(kind, body)


def new_ticket_form(world: World, words: list[str], user: str, extra: str) -> Request:
    # The customer field is a type-ahead: what was typed comes back as the "New customer: …" option the bot offered.
    customer = {"text": {"type": "plain_text", "text": words[2][:75] or "?"}, "value": f"new:{words[2]}"[:150]}
    answers = {"title": words[0], "description": words[1], "customer": customer}
    return _submission("view_submission.new_ticket", world.views["new_ticket"], user, answers)


def note_form(world: World, words: list[str], user: str, extra: str) -> Request:
    name = extra if extra in ("resolve", "reassign", "escalate") else "resolve"
    answers: dict[str, Any] = {"note": words[0], "reason": words[1]}
    if name == "reassign":
        answers["person"] = "U0BOB"
    return _submission(f"view_submission.{name}", world.views[name], user, answers)


def standup_form(world: World, words: list[str], user: str, extra: str) -> Request:
    answers = {f"standup_answer.{index}": words[index] for index in range(3)}
    return _submission("view_submission.standup", world.views["standup"], user, answers)


def shortcut(world: World, words: list[str], user: str, extra: str) -> Request:
    message = world.bot.fake.post_user_message("C0INTAKE", "U0ERIN", words[0])
    body = slack_requests.message_action_body(
        callback_id=CallbackId.CREATE_FROM_MESSAGE.value,
        channel="C0INTAKE",
        user=user,
        message={"ts": message.ts, "text": words[0], "user": "U0ERIN"},
    )
    return _interaction("message_action", body, channel__id=CHANNEL_ID, message__ts=TS)


KINDS: dict[str, tuple[Builder, list[str]]] = {
    "event.message": (intake_message, [""]),
    "event.thread_reply": (thread_reply, [""]),
    "event.message_changed": (message_changed, [""]),
    "event.reaction_added": (reaction_added, ["ticket", "escalate"]),
    "event.app_home_opened": (app_home_opened, [""]),
    "command./ticket": (ticket_command, SUBCOMMANDS),
    "command./standup": (standup_command, ["", "answer", "skip", "summary", "SUP", "skip SUP", "ENG"]),
    "command./digest": (digest_command, [""]),
    "block_actions.card": (card_button, CARD_ACTIONS),
    "block_actions.pause": (pause_menu, ["waiting", "blocked", "closed"]),
    "block_actions.home": (home_button, CARD_ACTIONS),
    "block_actions.admin": (admin_button, ADMIN_BUTTONS),
    "block_actions.form_department": (form_department, ["SUP", "ENG", "SALES", "NOPE"]),
    "block_actions.standup": (standup_button, ["answer", "skip"]),
    "view_submission.new_ticket": (new_ticket_form, [""]),
    "view_submission.notes": (note_form, ["resolve", "reassign", "escalate"]),
    "view_submission.standup": (standup_form, [""]),
    "message_action": (shortcut, [""]),
}


# -- checking one answer -----------------------------------------------------------------------------------


# The forms each kind of request refers to.
VIEWS = {
    "block_actions.form_department": ("new_ticket",),
    "view_submission.new_ticket": ("new_ticket",),
    "view_submission.notes": ("resolve", "reassign", "escalate"),
    "view_submission.standup": ("standup",),
}


@pytest.fixture
async def world(request: pytest.FixtureRequest, database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[World]:
    kind = request.node.callspec.params.get("kind", "")
    async with running_bot(database_url, workspace) as bot:
        yield await build_world(bot, VIEWS.get(kind, ()))


@pytest.fixture
def trouble() -> Iterator[Trouble]:
    handler = Trouble()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture(scope="module", autouse=True)
def write_report() -> Iterator[None]:
    """After the module: the figures for ``docs/reliability.md`` (written only when RELIABILITY_REPORT_DIR is set)."""
    yield
    if not TALLY:
        return
    for kind, counts in sorted(TALLY.items()):
        REPORT.add(f"payloads sent: {kind}", counts.get("payloads", 0))
    REPORT.add("payloads sent in all", sum(c.get("payloads", 0) for c in TALLY.values()))
    REPORT.add(
        "payloads missing or mistyping a required field", sum(c.get("invalid payloads", 0) for c in TALLY.values())
    )
    for what in ("5xx", "writes from invalid payloads", "broadcasts"):
        REPORT.add(f"{what} seen", sum(counts.get(what, 0) for counts in TALLY.values()))
    REPORT.write()


async def send(bot: Harness, request: Request) -> httpx.Response:
    body, content_type = request.encode()
    return await bot.post(body, content_type)


async def written_broadcasts(world: World) -> list[str]:
    """Broadcast markup in what was stored since the last look to be shown or sent: titles, notes, messages."""
    seen = world.seen_ids
    async with world.bot.services.db.transaction() as session:
        tickets = (await session.exec(select(Ticket).where(col(Ticket.id) > seen.get("tickets", 0)))).all()
        events = (await session.exec(select(TicketEvent).where(col(TicketEvent.id) > seen.get("events", 0)))).all()
        queued = (await session.exec(select(OutboxMessage).where(col(OutboxMessage.id) > seen.get("outbox", 0)))).all()
    for name, rows in (("tickets", tickets), ("events", events), ("outbox", queued)):
        seen[name] = max([seen.get(name, 0), *(row.id or 0 for row in rows)])
    return broadcasts_in([[t.title for t in tickets], [e.note for e in events if e.note], [m.payload for m in queued]])


def sent_broadcasts(bot: Harness, since: int) -> list[str]:
    """Broadcast markup in anything the bot posted to Slack (messages notify; views and home tabs do not)."""
    calls = [c for c in bot.fake.calls[since:] if c.method.startswith(("chat.", "files."))]
    return broadcasts_in([c.args for c in calls])


def answered_broadcasts(response: httpx.Response) -> list[str]:
    """A reply posted into the channel (``in_channel``) would notify too; ephemeral replies reach one person."""
    try:
        answer = response.json()
    except ValueError:
        return []
    if isinstance(answer, dict) and answer.get("response_type") == "in_channel":
        return broadcasts_in(answer)
    return []


async def check_answer(
    world: World, kind: str, request: Request, response: httpx.Response, trouble: Trouble, since: int
) -> None:
    bot = world.bot
    await bot.drain()
    await bot.settle()
    _tally(kind, "payloads")
    if response.status_code >= 500:
        _tally(kind, "5xx")
    problems = trouble.take()
    assert response.status_code < 500, (kind, response.status_code, response.text[:300], problems)
    assert not problems, (kind, problems)
    leaked = sent_broadcasts(bot, since) + answered_broadcasts(response)
    if leaked:
        _tally(kind, "broadcasts", len(leaked))
    assert not leaked, (kind, leaked[:3])


# -- the properties ----------------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: a failure prints the payload as it was sent
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("kind", list(KINDS))
@FUZZ
@given(data=st.data())
async def test_hostile_text_never_breaks_or_broadcasts(
    world: World, trouble: Trouble, kind: str, data: st.DataObject
) -> None:
    """Valid shapes, hostile words: tickets may open, but nothing sent or stored notifies a crowd."""
    builder, extras = KINDS[kind]
    words = data.draw(st.lists(HOSTILE_TEXT, min_size=3, max_size=3), label="words")
    user = data.draw(st.sampled_from(PEOPLE), label="user")
    extra = data.draw(st.sampled_from(extras), label="extra")
    request = builder(world, words, user, extra)
    since = len(world.bot.fake.calls)
    response = await send(world.bot, request)
    await check_answer(world, kind, request, response, trouble, since)
    stored = await written_broadcasts(world)
    assert not stored, (kind, stored[:3])


@pytest.mark.parametrize("kind", list(KINDS))
@FUZZ
@given(data=st.data())
async def test_payloads_of_random_shape_never_break_and_invalid_ones_write_nothing(
    world: World, trouble: Trouble, kind: str, data: st.DataObject
) -> None:
    """Fields dropped or of the wrong type: never a 5xx; without a field the handler needs, no write."""
    builder, extras = KINDS[kind]
    user = data.draw(st.sampled_from(PEOPLE), label="user")
    extra = data.draw(st.sampled_from(extras), label="extra")
    words = ["refund: the customer was charged twice", "see the invoice", "ACME"]
    request, mutation = data.draw(mutated(builder(world, words, user, extra)), label="mutation")
    await world.bot.drain()
    await world.bot.settle()
    before = await snapshot(world.bot.services.db) if mutation.breaks_required else None
    since = len(world.bot.fake.calls)
    response = await send(world.bot, request)
    await check_answer(world, kind, request, response, trouble, since)
    if before is not None:
        _tally(kind, "invalid payloads")
        after = await snapshot(world.bot.services.db)
        changed = [name for name in before if before[name] != after[name]]
        if changed:
            _tally(kind, "writes from invalid payloads")
        assert not changed, (kind, mutation.changes, changed, response.status_code)


GARBAGE_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(st.characters(codec="utf-8"), max_size=300).map(str.encode),
    st.sampled_from(
        [
            b"",
            b"{}",
            b"[]",
            b"null",
            b'"x"',
            b"payload=",
            b"payload=null",
            b"payload=%7B%7D",
            b"payload=%5B%5D",
            b"command=%2Fticket",
            b'{"type":"event_callback"}',
            b'{"type":"event_callback","event":null}',
            b'{"type":"event_callback","event":[]}',
            b'{"type":"event_callback","event":{"type":"message"}}',
            b'{"type":"url_verification"}',
            b'{"type":"block_actions"}',
            b"\xff\xfe\x00",
        ]
    ),
    st.dictionaries(st.text(max_size=10), HOSTILE_VALUE, max_size=4).map(lambda d: json.dumps(d).encode()),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/form-data", "nonsense/%%"]
)
SIGNING = st.sampled_from(["good", "none", "wrong-secret", "old", "future", "garbled"])


@settings(FUZZ, max_examples=GARBAGE_EXAMPLES)
@given(body=GARBAGE_BODIES, content_type=CONTENT_TYPES, signing=SIGNING)
async def test_garbage_and_forged_requests_change_nothing(
    world: World, trouble: Trouble, body: bytes, content_type: str, signing: str
) -> None:
    """Non-JSON bodies, wrong content types, missing, wrong, old or future signatures: a 4xx, no write."""
    bot = world.bot
    now = int(time.time())
    headers: dict[str, str] = {}
    signed = signing == "good"
    if signing == "wrong-secret":
        headers = slack_requests.sign(body, secret="someone-elses-secret")
    elif signing == "old":
        headers = slack_requests.sign(body, timestamp=now - 5 * 60 - 30)
    elif signing == "future":
        headers = slack_requests.sign(body, timestamp=now + 5 * 60 + 30)
    elif signing == "garbled":
        headers = {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v1=" + "z" * 64}
    await bot.drain()
    before = await snapshot(bot.services.db)
    since = len(bot.fake.calls)
    response = await bot.post(body, content_type, headers=headers, signed=signed)
    await check_answer(world, "garbage", Request("garbage", {}, "json"), response, trouble, since)
    if signing != "good":
        assert response.status_code == 401
    after = await snapshot(bot.services.db)
    assert before == after, body[:80]
    assert bot.fake.calls[since:] == []
