"""Deliver what happens in the sandbox to the bot as Slack does: signed HTTP POSTs to its request URL."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot.sandbox import slack_requests

log = logging.getLogger(__name__)

# Slack gives up on an answer after 3 seconds; the sandbox is patient (a laptop may be slow), but not forever.
DELIVERY_TIMEOUT = 15.0


@dataclass(frozen=True)
class Answer:
    """The bot's HTTP answer: its status and its JSON body (``{}`` when empty or not JSON)."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Delivery:
    """Signs and posts events, slash commands and interactions to one request URL (``…/slack/events``)."""

    def __init__(self, request_url: str, signing_secret: str) -> None:
        self.request_url = request_url
        self._secret = signing_secret
        self._http = httpx.AsyncClient(timeout=DELIVERY_TIMEOUT)

    async def event(self, payload: dict[str, Any]) -> Answer:
        """An Events API callback (``event_callback``), JSON as Slack sends it."""
        return await self._post(json.dumps(payload), "application/json")

    async def command(self, body: str) -> Answer:
        """A slash command's form-encoded fields."""
        return await self._post(body, "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> Answer:
        """``block_actions``, ``view_submission``, ``view_closed`` or ``message_action``."""
        return await self._post(slack_requests.form_body(payload), "application/x-www-form-urlencoded")

    async def form(self, body: str) -> Answer:
        """A ready form-encoded interaction (from one of the ``slack_requests`` builders)."""
        return await self._post(body, "application/x-www-form-urlencoded")

    async def _post(self, body: str, content_type: str) -> Answer:
        raw = body.encode()
        headers = {"Content-Type": content_type, **slack_requests.sign(raw, self._secret)}
        try:
            response = await self._http.post(self.request_url, content=raw, headers=headers)
        except httpx.HTTPError as error:
            log.warning("could not deliver to the bot at %s: %s", self.request_url, type(error).__name__)
            return Answer(status=599, body={})
        try:
            parsed = response.json() if response.content else {}
        except ValueError:
            parsed = {}
        if not response.is_success:
            log.warning("the bot answered %s to a %s delivery", response.status_code, content_type)
        return Answer(status=response.status_code, body=parsed if isinstance(parsed, dict) else {})

    async def close(self) -> None:
        await self._http.aclose()
