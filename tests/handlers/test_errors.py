"""The one error path (``handlers.errors.on_error``): each kind of failure answers on the surface it came from.

Payloads are the shared samples in ``/work/shared/slack-payloads`` (copied in small here); the services are
stand-ins holding the real ``Replies`` and translator, so the words are the catalogue's.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError

from bot.errors import NotAllowed, TicketNotFound
from bot.runtime.slack_client import SlackIdentity, SlackUnavailable
from bot.surfaces.i18n import Translator
from bot.surfaces.ids import CallbackId
from bot.surfaces.replies import Replies
from config.loader import EXAMPLE_PATH, load_workspace
from handlers import errors
from handlers.payloads import MalformedPayload
from tests.support.block_kit import assert_view_valid

COMMAND = {"command": "/ticket", "text": "ack SUP-99", "user_id": "U0ALICE", "channel_id": "C0INTAKE"}
SUBMISSION = {"type": "view_submission", "user": {"id": "U0ALICE"}, "view": {"id": "V111", "type": "modal"}}
CLICK = {
    "type": "block_actions",
    "user": {"id": "U0ALICE"},
    "container": {"type": "message", "message_ts": "1790000000.000100", "channel_id": "C0SUPPORT"},
    "channel": {"id": "C0SUPPORT"},
    "actions": [{"action_id": "crossdesk.ticket.resolve", "value": "SUP-12", "type": "button"}],
}
HOME_CLICK = {
    "type": "block_actions",
    "user": {"id": "U0ALICE"},
    "container": {"type": "view", "view_id": "V0HOME"},
    "view": {"id": "V0HOME", "type": "home"},
    "actions": [{"action_id": "crossdesk.ticket.resolve", "value": "SUP-12", "type": "button"}],
}
REACTION = {
    "type": "event_callback",
    "event_id": "Ev0REACT",
    "event": {"type": "reaction_added", "user": "U0ERIN", "reaction": "ticket", "item": {"channel": "C0INTAKE"}},
}


class Told:
    """The ticket service's ``tell_text``: records the refusals queued for people."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, str, dict[str, Any]]] = []

    async def tell_text(self, user: str, channel: str | None, text: str, **more: Any) -> None:
        self.calls.append((user, channel, text, more))


@pytest.fixture(params=["en", "zh"])
def translator(request: pytest.FixtureRequest) -> Translator:
    return Translator(request.param)


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> Told:
    recorder = Told()
    monkeypatch.setattr(errors, "services_of", lambda context: SimpleNamespace(tickets=recorder))
    return recorder


def context_for(translator: Translator) -> AsyncBoltContext:
    workspace = load_workspace(EXAMPLE_PATH)
    service = SimpleNamespace(workspace=workspace, translator=translator)
    replies = Replies(service, SlackIdentity())  # type: ignore[arg-type]
    context = AsyncBoltContext()
    context["services"] = SimpleNamespace(replies=replies, metrics=None, translator=translator)
    return context


async def test_a_refused_command_answers_ephemerally_in_the_workspace_language(translator: Translator) -> None:
    response = await errors.on_error(TicketNotFound(key="SUP-99"), COMMAND, context_for(translator))
    assert response is not None and response.status == 200
    assert json.loads(response.body) == {
        "response_type": "ephemeral",
        "text": translator.t("error.ticket_not_found", key="SUP-99"),
    }


async def test_a_refused_form_turns_into_a_notice_that_says_why(translator: Translator) -> None:
    error = NotAllowed(key="SUP-12", action="resolve", roles=["owner", "lead", "admin"])
    context = context_for(translator)
    response = await errors.on_error(error, SUBMISSION, context)
    assert response is not None and response.status == 200
    body = json.loads(response.body)
    assert body["response_action"] == "update"
    view = body["view"]
    assert_view_valid(view)
    assert view["callback_id"] == CallbackId.NOTICE
    text = view["blocks"][0]["text"]["text"]
    assert text == context["services"].replies.error(error)
    assert "*SUP-12*" in text and translator.t("verb.resolve") in text and translator.t("role.admin") in text


async def test_a_refused_click_is_told_where_the_button_was_and_from_app_home_by_dm(
    translator: Translator, told: Told
) -> None:
    context = context_for(translator)
    message = translator.t("error.ticket_not_found", key="SUP-12")
    response = await errors.on_error(TicketNotFound(key="SUP-12"), CLICK, context)
    assert response is not None and (response.status, response.body) == (200, "")
    response = await errors.on_error(TicketNotFound(key="SUP-12"), HOME_CLICK, context)
    assert response is not None and response.status == 200
    assert told.calls == [("U0ALICE", "C0SUPPORT", message, {}), ("U0ALICE", None, message, {})]


async def test_a_refused_reaction_is_told_to_who_reacted_and_not_redelivered(told: Told) -> None:
    context = context_for(Translator("en"))
    response = await errors.on_error(TicketNotFound(key="SUP-12"), REACTION, context)
    assert response is not None and response.status == 200  # a 2xx: Slack must not deliver it again
    [(user, channel, text, more)] = told.calls
    assert (user, channel, more) == ("U0ERIN", "C0INTAKE", {"event_id": "Ev0REACT"})
    assert text == "There is no ticket SUP-12. Keys look like SUP-12; `/ticket list` shows yours."


async def test_a_malformed_payload_is_refused_with_400_and_the_reason() -> None:
    response = await errors.on_error(MalformedPayload("missing user_id"), COMMAND, context_for(Translator("en")))
    assert response is not None
    assert (response.status, response.body) == (400, "malformed payload: missing user_id")


async def test_a_bug_gives_an_error_id_to_a_command_and_a_form_and_500_to_an_event(translator: Translator) -> None:
    context = context_for(translator)
    answer = await errors.on_error(ValueError("boom"), COMMAND, context)
    assert answer is not None and answer.status == 200
    text = json.loads(answer.body)["text"]
    prefix = translator.t("error.unexpected", error_id="\0").split("\0")[0]
    assert text.startswith(prefix) and "boom" not in text  # an id to quote, never the exception itself
    form = await errors.on_error(ValueError("boom"), SUBMISSION, context)
    assert form is not None
    view = json.loads(form.body)["view"]
    assert_view_valid(view)
    assert view["blocks"][0]["text"]["text"].startswith(prefix)
    event = await errors.on_error(ValueError("boom"), REACTION, context)
    assert event is not None and event.status == 500  # Slack delivers it again


async def test_an_outage_asks_slack_to_deliver_again_and_a_slack_refusal_does_not() -> None:
    context = context_for(Translator("en"))
    outage = await errors.on_error(SlackUnavailable("users.info timed out"), CLICK, context)
    assert outage is not None and outage.status == 503
    refused = SlackApiError("no", SimpleNamespace(data={"ok": False, "error": "channel_not_found"}, status_code=200))
    answer = await errors.on_error(refused, CLICK, context)
    assert answer is not None and (answer.status, answer.body) == (200, "")  # asking again gets the same answer
    limited = SlackApiError("slow down", SimpleNamespace(data={"ok": False, "error": "ratelimited"}, status_code=429))
    retry = await errors.on_error(limited, CLICK, context)
    assert retry is not None and retry.status == 503
