"""What the message box does to typed text, as Slack's does: escaping, mentions, channel links, URLs."""

from __future__ import annotations

import pytest

from bot.sandbox.composer import encode
from bot.sandbox.fake_slack.workspace import SlackWorkspace


@pytest.fixture
def workspace() -> SlackWorkspace:
    workspace = SlackWorkspace()
    workspace.add_user("U0ALICE", "alice", "Alice")
    workspace.add_user("U0LEADSUP", "leadsup", "SUP Lead")
    workspace.add_channel("C0INTAKE", "intake")
    return workspace


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("refund <now> & later", "refund &lt;now&gt; &amp; later"),
        ("ask @alice or @Alice", "ask <@U0ALICE> or <@U0ALICE>"),
        ("@leadsup please", "<@U0LEADSUP> please"),
        ("@nobody stays text", "@nobody stays text"),
        ("see #intake and #nowhere", "see <#C0INTAKE|intake> and #nowhere"),
        ("mail bob@example.com", "mail bob@example.com"),
        ("docs at https://example.com/a?b=1", "docs at <https://example.com/a?b=1>"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_a_message_is_stored_the_way_slack_stores_it(workspace: SlackWorkspace, typed: str, stored: str) -> None:
    assert encode(workspace, typed) == stored


def test_an_escaped_command_names_the_person_it_mentions(workspace: SlackWorkspace) -> None:
    assert encode(workspace, "assign SUP-1 @alice", for_command=True) == "assign SUP-1 <@U0ALICE|alice>"
