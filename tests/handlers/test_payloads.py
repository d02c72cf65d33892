"""Reading Slack payloads: whether a request came from a conversation only its members can read, what a form
sent, and where a button was clicked; a malformed payload is refused with a reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.tickets.prompts import PromptRef
from handlers.payloads import (
    MalformedPayload,
    clicked_in,
    dm_prompt,
    form_values,
    is_private_conversation,
    metadata,
    optional_text,
    text,
)


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


# ---------------------------------------------------------------------------------------------- forms and clicks


def state(**values: dict[str, Any]) -> dict[str, Any]:
    """A submitted view whose ``state.values`` holds one element per block, as Slack sends it."""
    return {"view": {"state": {"values": {block: {"crossdesk.form.value": v} for block, v in values.items()}}}}


def test_form_values_flattens_every_input_kind_and_escapes_what_was_typed() -> None:
    submitted = state(
        title={"type": "plain_text_input", "value": "Refund <b> & <@U0BOB>"},
        description={"type": "plain_text_input", "value": None},
        department={"type": "static_select", "selected_option": {"value": "ENG", "text": {"type": "plain_text"}}},
        stage={"type": "static_select", "selected_option": None},
        person={"type": "users_select", "selected_user": "U0CAROL"},
        complaint={"type": "checkboxes", "selected_options": [{"value": "yes"}]},
    )
    assert form_values(submitted["view"]) == {
        "title": "Refund &lt;b&gt; &amp; &lt;@U0BOB&gt;",  # typed text becomes Slack text: no live mention
        "description": None,
        "department": "ENG",
        "stage": None,
        "person": "U0CAROL",
        "complaint": ["yes"],
    }
    assert form_values(submitted["view"], as_typed=True)["title"] == "Refund <b> & <@U0BOB>"


@pytest.mark.parametrize(
    "bad",
    [
        {"title": {"type": "plain_text_input", "value": 12}},
        {"complaint": {"type": "checkboxes", "selected_options": "yes"}},
        {"complaint": {"type": "checkboxes", "selected_options": [{"value": 1}]}},
        {"person": {"type": "users_select", "selected_user": ["U0CAROL"]}},
        {"title": "not an element"},
        {"title": {"type": ["plain_text_input"], "value": "x"}},  # found by the hostile-input suite at full scale
    ],
)
def test_form_values_refuses_a_malformed_state_with_a_reason(bad: dict[str, Any]) -> None:
    with pytest.raises(MalformedPayload):
        form_values(state(**bad)["view"])
    with pytest.raises(MalformedPayload, match="view must be an object"):
        form_values("a string")


def test_metadata_reads_back_our_json_and_refuses_anything_else() -> None:
    ours = {"key": "SUP-12", "名": "客户"}
    assert metadata({"private_metadata": json.dumps(ours, ensure_ascii=False)}) == ours
    assert metadata({"private_metadata": ""}) == {}  # a form opened without any
    for raw in ("This is for you!", "[1, 2]", "null"):
        with pytest.raises(MalformedPayload, match="private_metadata is not ours"):
            metadata({"private_metadata": raw})


def test_text_fields_are_required_or_optional_and_must_be_strings() -> None:
    payload = {"user_id": "U0ALICE", "text": "", "channel_name": 7}
    assert text(payload, "user_id") == "U0ALICE"
    assert text(payload, "text") == ""
    assert text(payload, "trigger_id", required=False, default="none") == "none"
    assert optional_text(payload, "trigger_id") is None
    with pytest.raises(MalformedPayload, match="missing trigger_id"):
        text(payload, "trigger_id")
    with pytest.raises(MalformedPayload, match="channel_name must be a string"):
        optional_text(payload, "channel_name")
    with pytest.raises(MalformedPayload, match="payload must be an object"):
        text(["U0ALICE"], "user_id")


def test_clicked_in_tells_a_channel_message_a_dm_and_app_home_apart() -> None:
    in_channel = {"channel": {"id": "C0SUPPORT"}, "container": {"message_ts": "1790000000.000100"}}
    assert clicked_in(in_channel) == ("C0SUPPORT", "1790000000.000100", False)
    in_dm = {"container": {"channel_id": "D0ALICE", "message_ts": "1790000000.000200"}}
    assert clicked_in(in_dm) == ("D0ALICE", "1790000000.000200", False)
    at_home = {"container": {"type": "view", "view_id": "V0HOME"}, "view": {"type": "home"}}
    assert clicked_in(at_home) == (None, None, True)
    assert clicked_in({"container": "odd", "channel": {"id": 5}}) == (None, None, False)


def test_only_a_button_in_a_dm_names_a_prompt_to_settle() -> None:
    assert dm_prompt("D0ALICE", "1790000000.000200", False) == PromptRef("D0ALICE", "1790000000.000200")
    assert dm_prompt("C0SUPPORT", "1790000000.000100", False) is None  # the card shows the ticket as it is
    assert dm_prompt("D0ALICE", "1790000000.000200", True) is None  # App Home
    assert dm_prompt("D0ALICE", "", False) is None
    assert dm_prompt(None, None, False) is None
