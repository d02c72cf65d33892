"""What Slack's message box does to what people type before anyone sees it: ``&``, ``<`` and ``>`` are escaped,
``@name`` becomes a user mention, ``#channel`` a channel link and a bare URL a link.

Slash commands get the same treatment because the manifest sets ``should_escape`` (mentions then carry the name,
``<@U0ALICE|alice>``, as Slack sends them).
"""

from __future__ import annotations

import re

from bot.sandbox.fake_slack.workspace import SlackWorkspace

_TOKEN = re.compile(r"(?<![\w<])(@[A-Za-z0-9._-]+|#[a-z0-9._-]+|https?://[^\s<>]+)")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _user_id(workspace: SlackWorkspace, name: str) -> str | None:
    """A member by username (``alice``), first name (``Alice``) or id (``U0ALICE``), ignoring case."""
    wanted = name.lower()
    for user in workspace.users.values():
        first = user.real_name.split()[0].lower() if user.real_name else ""
        if wanted in {user.name.lower(), first, user.id.lower()}:
            return user.id
    return None


def _channel_id(workspace: SlackWorkspace, name: str) -> str | None:
    return next((c.id for c in workspace.channels.values() if not c.is_im and c.name == name), None)


def encode(workspace: SlackWorkspace, typed: str, *, for_command: bool = False) -> str:
    """``typed`` as Slack stores a message's text (or sends an escaped slash command's text)."""

    def token(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.startswith("@"):
            user_id = _user_id(workspace, word[1:])
            if user_id is None:
                return word
            return f"<@{user_id}|{workspace.users[user_id].name}>" if for_command else f"<@{user_id}>"
        if word.startswith("#"):
            channel_id = _channel_id(workspace, word[1:])
            return word if channel_id is None else f"<#{channel_id}|{word[1:]}>"
        return f"<{word}>"

    return _TOKEN.sub(token, _escape(typed))
