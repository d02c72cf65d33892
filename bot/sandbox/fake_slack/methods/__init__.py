"""The Web API methods the fake Slack implements, one module per area; importing this registers them all."""

from bot.sandbox.fake_slack.methods import auth, chat, conversations, files, reactions, usergroups, users, views
from bot.sandbox.fake_slack.protocol import METHODS

__all__ = ["METHODS", "auth", "chat", "conversations", "files", "reactions", "usergroups", "users", "views"]
