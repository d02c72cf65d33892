"""Reading Slack payloads: whether a request came from a conversation only its members can read."""

from __future__ import annotations

import pytest

from handlers.payloads import is_private_conversation


@pytest.mark.parametrize(
    ("channel", "channel_type", "channel_name", "private"),
    [
        ("C0INTAKE", "channel", None, False),  # a message in a public channel
        ("C0PLANS", "group", None, True),  # a private channel made since 2021 has a C id: channel_type tells
        ("D0ERIN", "im", None, True),
        ("C0GROUP", "mpim", None, True),
        ("C0INTAKE", None, "intake", False),  # a slash command in a public channel
        ("C0PLANS", None, "privategroup", True),
        ("D0ERIN", None, "directmessage", True),
        ("C0GROUP", None, "mpdm-alice--bob--erin-1", True),
        ("G0OLD", None, None, True),  # a reaction carries only the id: G and D are private
        ("D0ERIN", None, None, True),
        ("C0INTAKE", None, None, False),
        (None, None, None, False),
    ],
)
def test_private_conversations(
    channel: str | None, channel_type: str | None, channel_name: str | None, private: bool
) -> None:
    assert is_private_conversation(channel, channel_type=channel_type, channel_name=channel_name) is private
