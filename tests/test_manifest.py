"""The Slack app manifest asks for exactly what the bot uses, no more and no less."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.surfaces.ids import ActionId, CallbackId, Command
from handlers import register_all

MANIFEST = Path(__file__).resolve().parents[1] / "slack-manifest.yml"
README = MANIFEST.parent / "README.md"


def manifest() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data


class RecordingApp:
    """Stands in for AsyncApp during ``register_all`` and writes down what each listener is for."""

    def __init__(self) -> None:
        self.client: Any = None  # AsyncApp's client; the middleware times it when it is a TimedWebClient
        self.events: set[str] = set()
        self.commands: set[str] = set()
        self.actions: set[str] = set()
        self.views: set[str] = set()
        self.shortcuts: set[str] = set()
        self.menus: set[str] = set()  # menus whose options the bot loads

    def _record(self, into: set[str], name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        into.add(name)
        return lambda function: function

    def event(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._record(self.events, name)

    def command(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._record(self.commands, name)

    def action(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._record(self.actions, name)

    def view(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._record(self.views, name)

    def shortcut(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._record(self.shortcuts, name)

    def options(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._record(self.menus, name)

    def middleware(self, function: Callable[..., Any]) -> None:
        pass

    def error(self, function: Callable[..., Any]) -> None:
        pass


def registered_listeners() -> RecordingApp:
    app = RecordingApp()
    register_all(app, services=None)  # type: ignore[arg-type]  # only listened-for names are recorded
    return app


def test_slash_commands_match_and_escape_users() -> None:
    commands = manifest()["features"]["slash_commands"]  # type: ignore[index]
    assert [c["command"] for c in commands] == [  # type: ignore[index]
        Command.TICKET.value,
        Command.STANDUP.value,
        Command.DIGEST.value,
        Command.CUSTOMER.value,
    ]
    assert all(c["should_escape"] is True for c in commands)  # type: ignore[index]
    assert all(c["url"].endswith("/slack/events") for c in commands)  # type: ignore[index]
    assert registered_listeners().commands == {c.value for c in Command}


def test_events_and_scopes_are_exactly_those_used() -> None:
    settings = manifest()["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])  # type: ignore[index]
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])  # type: ignore[index]
    people = {"subteam_members_changed", "user_status_changed"}  # user groups as owners, away statuses
    assert registered_listeners().events == {"message", "reaction_added", "app_home_opened", *people}
    # message.channels / message.groups deliver "message" from public and private intake channels, message.im the
    # DMs people send the bot (an answer to a ticket waiting on them).
    assert events == {"message.channels", "message.groups", "message.im", "reaction_added", "app_home_opened", *people}
    assert scopes == {
        "channels:history",
        "groups:history",
        "im:history",
        "im:write",
        "chat:write",
        "commands",
        "reactions:read",
        "files:write",
        "users:read",
        "users.profile:read",  # users.profile.get: an owner's status not heard of yet
        "usergroups:read",  # usergroups.users.list: a user group's members
    }
    assert settings["interactivity"]["is_enabled"] is True  # type: ignore[index]
    # The customer type-ahead (external_select) loads its choices from the bot, at the same URL.
    assert settings["interactivity"]["message_menu_options_url"].endswith("/slack/events")  # type: ignore[index]
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")  # type: ignore[index]


def test_shortcuts_forms_and_home() -> None:
    features = manifest()["features"]
    shortcuts = {s["callback_id"]: s["type"] for s in features["shortcuts"]}  # type: ignore[index]
    app = registered_listeners()
    assert shortcuts == {CallbackId.CREATE_FROM_MESSAGE.value: "message"}
    assert app.shortcuts == set(shortcuts)
    assert features["app_home"]["home_tab_enabled"] is True  # type: ignore[index]
    forms = {c.value for c in CallbackId} - {CallbackId.CREATE_FROM_MESSAGE.value, CallbackId.NOTICE.value}
    assert app.views == forms  # every form we open has a submission listener
    loaded = {ActionId.CUSTOMER_SELECT.value}  # menus whose options the bot loads (block_suggestion)
    assert app.menus == loaded
    assert {a.value for a in ActionId} - {ActionId.FORM_VALUE.value} - loaded == app.actions  # every button a listener


def test_the_readme_names_every_place_the_bots_address_goes() -> None:
    """Install step 1 says where to put the bot's public address: every key of the manifest that holds it."""
    placeholder = re.compile(r"^[\s-]*(\w+): https://crossdesk\.example\.com/", re.MULTILINE)
    keys = placeholder.findall(MANIFEST.read_text(encoding="utf-8"))
    assert len(keys) == len(manifest()["features"]["slash_commands"]) + 3  # type: ignore[index]
    readme = " ".join(README.read_text(encoding="utf-8").split())
    step = readme.split("1. **Create the app**", 1)[1].split("2. **Install it**", 1)[0]
    assert "https://crossdesk.example.com" in step and "socket_mode_enabled: true" in step
    assert [key for key in sorted(set(keys)) if f"`{key}`" not in step] == []
