"""What a person does on the sandbox page, turned into the request Slack would send, and the bot's answer put where
Slack would show it (an ephemeral reply, an updated or closed modal, inline form errors).

Every method returns an ``Outcome``: ``ok`` with nothing else, or a short ``error`` the page shows as a toast.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import slack_requests
from bot.sandbox.composer import encode
from bot.sandbox.delivery import Answer, Delivery
from bot.sandbox.fake_slack import block_rules
from bot.sandbox.fake_slack.models import FakeMessage, JsonDict
from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.modals import Modals, missing_required, wrong_length
from bot.sandbox.response_urls import ResponseUrls
from bot.surfaces.ids import CallbackId, Command

COMMANDS = frozenset(c.value for c in Command)
SHORTCUT_CALLBACK = CallbackId.CREATE_FROM_MESSAGE.value
# What slack-manifest.yml subscribes the app to: Slack delivers nothing else, so neither does the sandbox.
SUBSCRIBED_EVENTS = frozenset(
    {
        "message.channels",
        "message.groups",
        "message.im",
        "reaction_added",
        "app_home_opened",
        "subteam_members_changed",
        "user_status_changed",
    }
)
# The manifest's messages_tab_read_only_enabled: when true, people could not write to the app, only use its commands.
# It is false: a requester may answer a ticket waiting on them by DM.
MESSAGES_TAB_READ_ONLY = False
READ_ONLY_NOTICE = "Sending messages to this app has been turned off."


@dataclass
class Outcome:
    ok: bool = True
    error: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # inline form errors by block id
    options: list[JsonDict] | None = None  # a menu's options, loaded from the app as the person types

    def to_json(self) -> JsonDict:
        body: JsonDict = {"ok": self.ok}
        if self.error:
            body["error"] = self.error
        if self.errors:
            body["errors"] = self.errors
        if self.options is not None:
            body["options"] = self.options
        return body


def _refused(error: str) -> Outcome:
    return Outcome(ok=False, error=error)


def find_element(blocks: list[JsonDict], block_id: str, action_id: str) -> JsonDict | None:
    """The interactive element ``action_id`` in block ``block_id``: an actions element, an accessory or an input."""
    for block in blocks:
        if block.get("block_id") != block_id:
            continue
        candidates = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element
    return None


class People:
    """The people of the workspace acting through the page; each call is one thing a person did."""

    def __init__(self, workspace: SlackWorkspace, delivery: Delivery, response_urls: ResponseUrls) -> None:
        self.workspace = workspace
        self.delivery = delivery
        self.response_urls = response_urls
        self.modals = Modals(workspace)

    def _check_user(self, user: str) -> Outcome | None:
        person = self.workspace.users.get(user)
        if person is None or person.is_bot:
            return _refused(f"no person {user!r} in this workspace")
        return None

    def _check_channel(self, channel: str) -> Outcome | None:
        if channel not in self.workspace.channels:
            return _refused(f"no channel {channel!r} in this workspace")
        return None

    # -- messages, commands, reactions ---------------------------------------------------------------------

    async def post(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Outcome:
        """A message typed in the box: a slash command when it starts with one, else a message event."""
        problem = self._check_user(user) or self._check_channel(channel)
        if problem:
            return problem
        text = text.strip()
        if not text:
            return _refused("type a message first")
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            return await self.command(user, channel, command, rest.strip(), thread_ts)
        info = self.workspace.channels[channel]
        if info.is_im and MESSAGES_TAB_READ_ONLY:
            return _refused(READ_ONLY_NOTICE)
        text = encode(self.workspace, text)
        try:
            message = self.workspace.post_user_message(channel, user, text, thread_ts)
        except KeyError as error:
            return _refused(str(error.args[0]))
        subscription = "message.im" if info.is_im else "message.groups" if info.is_private else "message.channels"
        if subscription not in SUBSCRIBED_EVENTS:
            return Outcome()
        payload = slack_requests.message_event(
            channel=message.channel,
            user=user,
            text=text,
            ts=message.ts,
            thread_ts=message.thread_ts if message.is_reply else None,
            channel_type="im" if info.is_im else "group" if info.is_private else None,
        )
        if message.is_reply and message.parent_user_id:
            payload["event"]["parent_user_id"] = message.parent_user_id  # who started the thread, as Slack says
        return self._delivered(await self.delivery.event(payload), what="message")

    async def command(self, user: str, channel: str, command: str, text: str, thread_ts: str | None = None) -> Outcome:
        info = self.workspace.channels[channel]
        if command not in COMMANDS:
            self._ephemeral(channel, user, f"`{command}` is not a valid command.", thread_ts=thread_ts)
            return Outcome()
        body = slack_requests.slash_command_body(
            text=encode(self.workspace, text, for_command=True),
            user=user,
            channel=channel,
            command=command,
            trigger_id=self.workspace.new_trigger_id(user),
            response_url=self.response_urls.issue(channel=channel, user=user, thread_ts=thread_ts),
            user_name=self.workspace.users[user].name,
            channel_name="directmessage" if info.is_im else info.name,
        )
        answer = await self.delivery.command(body)
        if not answer.ok:
            self._ephemeral(channel, user, f'{command} failed with the error "dispatch_failed" ({answer.status})')
            return Outcome()
        reply_text, blocks = answer.body.get("text"), answer.body.get("blocks")
        if reply_text or blocks:
            if answer.body.get("response_type") == "in_channel":
                self.workspace.post_user_message(channel, user, f"{command} {text}".strip(), thread_ts)
                self._bot_message(channel, str(reply_text or ""), blocks, thread_ts)
            else:
                self._ephemeral(channel, user, str(reply_text or ""), blocks=blocks, thread_ts=thread_ts)
        return Outcome()

    async def react(self, user: str, channel: str, ts: str, name: str) -> Outcome:
        """Add an emoji reaction (a second click by the same person takes it back, without telling the bot)."""
        problem = self._check_user(user) or self._check_channel(channel)
        if problem:
            return problem
        name = name.strip().strip(":")
        if not name or " " in name or ":" in name:
            return _refused("an emoji name looks like ticket or rotating_light")
        message = self.workspace.message(channel, ts)
        if message is None:
            return _refused("that message is gone")
        users = message.reactions.setdefault(name, [])
        if user in users:
            users.remove(user)
            if not users:
                del message.reactions[name]
            self.workspace.changed("reaction")
            return Outcome()
        users.append(user)
        self.workspace.changed("reaction")
        payload = slack_requests.reaction_added_event(
            channel=channel, ts=ts, user=user, reaction=name, item_user=message.user or self.workspace.bot_user_id
        )
        return self._delivered(await self.delivery.event(payload), what="reaction")

    async def shortcut(self, user: str, channel: str, ts: str) -> Outcome:
        """The *Create ticket* message shortcut on a message."""
        problem = self._check_user(user) or self._check_channel(channel)
        if problem:
            return problem
        message = self.workspace.message(channel, ts)
        if message is None:
            return _refused("that message is gone")
        body = slack_requests.message_action_body(
            callback_id=SHORTCUT_CALLBACK,
            channel=channel,
            user=user,
            message=self.workspace._message_to_api(message),
            trigger_id=self.workspace.new_trigger_id(user),
        )
        return self._delivered(await self.delivery.form(body), what="shortcut")

    async def open_home(self, user: str) -> Outcome:
        problem = self._check_user(user)
        if problem:
            return problem
        self.workspace.dm_channel_for(user)
        return self._delivered(await self.delivery.event(slack_requests.app_home_opened_event(user=user)), "home")

    # -- buttons, selects, forms ---------------------------------------------------------------------------

    async def click_in_message(
        self, user: str, channel: str, ts: str, block_id: str, action_id: str, choice: Any = None
    ) -> Outcome:
        problem = self._check_user(user) or self._check_channel(channel)
        if problem:
            return problem
        message = self.workspace.message(channel, ts)
        ephemeral = False
        if message is None:
            message = next((m for m in self.workspace.ephemeral_messages if m.ts == ts and m.visible_to == user), None)
            ephemeral = message is not None
        if message is None:
            return _refused("that message is gone")
        element = find_element(message.blocks or [], block_id, action_id)
        if element is None:
            return _refused("that button is no longer there")
        try:
            action = slack_requests.block_action(element, block_id, choice=choice)
        except ValueError as error:
            return _refused(str(error))
        payload = slack_requests.block_actions_payload(
            user=user,
            action=action,
            trigger_id=self.workspace.new_trigger_id(user),
            message=self.workspace._message_to_api(message),
            channel=channel,
            is_ephemeral=ephemeral,
            response_url=self.response_urls.issue(
                channel=channel, user=user, thread_ts=message.thread_ts, message_ts=message.ts
            ),
        )
        return self._delivered(await self.delivery.interaction(payload), what="click")

    async def click_in_view(
        self,
        user: str,
        view_id: str,
        block_id: str,
        action_id: str,
        choice: Any = None,
        answers: JsonDict | None = None,
    ) -> Outcome:
        """A button on App Home, or a select with ``dispatch_action`` in an open form (``answers``: the form so far)."""
        problem = self._check_user(user)
        if problem:
            return problem
        view = self.workspace.views.get(view_id)
        if view is None:
            return _refused("that view is closed")
        element = find_element(view.get("blocks", []), block_id, action_id)
        if element is None:
            return _refused("that button is no longer there")
        try:
            action = slack_requests.block_action(element, block_id, choice=choice)
            sent = copy.deepcopy(view)
            sent["state"] = slack_requests.view_state(
                view, {**(answers or {}), **self._input_answer(view, block_id, choice)}
            )
        except (ValueError, KeyError) as error:
            return _refused(f"cannot read the form: {error}")
        payload = slack_requests.block_actions_payload(
            user=user, action=action, trigger_id=self.workspace.new_trigger_id(user), view=sent
        )
        return self._delivered(await self.delivery.interaction(payload), what="click")

    @staticmethod
    def _input_answer(view: JsonDict, block_id: str, choice: Any) -> JsonDict:
        is_input = any(b.get("block_id") == block_id and b.get("type") == "input" for b in view.get("blocks", []))
        return {block_id: choice} if is_input else {}

    async def options(self, user: str, view_id: str, block_id: str, typed: str) -> Outcome:
        """Typing into an ``external_select`` of an open form: Slack asks the app for the options (a signed
        ``block_suggestion``) and shows what it answers."""
        problem = self._check_user(user)
        if problem:
            return problem
        view = self.workspace.views.get(view_id)
        if view is None:
            return _refused("that view is closed")
        try:
            body = slack_requests.block_suggestion_body(view=view, block_id=block_id, value=typed, user=user)
        except (StopIteration, KeyError) as error:
            return _refused(f"no menu to type into: {error}")
        answer = await self.delivery.form(body)
        if not answer.ok:
            return self._delivered(answer, what="search")
        found = answer.body.get("options")
        return Outcome(options=[o for o in found if isinstance(o, dict)] if isinstance(found, list) else [])

    async def submit(self, user: str, view_id: str, answers: JsonDict) -> Outcome:
        """Submit the modal on top of ``user``'s stack with ``answers`` ({block id: value})."""
        problem = self._check_user(user)
        if problem:
            return problem
        if self.modals.top(user) != view_id:
            return _refused("that form is not open")
        view = self.workspace.views[view_id]
        missing = missing_required(view, answers) | wrong_length(view, answers)
        if missing:  # Slack checks required inputs and lengths itself before the app hears anything
            return Outcome(errors=self.modals.show_errors(view_id, missing))
        try:
            body = slack_requests.view_submission_body(
                view=view, user=user, answers=answers, trigger_id=self.workspace.new_trigger_id(user)
            )
        except (ValueError, KeyError) as error:
            return _refused(f"cannot read the form: {error}")
        answer = await self.delivery.form(body)
        if not answer.ok:
            return _refused(f"the app answered {answer.status}; the form stays open")
        return Outcome(errors=self.modals.answered(user, view_id, answer.body))

    def close(self, user: str, view_id: str) -> Outcome:
        self.modals.close(user, view_id)
        return Outcome()

    # -- what Slack itself shows -----------------------------------------------------------------------------

    def _ephemeral(
        self, channel: str, user: str, text: str, *, blocks: list[JsonDict] | None = None, thread_ts: str | None = None
    ) -> None:
        message = FakeMessage(
            channel=channel,
            ts=self.workspace.next_ts(),
            text=text,
            user=self.workspace.bot_user_id,
            bot_id=self.workspace.bot_id,
            blocks=block_rules.with_generated_ids(blocks) if isinstance(blocks, list) else blocks,
            thread_ts=thread_ts,
            subtype="ephemeral",
            visible_to=user,
        )
        self.workspace.ephemeral_messages.append(message)
        self.workspace.changed("ephemeral")

    def _bot_message(self, channel: str, text: str, blocks: list[JsonDict] | None, thread_ts: str | None) -> None:
        message = FakeMessage(
            channel=channel,
            ts=self.workspace.next_ts(),
            text=text,
            user=self.workspace.bot_user_id,
            bot_id=self.workspace.bot_id,
            blocks=block_rules.with_generated_ids(blocks) if isinstance(blocks, list) else blocks,
            thread_ts=self.workspace._thread_root(channel, thread_ts),
        )
        self.workspace._add_message(message)
        self.workspace.changed("message")

    @staticmethod
    def _delivered(answer: Answer, what: str) -> Outcome:
        return delivered(answer, what)


def delivered(answer: Answer, what: str) -> Outcome:
    """What the page says of a delivery: nothing when the bot took it, else why not."""
    if answer.ok:
        return Outcome()
    if answer.status == 599:
        return _refused(f"the bot did not answer the {what}; is it running?")
    return _refused(f"the bot answered {answer.status} to the {what} (Slack would retry)")
