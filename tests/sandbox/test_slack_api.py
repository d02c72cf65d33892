"""The fake Slack Web API, driven only through the real ``AsyncWebClient`` over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.clock import ManualClock
from bot.sandbox.fake_slack.server import SlackApiServer
from bot.sandbox.fake_slack.workspace import SlackWorkspace

pytestmark = pytest.mark.asyncio

SECTION = {"type": "section", "block_id": "summary", "text": {"type": "mrkdwn", "text": "*SUP-1* refund for ACME"}}
INPUT = {
    "type": "input",
    "block_id": "title",
    "label": {"type": "plain_text", "text": "What?"},
    "element": {"type": "plain_text_input", "action_id": "value", "max_length": 150},
}


@pytest_asyncio.fixture
async def server() -> AsyncIterator[SlackApiServer]:
    workspace = SlackWorkspace()
    workspace.add_user("U0ALICE", "alice", "Alice Wang")
    workspace.add_user("U0BOB", "bob", "Bob Li", tz="Europe/Berlin")
    workspace.add_channel("C0INTAKE", "intake", members=["U0ALICE", "U0BOB"])
    workspace.invite_bot("C0INTAKE")
    async with SlackApiServer(workspace) as running:
        yield running


@pytest.fixture
def workspace(server: SlackApiServer) -> SlackWorkspace:
    return server.workspace


@pytest.fixture
def client(server: SlackApiServer) -> AsyncWebClient:
    # No retry handlers: faults must surface to the test exactly as the fake sent them.
    return AsyncWebClient(token=server.workspace.bot_token, base_url=server.url, retry_handlers=[])


async def slack_error(call: Awaitable[object]) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value


async def test_server_listens_on_an_ephemeral_local_port(server: SlackApiServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/api/"
    assert server.port != 0


async def test_auth_test_names_the_bot_and_workspace(client: AsyncWebClient) -> None:
    response = await client.auth_test()
    assert response["url"] == "https://crossdesk.slack.com/"
    assert (response["team_id"], response["user_id"], response["bot_id"]) == ("T0CROSSDESK", "U0CROSSBOT", "B0CROSSBOT")
    assert response["team"] == "Crossdesk"
    assert response["user"] == "crossdesk"


async def test_post_message_into_channel_and_thread(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    parent = await client.chat_postMessage(channel="C0INTAKE", text="SUP-1 opened", blocks=[SECTION])
    assert parent["channel"] == "C0INTAKE"
    assert parent["message"]["text"] == "SUP-1 opened"
    assert parent["message"]["blocks"] == [SECTION]
    assert parent["message"]["user"] == "U0CROSSBOT"
    assert parent["message"]["bot_id"] == "B0CROSSBOT"

    reply = await client.chat_postMessage(channel="C0INTAKE", thread_ts=parent["ts"], text="assigned to Alice")
    assert reply["message"]["thread_ts"] == parent["ts"]
    assert float(reply["ts"]) > float(parent["ts"])

    top_level = workspace.messages_in("C0INTAKE")
    assert [m.ts for m in top_level] == [parent["ts"]]
    assert top_level[0].reply_count == 1
    assert top_level[0].latest_reply == reply["ts"]
    assert [m.text for m in workspace.messages_in("C0INTAKE", thread_ts=parent["ts"])] == [
        "SUP-1 opened",
        "assigned to Alice",
    ]
    # The call is recorded with the arguments as the client sent them (a JSON body: blocks already a list).
    recorded = workspace.calls_to("chat.postMessage")[0]
    assert recorded.ok and recorded.status == 200
    assert recorded.args["channel"] == "C0INTAKE"
    assert recorded.blocks == [SECTION]
    assert "token" not in recorded.args


async def test_reply_to_a_reply_joins_the_parents_thread(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    parent = workspace.post_user_message("C0INTAKE", "U0ALICE", "refund please")
    human_reply = workspace.post_user_message("C0INTAKE", "U0BOB", "me too", thread_ts=parent.ts)
    bot_reply = await client.chat_postMessage(channel="C0INTAKE", thread_ts=human_reply.ts, text="SUP-1 opened")
    assert bot_reply["message"]["thread_ts"] == parent.ts
    assert [m.text for m in workspace.messages_in("C0INTAKE", thread_ts=parent.ts)] == [
        "refund please",
        "me too",
        "SUP-1 opened",
    ]
    assert parent.reply_count == 2


async def test_post_message_to_a_user_id_lands_in_their_dm(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    response = await client.chat_postMessage(channel="U0ALICE", text="You own SUP-1")
    assert response["channel"] == workspace.dm_channel_for("U0ALICE")
    assert response["channel"].startswith("D")
    assert [m.text for m in workspace.messages_in("U0ALICE")] == ["You own SUP-1"]


async def test_post_message_with_unknown_thread_ts_goes_to_the_channel(
    client: AsyncWebClient, workspace: SlackWorkspace
) -> None:
    response = await client.chat_postMessage(channel="C0INTAKE", thread_ts="1600000000.000001", text="orphan")
    assert response["ok"] is True
    assert "thread_ts" not in response["message"]
    assert [m.text for m in workspace.messages_in("C0INTAKE")] == ["orphan"]


async def test_form_encoded_and_get_arguments_are_understood(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    blocks_json = json.dumps([SECTION])
    posted = await client.api_call(
        "chat.postMessage", data={"channel": "C0INTAKE", "text": "via form", "blocks": blocks_json}
    )
    assert posted["message"]["blocks"] == [SECTION]
    recorded = workspace.calls_to("chat.postMessage")[0]
    assert recorded.args["blocks"] == blocks_json  # left as given …
    assert recorded.blocks == [SECTION]  # … and parsed on request

    history = await client.api_call("conversations.history", http_verb="GET", params={"channel": "C0INTAKE"})
    assert [m["text"] for m in history["messages"]] == ["via form"]
    assert workspace.calls_to("conversations.history")[0].http_verb == "GET"


async def test_update_replaces_text_and_blocks(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    posted = await client.chat_postMessage(channel="C0INTAKE", text="SUP-1 open", blocks=[SECTION])
    new_blocks = [
        {"type": "section", "block_id": "summary.2", "text": {"type": "mrkdwn", "text": "*SUP-1* acknowledged"}}
    ]
    updated = await client.chat_update(
        channel="C0INTAKE", ts=posted["ts"], text="SUP-1 acknowledged", blocks=new_blocks
    )
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C0INTAKE", posted["ts"], "SUP-1 acknowledged")
    stored = workspace.message("C0INTAKE", posted["ts"])
    assert stored is not None
    assert (stored.text, stored.blocks) == ("SUP-1 acknowledged", new_blocks)
    assert stored.edited is not None

    missing = await slack_error(client.chat_update(channel="C0INTAKE", ts="1600000000.000001", text="x"))
    assert missing.response["error"] == "message_not_found"


async def test_update_refuses_a_human_message(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    human = workspace.post_user_message("C0INTAKE", "U0ALICE", "customer wants a refund")
    error = await slack_error(client.chat_update(channel="C0INTAKE", ts=human.ts, text="edited"))
    assert error.response["error"] == "cant_update_message"


async def test_permalink_for_message_and_reply(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    parent = workspace.post_user_message("C0INTAKE", "U0ALICE", "refund please")
    reply = await client.chat_postMessage(channel="C0INTAKE", thread_ts=parent.ts, text="on it")

    top = await client.chat_getPermalink(channel="C0INTAKE", message_ts=parent.ts)
    assert top["permalink"] == f"https://crossdesk.slack.com/archives/C0INTAKE/p{parent.ts.replace('.', '')}"

    threaded = await client.chat_getPermalink(channel="C0INTAKE", message_ts=reply["ts"])
    assert threaded["permalink"] == (
        f"https://crossdesk.slack.com/archives/C0INTAKE/p{reply['ts'].replace('.', '')}"
        f"?thread_ts={parent.ts}&cid=C0INTAKE"
    )
    missing = await slack_error(client.chat_getPermalink(channel="C0INTAKE", message_ts="1600000000.000001"))
    assert missing.response["error"] == "message_not_found"


async def test_history_latest_inclusive_limit_one_returns_exactly_that_message(
    client: AsyncWebClient, workspace: SlackWorkspace
) -> None:
    first = workspace.post_user_message("C0INTAKE", "U0ALICE", "first")
    second = workspace.post_user_message("C0INTAKE", "U0BOB", "second")
    workspace.post_user_message("C0INTAKE", "U0ALICE", "a reply", thread_ts=second.ts)
    workspace.post_user_message("C0INTAKE", "U0ALICE", "third")

    exact = await client.conversations_history(channel="C0INTAKE", latest=second.ts, inclusive=True, limit=1)
    assert [m["ts"] for m in exact["messages"]] == [second.ts]
    assert exact["messages"][0]["reply_count"] == 1

    exclusive = await client.conversations_history(channel="C0INTAKE", latest=second.ts, limit=1)
    assert [m["ts"] for m in exclusive["messages"]] == [first.ts]

    everything = await client.conversations_history(channel="C0INTAKE")
    assert [m["text"] for m in everything["messages"]] == ["third", "second", "first"]  # newest first, no replies
    assert everything["has_more"] is False

    bounded = await client.conversations_history(channel="C0INTAKE", oldest=first.ts, latest=second.ts, inclusive=True)
    assert [m["text"] for m in bounded["messages"]] == ["second", "first"]


async def test_history_pages_with_cursor(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    for n in range(5):
        workspace.post_user_message("C0INTAKE", "U0ALICE", f"m{n}")
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        page = await client.conversations_history(channel="C0INTAKE", limit=2, cursor=cursor)
        seen += [m["text"] for m in page["messages"]]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page["has_more"]:
            break
    assert seen == ["m4", "m3", "m2", "m1", "m0"]
    bad = await slack_error(client.conversations_history(channel="C0INTAKE", cursor="not-a-cursor"))
    assert bad.response["error"] == "invalid_cursor"


async def test_replies_returns_parent_then_replies(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    parent = workspace.post_user_message("C0INTAKE", "U0ALICE", "refund please")
    first = await client.chat_postMessage(channel="C0INTAKE", thread_ts=parent.ts, text="SUP-1 opened")
    workspace.post_user_message("C0INTAKE", "U0BOB", "looking", thread_ts=parent.ts)

    thread = await client.conversations_replies(channel="C0INTAKE", ts=parent.ts)
    assert [m["text"] for m in thread["messages"]] == ["refund please", "SUP-1 opened", "looking"]
    assert thread["messages"][0]["reply_users"] == ["U0CROSSBOT", "U0BOB"]
    assert thread["messages"][1]["parent_user_id"] == "U0ALICE"

    from_a_reply = await client.conversations_replies(channel="C0INTAKE", ts=first["ts"])
    assert [m["ts"] for m in from_a_reply["messages"]] == [m["ts"] for m in thread["messages"]]

    # The parent leads whatever the window; later pages leave it out.
    window = await client.conversations_replies(
        channel="C0INTAKE", ts=parent.ts, oldest=first["ts"], latest=first["ts"], inclusive=True
    )
    assert [m["text"] for m in window["messages"]] == ["refund please", "SUP-1 opened"]
    page_one = await client.conversations_replies(channel="C0INTAKE", ts=parent.ts, limit=2)
    assert [m["text"] for m in page_one["messages"]] == ["refund please", "SUP-1 opened"]
    assert page_one["has_more"] is True
    page_two = await client.conversations_replies(
        channel="C0INTAKE", ts=parent.ts, limit=2, cursor=page_one["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in page_two["messages"]] == ["looking"]

    missing = await slack_error(client.conversations_replies(channel="C0INTAKE", ts="1600000000.000001"))
    assert missing.response["error"] == "thread_not_found"


async def test_conversations_open_is_idempotent(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    first = await client.conversations_open(users="U0BOB")
    again = await client.conversations_open(users="U0BOB")
    assert first["channel"]["id"] == again["channel"]["id"] == workspace.dm_channel_for("U0BOB")
    assert "already_open" not in first
    assert again["already_open"] is True

    info = await client.conversations_info(channel=first["channel"]["id"])
    assert info["channel"]["is_im"] is True
    assert info["channel"]["user"] == "U0BOB"

    unknown = await slack_error(client.conversations_open(users="U0NOBODY"))
    assert unknown.response["error"] == "user_not_found"


async def test_users_info_and_list(client: AsyncWebClient) -> None:
    alice = (await client.users_info(user="U0ALICE"))["user"]
    assert (alice["id"], alice["name"], alice["real_name"]) == ("U0ALICE", "alice", "Alice Wang")
    assert (alice["tz"], alice["tz_offset"], alice["is_bot"]) == ("Asia/Shanghai", 8 * 3600, False)
    assert alice["profile"]["real_name"] == "Alice Wang"
    assert alice["profile"]["display_name"] == "alice"

    bob = (await client.users_info(user="U0BOB"))["user"]
    assert bob["tz_offset"] in {3600, 7200}  # Berlin, winter or summer

    first_page = await client.users_list(limit=2)
    second_page = await client.users_list(limit=2, cursor=first_page["response_metadata"]["next_cursor"])
    ids = [u["id"] for u in first_page["members"] + second_page["members"]]
    assert ids == ["U0CROSSBOT", "U0ALICE", "U0BOB"]
    assert second_page["response_metadata"]["next_cursor"] == ""


async def test_errors_raise_slack_api_error_with_slacks_names(client: AsyncWebClient, server: SlackApiServer) -> None:
    nowhere = await slack_error(client.chat_postMessage(channel="C0NOWHERE", text="hi"))
    assert (nowhere.response["ok"], nowhere.response["error"]) == (False, "channel_not_found")
    nobody = await slack_error(client.users_info(user="U0NOBODY"))
    assert (nobody.response["ok"], nobody.response["error"]) == (False, "user_not_found")
    with pytest.warns(UserWarning, match="text"):  # slack_sdk's own nudge, before the request goes out
        empty = await slack_error(client.chat_postMessage(channel="C0INTAKE"))
    assert empty.response["error"] == "no_text"

    impostor = AsyncWebClient(token="xoxb-wrong", base_url=server.url, retry_handlers=[])
    assert (await slack_error(impostor.auth_test())).response["error"] == "invalid_auth"

    anonymous = AsyncWebClient(base_url=server.url, retry_handlers=[])
    assert (await slack_error(anonymous.auth_test())).response["error"] == "not_authed"

    unknown = await slack_error(client.api_call("tickets.frobnicate"))
    assert unknown.response.status_code == 404
    assert unknown.response["error"] == "unknown_method"
    assert server.workspace.calls_to("tickets.frobnicate")[0].status == 404


async def test_rate_limit_fault_surfaces_429_and_retry_after(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    workspace.fail_next("chat.postMessage", status=429, retry_after=7)

    error = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="too fast"))
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"
    assert workspace.messages_in("C0INTAKE") == []  # the fault struck before anything changed

    again = await client.chat_postMessage(channel="C0INTAKE", text="later")
    assert again["ok"] is True
    assert [(c.status, c.error) for c in workspace.calls_to("chat.postMessage")] == [(429, "ratelimited"), (200, None)]


async def test_rate_limit_retry_handler_retries_against_the_fake(server: SlackApiServer) -> None:
    workspace = server.workspace
    retrying = AsyncWebClient(
        token=workspace.bot_token, base_url=server.url, retry_handlers=[AsyncRateLimitErrorRetryHandler()]
    )
    workspace.fail_next("chat.postMessage", status=429, retry_after=0)
    response = await retrying.chat_postMessage(channel="C0INTAKE", text="eventually")
    assert response["ok"] is True
    assert [c.status for c in workspace.calls_to("chat.postMessage")] == [429, 200]
    assert len(workspace.messages_in("C0INTAKE")) == 1


async def test_server_error_and_error_body_faults(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    workspace.fail_next("users.info", status=500, times=2)
    workspace.fail_next("chat.update", error="ekm_access_denied")

    for _ in range(2):
        error = await slack_error(client.users_info(user="U0ALICE"))
        assert error.response.status_code == 500
    assert (await client.users_info(user="U0ALICE"))["user"]["id"] == "U0ALICE"

    refused = await slack_error(client.chat_update(channel="C0INTAKE", ts="1600000000.000001", text="x"))
    assert refused.response.status_code == 200
    assert refused.response["error"] == "ekm_access_denied"

    with pytest.raises(ValueError, match="does not implement"):
        workspace.fail_next("chat_postMessage", status=500)


async def test_delay_is_applied_to_every_call(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    workspace.sleep = record
    await client.auth_test()
    assert waits == []  # no delay set: no wait
    workspace.delay_seconds = 0.2
    await client.auth_test()
    await client.chat_postMessage(channel="C0INTAKE", text="slow")
    await slack_error(client.users_info(user="U0NOBODY"))  # an error answer waits too
    assert waits == [0.2, 0.2, 0.2]


async def test_wait_for_calls_wakes_on_a_later_call(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    async def post_soon() -> None:
        await asyncio.sleep(0)  # runs once the test is already waiting
        await client.chat_postMessage(channel="C0INTAKE", text="one")
        await client.chat_postMessage(channel="C0INTAKE", text="two")

    task = asyncio.create_task(post_soon())
    calls = await workspace.wait_for_calls("chat.postMessage", count=2, timeout=5.0)
    await task
    assert [c.args["text"] for c in calls] == ["one", "two"]


async def test_wait_for_calls_timeout_lists_what_was_called(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    await client.auth_test()
    await slack_error(client.users_info(user="U0NOBODY"))
    with pytest.raises(AssertionError) as raised:
        await workspace.wait_for_calls("chat.postMessage", count=1, timeout=0.1)
    message = str(raised.value)
    assert "expected 1 call(s) to chat.postMessage within 0.1s, got 0" in message
    assert "auth.test" in message
    assert "users.info (user_not_found)" in message


async def test_views_publish_open_update_and_push(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    home = {"type": "home", "blocks": [SECTION]}
    published = await client.views_publish(user_id="U0ALICE", view=home)
    republished = await client.views_publish(user_id="U0ALICE", view=home)
    assert published["view"]["id"] == republished["view"]["id"]
    assert workspace.home_view("U0ALICE") == republished["view"]

    modal = {
        "type": "modal",
        "callback_id": "new_ticket",
        "title": {"type": "plain_text", "text": "New ticket"},
        "submit": {"type": "plain_text", "text": "Open"},
        "blocks": [INPUT],
    }
    opened = (await client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=modal))["view"]
    assert (opened["type"], opened["callback_id"], opened["root_view_id"]) == ("modal", "new_ticket", opened["id"])
    pushed = (await client.views_push(trigger_id=workspace.new_trigger_id("U0ALICE"), view=modal))["view"]
    assert pushed["previous_view_id"] == opened["id"]
    assert [v["id"] for v in workspace.modal_stack("U0ALICE")] == [opened["id"], pushed["id"]]

    updated = await client.views_update(view_id=opened["id"], hash=opened["hash"], view={**modal, "callback_id": "v2"})
    assert updated["view"]["callback_id"] == "v2"
    stale = await slack_error(client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal))
    assert stale.response["error"] == "hash_conflict"

    too_long = {**modal, "title": {"type": "plain_text", "text": "A title far longer than Slack allows"}}
    rejected = await slack_error(client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=too_long))
    assert rejected.response["error"] == "invalid_arguments"
    assert "/view/title/text" in rejected.response["response_metadata"]["messages"][0]


async def test_reactions_and_delete(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    posted = await client.chat_postMessage(channel="C0INTAKE", text="SUP-1")
    await client.reactions_add(channel="C0INTAKE", timestamp=posted["ts"], name="eyes")
    twice = await slack_error(client.reactions_add(channel="C0INTAKE", timestamp=posted["ts"], name="eyes"))
    assert twice.response["error"] == "already_reacted"
    history = await client.conversations_history(channel="C0INTAKE")
    assert history["messages"][0]["reactions"] == [{"name": "eyes", "users": ["U0CROSSBOT"], "count": 1}]

    deleted = await client.chat_delete(channel="C0INTAKE", ts=posted["ts"])
    assert deleted["ts"] == posted["ts"]
    assert workspace.messages_in("C0INTAKE") == []


async def test_ephemeral_message_is_kept_out_of_history(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    response = await client.chat_postEphemeral(channel="C0INTAKE", user="U0ALICE", text="only you can see this")
    assert response["message_ts"]
    assert [(m.visible_to, m.text) for m in workspace.ephemeral_messages] == [("U0ALICE", "only you can see this")]
    assert (await client.conversations_history(channel="C0INTAKE"))["messages"] == []


async def test_files_upload_v2_goes_through_the_upload_url(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    response = await client.files_upload_v2(
        channel="C0INTAKE", content="key,status\nSUP-1,open\n", filename="tickets.csv", title="Tickets"
    )
    file_id = response["file"]["id"]
    assert response["file"]["title"] == "Tickets"
    assert workspace.files[file_id].content == b"key,status\nSUP-1,open\n"
    [message] = workspace.messages_in("C0INTAKE")
    assert message.files is not None
    assert message.files[0]["id"] == file_id


async def test_socket_mode_connection_url_needs_the_app_token(server: SlackApiServer, client: AsyncWebClient) -> None:
    app_client = AsyncWebClient(base_url=server.url, retry_handlers=[])
    opened = await app_client.apps_connections_open(app_token=server.workspace.app_token)
    assert opened["url"].startswith(f"ws://127.0.0.1:{server.port}/socket")

    wrong = await slack_error(client.apps_connections_open(app_token=server.workspace.bot_token))
    assert wrong.response["error"] == "not_allowed_token_type"


# -- what Slack refuses ------------------------------------------------------------------------------------------

BUTTON = {"type": "button", "action_id": "ack", "text": {"type": "plain_text", "text": "Acknowledge"}, "value": "SUP-1"}


def messages_of(error: SlackApiError) -> list[str]:
    return list(error.response["response_metadata"]["messages"])


async def test_blocks_are_checked_with_slack_sdks_models(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    too_long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    refused = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[SECTION, too_long]))
    assert refused.response["error"] == "invalid_blocks"
    assert messages_of(refused) == ["[ERROR] text attribute cannot exceed 3000 characters [json-pointer:/blocks/1]"]

    wide_button = {"type": "actions", "elements": [{**BUTTON, "text": {"type": "plain_text", "text": "y" * 76}}]}
    refused = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[wide_button]))
    assert messages_of(refused) == ["[ERROR] text attribute cannot exceed 75 characters [json-pointer:/blocks/0]"]
    assert workspace.messages_in("C0INTAKE") == []  # nothing posted


async def test_what_slack_sdks_models_let_through_is_refused_too(client: AsyncWebClient) -> None:
    """The models skip unknown types and fields, read a string as mrkdwn and drop empty texts; Slack refuses all."""
    cases = {
        "[ERROR] unsupported type: frobnicate [json-pointer:/blocks/0/type]": {"type": "frobnicate"},
        "[ERROR] unsupported type: dropdown [json-pointer:/blocks/0/elements/0]": {
            "type": "actions",
            "elements": [{"type": "dropdown", "action_id": "x"}],
        },
        "[ERROR] unknown field: acessory [json-pointer:/blocks/0/acessory]": {**SECTION, "acessory": BUTTON},
        "[ERROR] must be an object, not a string [json-pointer:/blocks/0/text]": {"type": "section", "text": "hi"},
        "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]": {
            "type": "section",
            "text": {"type": "mrkdwn", "text": ""},
        },
        "[ERROR] missing required field: label, element [json-pointer:/blocks/0]": {"type": "input"},
    }
    for expected, block in cases.items():
        refused = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[block]))
        assert (refused.response["error"], messages_of(refused)) == ("invalid_blocks", [expected])


async def test_ids_must_be_unique_block_ids_per_message_action_ids_per_block(client: AsyncWebClient) -> None:
    twice = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[SECTION, SECTION]))
    assert messages_of(twice) == ["[ERROR] duplicate block_id 'summary' [json-pointer:/blocks/1/block_id]"]

    same_action = {"type": "actions", "block_id": "buttons", "elements": [BUTTON, {**BUTTON, "value": "SUP-2"}]}
    refused = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[same_action]))
    assert refused.response["error"] == "invalid_blocks"
    assert messages_of(refused) == ["[ERROR] duplicate action_id 'ack' [json-pointer:/blocks/0/elements/1/action_id]"]

    # The same action_id in two blocks is fine (a button per ticket in a list, say).
    one, two = ({"type": "actions", "block_id": f"b{n}", "elements": [BUTTON]} for n in (1, 2))
    assert (await client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[one, two]))["ok"] is True


async def test_option_counts_are_checked(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    def options(count: int) -> list[dict[str, object]]:
        return [{"text": {"type": "plain_text", "text": f"o{n}"}, "value": f"o{n}"} for n in range(count)]

    def modal(element: dict[str, object]) -> dict[str, object]:
        block = {"type": "input", "block_id": "pick", "label": {"type": "plain_text", "text": "Pick"}}
        return {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Pick"},
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": [{**block, "element": {"action_id": "value", **element}}],
        }

    eleven = modal({"type": "checkboxes", "options": options(11)})
    refused = await slack_error(client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=eleven))
    assert refused.response["error"] == "invalid_arguments"
    assert messages_of(refused) == [
        "[ERROR] no more than 10 items allowed [json-pointer:/view/blocks/0/element/options]"
    ]
    a_hundred_and_one = modal({"type": "static_select", "options": options(101)})
    refused = await slack_error(
        client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=a_hundred_and_one)
    )
    assert messages_of(refused) == [
        "[ERROR] options attribute cannot exceed 100 elements [json-pointer:/view/blocks/0]"
    ]
    ten = modal({"type": "checkboxes", "options": options(10)})
    assert (await client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=ten))["ok"] is True


async def test_a_too_long_message_text_is_refused(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    refused = await slack_error(client.chat_postMessage(channel="C0INTAKE", text="x" * 40_001))
    assert refused.response["error"] == "msg_too_long"
    posted = await client.chat_postMessage(channel="C0INTAKE", text="x" * 40_000)
    edited = await slack_error(client.chat_update(channel="C0INTAKE", ts=posted["ts"], text="y" * 40_001))
    assert edited.response["error"] == "msg_too_long"


async def test_the_bot_posts_and_reads_only_where_it_was_invited(
    client: AsyncWebClient, workspace: SlackWorkspace
) -> None:
    workspace.add_channel("C0SALES", "sales", members=["U0ALICE"])
    workspace.add_channel("G0LEGAL", "legal", members=["U0ALICE"])
    workspace.post_user_message("C0SALES", "U0ALICE", "ACME wants a call")
    refusals = [
        client.chat_postMessage(channel="C0SALES", text="SUP-1"),
        client.chat_postMessage(channel="#sales", text="SUP-1"),
        client.chat_postEphemeral(channel="C0SALES", user="U0ALICE", text="only you"),
        client.conversations_history(channel="C0SALES"),
    ]
    for call in refusals:
        assert (await slack_error(call)).response["error"] == "not_in_channel"
    # A private channel the bot is not in does not exist for it.
    legal = await slack_error(client.chat_postMessage(channel="G0LEGAL", text="SUP-1"))
    assert legal.response["error"] == "channel_not_found"
    assert (await client.conversations_info(channel="C0SALES"))["channel"]["is_member"] is False

    workspace.invite_bot("C0SALES")
    assert (await client.chat_postMessage(channel="C0SALES", text="SUP-1"))["ok"] is True
    assert (await client.conversations_info(channel="C0SALES"))["channel"]["is_member"] is True
    # The person must be in the channel too for an ephemeral message; a DM needs no invitation.
    stranger = await slack_error(client.chat_postEphemeral(channel="C0SALES", user="U0BOB", text="only you"))
    assert stranger.response["error"] == "user_not_in_channel"
    dm = (await client.conversations_open(users="U0BOB"))["channel"]["id"]
    assert (await client.chat_postMessage(channel=dm, text="You own SUP-1"))["ok"] is True


async def test_blocks_and_elements_without_ids_get_one_as_slack_gives_them(
    client: AsyncWebClient, workspace: SlackWorkspace
) -> None:
    plain = {"type": "section", "text": {"type": "mrkdwn", "text": "no id"}, "accessory": {**BUTTON, "action_id": None}}
    del plain["accessory"]["action_id"]
    sent = [SECTION, plain, {"type": "actions", "elements": [BUTTON]}]
    posted = await client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=sent)
    shown = posted["message"]["blocks"]
    block_ids = [b["block_id"] for b in shown]
    assert block_ids[0] == "summary" and all(block_ids) and len(set(block_ids)) == 3
    assert shown[1]["accessory"]["action_id"] and shown[2]["elements"][0]["action_id"] == "ack"
    stored = workspace.message("C0INTAKE", posted["ts"])
    assert stored is not None and stored.blocks == shown
    assert workspace.calls_to("chat.postMessage")[0].blocks == sent  # the record keeps what the bot sent

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "New"}, "blocks": [{**SECTION, "block_id": None}]}
    del modal["blocks"][0]["block_id"]  # type: ignore[index]
    opened = await client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=modal)
    assert opened["view"]["blocks"][0]["block_id"]


async def test_views_are_checked_with_slack_sdks_models(client: AsyncWebClient, workspace: SlackWorkspace) -> None:
    bad_input = {"type": "input", "block_id": "x", "label": {"type": "plain_text", "text": "?"}, "element": {}}
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "New"},
        "submit": {"type": "plain_text", "text": "Open"},
        "blocks": [bad_input],
    }
    refused = await slack_error(client.views_open(trigger_id=workspace.new_trigger_id("U0ALICE"), view=modal))
    assert refused.response["error"] == "invalid_arguments"
    assert messages_of(refused) == ["[ERROR] must not be empty [json-pointer:/view/blocks/0/element]"]

    home = {"type": "home", "blocks": [SECTION], "submit": {"type": "plain_text", "text": "Save"}}
    refused = await slack_error(client.views_publish(user_id="U0ALICE", view=home))
    assert messages_of(refused) == ["[ERROR] home view cannot have submit and close [json-pointer:/view]"]
    assert workspace.home_view("U0ALICE") is None


async def test_a_trigger_opens_one_view_within_three_seconds() -> None:
    """Slack's views.open/push errors: expired_trigger_id (3 s, on the fake's clock), exchanged_trigger_id (used
    before), invalid_trigger_id (not a trigger at all)."""
    clock = ManualClock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    workspace = SlackWorkspace(clock=clock)
    workspace.add_user("U0ALICE", "alice")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "New"}, "blocks": [SECTION]}
    async with SlackApiServer(workspace) as server:
        client = AsyncWebClient(token=workspace.bot_token, base_url=server.url, retry_handlers=[])
        on_time = workspace.new_trigger_id("U0ALICE")
        clock.advance(timedelta(seconds=3))
        opened = await client.views_open(trigger_id=on_time, view=modal)
        assert workspace.modal_stack("U0ALICE") == [opened["view"]]
        again = await slack_error(client.views_push(trigger_id=on_time, view=modal))
        assert again.response["error"] == "exchanged_trigger_id"

        late = workspace.new_trigger_id("U0ALICE")
        clock.advance(timedelta(seconds=3, milliseconds=1))
        expired = await slack_error(client.views_open(trigger_id=late, view=modal))
        assert expired.response["error"] == "expired_trigger_id"
        made_up = await slack_error(client.views_open(trigger_id="not-a-trigger", view=modal))
        assert made_up.response["error"] == "invalid_trigger_id"
        # A view Slack refuses does not use the trigger up.
        fresh = workspace.new_trigger_id("U0ALICE")
        await slack_error(client.views_open(trigger_id=fresh, view={**modal, "blocks": [{"type": "frobnicate"}]}))
        assert (await client.views_open(trigger_id=fresh, view=modal))["ok"] is True
        assert [c.ok for c in workspace.calls_to("views.open")] == [True, False, False, False, True]


async def test_every_refusal_is_recorded_and_told_apart_from_injected_faults(
    client: AsyncWebClient, workspace: SlackWorkspace
) -> None:
    workspace.fail_next("chat.postMessage", error="ekm_access_denied")
    await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1"))
    await slack_error(client.chat_postMessage(channel="C0INTAKE", text="SUP-1", blocks=[{"type": "frobnicate"}]))
    await slack_error(client.chat_postMessage(channel="C0NOWHERE", text="SUP-1"))
    [injected, *_] = workspace.calls_to("chat.postMessage")
    assert injected.injected and injected.error == "ekm_access_denied"
    rejected = workspace.rejected_calls()
    assert [(c.method, c.error) for c in rejected] == [
        ("chat.postMessage", "invalid_blocks"),
        ("chat.postMessage", "channel_not_found"),
    ]
    assert rejected[0].response["response_metadata"]["messages"] == [
        "[ERROR] unsupported type: frobnicate [json-pointer:/blocks/0/type]"
    ]
    assert rejected[0].blocks == [{"type": "frobnicate"}]  # what was sent, for the test to show
