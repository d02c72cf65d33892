"""Build correctly signed Slack requests from the real payload shapes in ``bot/sandbox/payloads``.

The sandbox delivers what people do in the browser with these, the tests send them, and the load
generators of ``make bench`` and ``make reliability`` too: one way to speak Slack's side of the protocol.
Events API requests are built in ``events``, slash commands and interactions in ``interactions``, and what
they share (signature, ids, samples) is in ``common``; every builder is importable from here.
"""

from __future__ import annotations

from bot.sandbox.slack_requests.common import (
    PAYLOADS,
    SIGNING_SECRET,
    TEAM_ID,
    load,
    next_event_id,
    next_trigger_id,
    next_ts,
    sign,
)
from bot.sandbox.slack_requests.events import (
    app_home_opened_event,
    bot_message_event,
    message_changed_event,
    message_deleted_event,
    message_event,
    reaction_added_event,
    subteam_members_changed_event,
    user_status_changed_event,
)
from bot.sandbox.slack_requests.interactions import (
    block_action,
    block_actions_body,
    block_actions_payload,
    block_suggestion_body,
    form_body,
    home_block_actions_body,
    message_action_body,
    options_of,
    slash_command_body,
    view_block_actions_body,
    view_state,
    view_submission_body,
)

__all__ = [
    "PAYLOADS",
    "SIGNING_SECRET",
    "TEAM_ID",
    "app_home_opened_event",
    "block_action",
    "block_actions_body",
    "block_actions_payload",
    "block_suggestion_body",
    "bot_message_event",
    "form_body",
    "home_block_actions_body",
    "load",
    "message_action_body",
    "message_changed_event",
    "message_deleted_event",
    "message_event",
    "next_event_id",
    "next_trigger_id",
    "next_ts",
    "options_of",
    "reaction_added_event",
    "sign",
    "slash_command_body",
    "subteam_members_changed_event",
    "user_status_changed_event",
    "view_block_actions_body",
    "view_state",
    "view_submission_body",
]
