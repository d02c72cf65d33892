"""``response_url`` as Slack honours it: ephemeral by default, in_channel, replace/delete the original, five uses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from bot.sandbox.fake_slack.workspace import SlackWorkspace
from bot.sandbox.response_urls import ResponseUrls


@pytest.fixture
async def urls() -> AsyncIterator[ResponseUrls]:
    workspace = SlackWorkspace()
    workspace.add_user("U0ALICE", "alice")
    workspace.add_user("U0BOB", "bob")
    workspace.add_channel("C0INTAKE", "intake", members=["U0ALICE", "U0BOB"])
    urls = ResponseUrls(workspace)
    app = web.Application()
    urls.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    urls.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield urls
    await runner.cleanup()


async def test_an_answer_is_ephemeral_to_the_person_unless_in_channel(urls: ResponseUrls) -> None:
    workspace = urls.workspace
    url = urls.issue(channel="C0INTAKE", user="U0ALICE")
    async with httpx.AsyncClient() as http:
        quiet = await http.post(url, json={"text": "only you"})
        loud = await http.post(url, json={"text": "everyone", "response_type": "in_channel"})
    assert quiet.json() == {"ok": True} and loud.json() == {"ok": True}
    assert [(m.text, m.visible_to) for m in workspace.ephemeral_messages] == [("only you", "U0ALICE")]
    assert [m.text for m in workspace.messages_in("C0INTAKE")] == ["everyone"]


async def test_replace_and_delete_the_clicked_message(urls: ResponseUrls) -> None:
    workspace = urls.workspace
    first = workspace.post_user_message("C0INTAKE", "U0BOB", "the original")
    url = urls.issue(channel="C0INTAKE", user="U0ALICE", message_ts=first.ts)
    async with httpx.AsyncClient() as http:
        await http.post(url, json={"text": "replaced", "replace_original": True})
        assert [m.text for m in workspace.messages_in("C0INTAKE")] == ["replaced"]
        await http.post(url, json={"delete_original": True})
    assert workspace.messages_in("C0INTAKE") == []


async def test_unknown_used_up_and_empty_answers_are_refused(urls: ResponseUrls) -> None:
    url = urls.issue(channel="C0INTAKE", user="U0ALICE")
    async with httpx.AsyncClient() as http:
        unknown = await http.post(url.rsplit("/", 1)[0] + "/nope", json={"text": "x"})
        empty = await http.post(url, json={"response_type": "in_channel"})
        answers = [await http.post(url, json={"text": f"{n}"}) for n in range(6)]
    assert unknown.status_code == 404 and unknown.json()["error"] == "expired_url"
    assert empty.status_code == 400 and empty.json()["error"] == "no_text"
    assert [a.status_code for a in answers] == [200] * 5 + [404]
    assert answers[-1].json()["error"] == "used_url"
    assert len(urls.workspace.ephemeral_messages) == 5
