"""What the daily digest's post queues, in order, as outbox calls committed together with the day's claim.

Without shared goals: the digest's message, its 7-day chart after it, and in its thread the hand-off map (when
anything crossed between departments) and the departments that did not fit. With goals the digest leads with them:
a short message (three lines, ``bot/surfaces/scorecard_views.py``) and the scorecard picture after it; every part of
the digest as it was, its chart and the hand-off map follow in the thread, for whoever wants the detail.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from bot.surfaces.cards import Block
from bot.surfaces.digest_views import header_text
from bot.surfaces.ids import OutboxPurpose
from storage import outbox

UPLOAD_METHOD = "files_upload_v2"  # not a Web API method: the sender runs slack_sdk's three-step upload for it


@dataclass(frozen=True)
class Picture:
    filename: str
    title: str
    png: bytes


@dataclass(frozen=True)
class Lead:
    """The message that leads a digest with goals, and the scorecard picture under it."""

    blocks: list[Block]
    text: str
    scorecard: Picture


def upload(channel: str, picture: Picture, purpose: OutboxPurpose, after: outbox.Call | None) -> outbox.Call:
    payload = {
        "channel": channel,
        "filename": picture.filename,
        "title": picture.title,
        "content_b64": base64.b64encode(picture.png).decode("ascii"),
    }
    return outbox.Call(UPLOAD_METHOD, payload, purpose.value, after=after)


def _reply(channel: str, blocks: list[Block], after: outbox.Call) -> outbox.Call:
    payload = {"channel": channel, "text": header_text(blocks), "blocks": blocks, "unfurl_links": False}
    return outbox.Call("chat.postMessage", payload, OutboxPurpose.THREAD_REPLY.value, after=after)


def digest_calls(
    channel: str,
    parts: list[list[Block]],
    fallback: str,
    chart: Picture,
    handoffs: Picture | None,
    lead: Lead | None,
) -> list[outbox.Call]:
    """The calls of one daily post: ``parts`` are the digest's messages (the first, then its continuations)."""
    thread = OutboxPurpose.THREAD_REPLY
    if lead is None:
        first, *rest = parts
        message = outbox.Call(
            "chat.postMessage",
            {"channel": channel, "text": fallback, "blocks": first, "unfurl_links": False},
            OutboxPurpose.NOTICE.value,
        )
        calls = [message, upload(channel, chart, OutboxPurpose.NOTICE, message)]
        if handoffs is not None:  # the map, in the message's thread (the digest text says it is there)
            calls.append(upload(channel, handoffs, thread, message))
        return calls + [_reply(channel, blocks, message) for blocks in rest]
    message = outbox.Call(
        "chat.postMessage",
        {"channel": channel, "text": lead.text, "blocks": lead.blocks, "unfurl_links": False},
        OutboxPurpose.NOTICE.value,
    )
    calls = [message, upload(channel, lead.scorecard, OutboxPurpose.NOTICE, message)]
    calls += [_reply(channel, blocks, message) for blocks in parts]
    calls.append(upload(channel, chart, thread, message))
    if handoffs is not None:
        calls.append(upload(channel, handoffs, thread, message))
    return calls
