"""Stand-ups from Slack: ``/standup``, the Answer / Skip today buttons on the question DM, the answer form,
and the summary's "Make a ticket for another department" button. Each calls ``bot.schedule.standups``."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.profiles import display_names
from bot.runtime.services import Services
from bot.schedule.standup_answers import StandupRound
from bot.surfaces.ids import ActionId, BlockId, CallbackId, Command
from bot.surfaces.standup_views import answer_block_id, answer_modal, is_optional, parse_round
from bot.surfaces.text import mentioned_users, to_plain
from handlers.forms import new_ticket_form, open_form
from handlers.payloads import MalformedPayload, clicked_in, form_values, mapping, metadata, services_of, text

SUBCOMMANDS = ("answer", "skip", "summary")


def _user(body: dict[str, Any]) -> str:
    return text(mapping(body.get("user"), "user"), "id")


def _button_value(body: dict[str, Any]) -> str:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions without actions")
    return text(mapping(actions[0], "action"), "value")


def _round_of(body: dict[str, Any]) -> tuple[str, str]:
    parsed = parse_round(_button_value(body))
    if parsed is None:
        raise MalformedPayload("button value is not a stand-up round")
    return parsed


def _prompt(body: dict[str, Any]) -> tuple[str, str] | None:
    """The question DM the button sits on, so its outcome can replace the buttons."""
    channel, ts, from_home = clicked_in(body)
    return (channel, ts) if channel and ts and not from_home else None


def _form(services: Services, standup_round: StandupRound, origin: dict[str, Any] | None = None) -> dict[str, Any]:
    return answer_modal(
        services.translator,
        department_key=standup_round.department_key,
        department_name=standup_round.department_name,
        day=standup_round.day,
        questions=standup_round.questions,
        previous=standup_round.previous,
        origin=origin,
    )


def parse_standup_command(raw: str) -> tuple[str | None, str | None]:
    """``"skip SUP"`` → ``("skip", "SUP")``; no words → answer; a bare department key → answer for it.

    Returns ``(None, None)`` for anything else (help, typos), which shows the usage.
    """
    words = raw.split()
    if not words:
        return "answer", None
    first = words[0].lower()
    if first in SUBCOMMANDS and len(words) <= 2:
        return first, words[1] if len(words) == 2 else None
    if len(words) == 1 and words[0].isalnum() and words[0].isupper():
        return "answer", words[0]
    return None, None


async def on_standup_command(
    ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    services = services_of(context)
    command = dict(mapping(command, "command"))
    user = text(command, "user_id")
    subcommand, department = parse_standup_command(text(command, "text", required=False))
    standups = services.standups
    if subcommand == "answer":
        standup_round = await standups.answer_form(user, department)
        await open_form(client, text(command, "trigger_id"), _form(services, standup_round))
        await ack()
    elif subcommand == "skip":
        skipped = await standups.skip(user, department)
        await ack(
            response_type="ephemeral",
            text=services.replies.t("standup.command.skipped", department=skipped.department_name),
        )
    elif subcommand == "summary":
        message = await standups.summary_so_far(user, department)
        await ack(response_type="ephemeral", text=message["text"], blocks=message["blocks"])
    else:
        await ack(response_type="ephemeral", text=services.replies.t("standup.command.usage"))


async def on_answer_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Answer (or Edit answers) on the question DM: the form, prefilled with what was answered before."""
    services = services_of(context)
    department, day = _round_of(body)
    standup_round = await services.standups.answer_form(_user(body), department, day)
    prompt = _prompt(body)
    origin = {"channel": prompt[0], "message_ts": prompt[1]} if prompt else None
    await open_form(client, text(body, "trigger_id"), _form(services, standup_round, origin))
    await ack()


async def on_skip_button(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    services = services_of(context)
    department, day = _round_of(body)
    await services.standups.skip(_user(body), department, day, prompt=_prompt(body))
    await ack()


async def on_answer_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
) -> None:
    services = services_of(context)
    values, origin = form_values(view), metadata(view)
    prefix = f"{BlockId.STANDUP_ANSWER.value}."
    count = sum(1 for block_id in values if block_id.startswith(prefix))
    answers: list[str | None] = [values.get(answer_block_id(index)) for index in range(count)]
    blank = {
        answer_block_id(index): services.replies.t("standup.answer_required")
        for index, answer in enumerate(answers)
        if not is_optional(index, count) and not (isinstance(answer, str) and answer.strip())
    }
    if blank:
        await ack(response_action="errors", errors=blank)
        return
    channel, ts = origin.get("channel"), origin.get("message_ts")
    prompt = (channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None
    await services.standups.answer(text(origin, "department"), _user(body), text(origin, "day"), answers, prompt=prompt)
    await ack()


async def on_blocker_ticket(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The summary's button on a blocker: the new-ticket form, prefilled with that answer."""
    services = services_of(context)
    value = _button_value(body)
    if not value.isdigit():
        raise MalformedPayload("button value is not a stand-up entry")
    draft = await services.standups.blocker_draft(int(value))
    channel, _, _ = clicked_in(body)
    names = await display_names(services.db, client, mentioned_users(draft.description))
    view = await new_ticket_form(
        services,
        title=to_plain(draft.title, names),
        description=to_plain(draft.description, names),
        metadata={"channel": channel},
    )
    await open_form(client, text(body, "trigger_id"), view)
    await ack()


def register(app: AsyncApp) -> None:
    app.command(Command.STANDUP.value)(on_standup_command)
    app.action(ActionId.STANDUP_ANSWER.value)(on_answer_button)
    app.action(ActionId.STANDUP_SKIP.value)(on_skip_button)
    app.action(ActionId.STANDUP_BLOCKER_TICKET.value)(on_blocker_ticket)
    app.view(CallbackId.STANDUP_ANSWER.value)(on_answer_submission)
