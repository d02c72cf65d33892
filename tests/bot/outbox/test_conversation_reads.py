"""The reads behind the look before a re-post (``bot.outbox.slack_calls.ConversationReads``): one read of a
conversation answers every window it covers, a read up to "now" answers no later question, and a read that failed
leaves nothing behind (no read, no lock) so the next look reads again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.slack_calls import OUTBOX_EVENT_TYPE, ConversationReads

START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


class History:
    """Stands in for the Web API client: ``conversations.history`` answers one page of outbox posts, or fails."""

    def __init__(self, posts: dict[int, str]) -> None:
        self.posts = posts
        self.calls: list[dict[str, Any]] = []
        self.failing = False

    async def conversations_history(self, **args: Any) -> dict[str, Any]:
        self.calls.append(args)
        if self.failing:
            raise TimeoutError("Slack did not answer")
        messages = [
            {"ts": ts, "metadata": {"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": outbox_id}}}
            for outbox_id, ts in self.posts.items()
        ]
        return {"ok": True, "messages": messages, "response_metadata": {"next_cursor": ""}}


def client_of(history: History) -> AsyncWebClient:
    return cast(AsyncWebClient, history)


async def test_one_read_answers_every_window_it_covers() -> None:
    history = History({7: "1796000000.000100"})
    reads = ConversationReads()
    wide = await reads.find(client_of(history), "C0SUPPORT", None, START, START + timedelta(minutes=5))
    narrow = await reads.find(
        client_of(history), "C0SUPPORT", None, START + timedelta(minutes=1), START + timedelta(minutes=2)
    )
    assert narrow is wide and wide.posts == {7: "1796000000.000100"}
    assert len(history.calls) == 1
    assert history.calls[0]["include_all_metadata"] is True and "latest" in history.calls[0]

    later = await reads.find(client_of(history), "C0SUPPORT", None, START, START + timedelta(minutes=6))
    assert later is not wide and len(history.calls) == 2  # past the first read's window: read again


async def test_a_read_up_to_now_answers_no_later_question() -> None:
    history = History({})
    reads = ConversationReads()
    await reads.find(client_of(history), "C0SUPPORT", None, START, None)
    await reads.find(client_of(history), "C0SUPPORT", None, START, None)
    assert len(history.calls) == 2 and all("latest" not in call for call in history.calls)


async def test_a_failed_read_leaves_nothing_behind() -> None:
    history = History({3: "1796000000.000200"})
    history.failing = True
    reads = ConversationReads()
    window = (START, START + timedelta(minutes=5))
    with pytest.raises(TimeoutError):
        await reads.find(client_of(history), "C0GONE", None, *window)
    assert reads._locks == {} and not reads._reads  # nothing kept for a conversation that could not be read

    history.failing = False
    found = await reads.find(client_of(history), "C0GONE", None, *window)
    assert found.posts == {3: "1796000000.000200"} and len(history.calls) == 2
