"""The Slack Web API client and what we learn from ``auth.test`` (workspace URL, bot ids).

One aiohttp session is shared by every call: slack_sdk would otherwise open a new session, and a new
connection, per call. Every call is timed one way, by :class:`TimedWebClient` — the calls made while Slack waits
for an answer included, through :meth:`TimedWebClient.for_request`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

log = logging.getLogger(__name__)


# Seconds any Slack call may take at most, on the session every client of the process shares (the outbox counts on
# it: a sender that stopped beating has no call still under way after this).
SLACK_CALL_TIMEOUT = 10
# Slack's answers when the bot token stopped working while the bot runs (revoked, the app uninstalled, the bot's
# account or the workspace deactivated): every call fails the same way until Slack takes a token again.
DEAD_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})
# Slack errors that mean "try again later" rather than "this call can never succeed".
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class TokenHealth:
    """Whether Slack still takes the bot token, shared by the outbox sender, the profile look-ups and ``/healthz``.

    Whoever sees the token rejected says so with :meth:`rejected`; sending then pauses (messages stay queued)
    instead of failing message after message, and the sender asks Slack again every ``recheck_every``
    (:meth:`recheck_due`) until :meth:`accepted`.
    """

    def __init__(self, recheck_every: timedelta = timedelta(seconds=30)) -> None:
        self.recheck_every = recheck_every
        self.error: str | None = None  # Slack's error code while the token is rejected
        self._next_check: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def rejected(self, error: str, now: datetime) -> bool:
        """Record that Slack rejected the token; ``True`` only when it had been taken until now (log it once)."""
        first = self.error is None
        self.error = error
        if first:
            self._next_check = now + self.recheck_every
        return first

    def recheck_due(self, now: datetime) -> bool:
        """Whether to ask Slack about a rejected token now; each ``True`` puts the next check ``recheck_every`` on."""
        if self.error is None or (self._next_check is not None and now < self._next_check):
            return False
        self._next_check = now + self.recheck_every
        return True

    def accepted(self) -> bool:
        """Record that Slack took the token; ``True`` when it had been rejected until now."""
        was_rejected = self.error is not None
        self.error = self._next_check = None
        return was_rejected

    def problem(self) -> str | None:
        """What ``/healthz`` and the log say while the token is rejected."""
        if self.error is None:
            return None
        return f"Slack rejects SLACK_BOT_TOKEN ({self.error}): sending is paused, messages stay queued"


def retry_after_seconds(headers: Any) -> int:
    """Seconds a 429's ``Retry-After`` header asks for (at least 1; 1 when it is missing or unreadable)."""
    raw = None
    if headers:
        for name, value in dict(headers).items():
            if str(name).lower() == "retry-after":
                raw = value[0] if isinstance(value, list) else value
    try:
        return max(1, int(str(raw)))
    except (TypeError, ValueError):
        return 1


class SlackUnavailable(RuntimeError):
    """Slack could not be asked something the request needs; the request should be retried later."""


class TimedWebClient(AsyncWebClient):
    """An ``AsyncWebClient`` that reports how long each Web API call took, by method, to ``on_call``.

    Every method of the client (``chat_postMessage``, ``users_info``, …) goes through ``api_call``, so timing it
    here times them all at the cost of a clock read. Timing with aiohttp's request tracing instead cost 0.06–0.12
    ms of CPU per call on the bench machine (aiohttp then makes and awaits a trace object per step of every
    request) — about 7 % of the CPU of a new ticket, which makes three calls (see docs/benchmarks.md).


    With ``deadline`` each call (retries included) gives up with ``TimeoutError`` after that many seconds:
    slack_sdk ignores its own ``timeout`` on a session it was given, and the session is shared with calls that
    may take longer, so the calls made while Slack waits for an answer are bounded here.
    """

    def __init__(self, *, on_call: Callable[[str, float], None], deadline: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_call = on_call
        self._deadline = deadline

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        started = time.perf_counter()
        try:
            if self._deadline is None:
                return await super().api_call(api_method, **kwargs)
            async with asyncio.timeout(self._deadline):
                return await super().api_call(api_method, **kwargs)
        finally:
            self._on_call(api_method, time.perf_counter() - started)

    def for_request(self, token: str | None, team_id: str | None) -> TimedWebClient:
        """A copy for one request, made as Bolt makes its own per-request client (``AsyncApp._init_context``) but
        timed: Bolt's is a plain ``AsyncWebClient``, so the calls a listener makes through it would go untimed."""
        return TimedWebClient(
            on_call=self._on_call,
            deadline=self._deadline,
            token=token,
            base_url=self.base_url,
            timeout=self.timeout,
            ssl=self.ssl,
            proxy=self.proxy,
            session=self.session,
            trust_env_in_session=self.trust_env_in_session,
            headers=self.headers,
            team_id=team_id,
            logger=self.logger,
            retry_handlers=self.retry_handlers.copy(),
        )


def make_client(
    token: str,
    base_url: str,
    session: aiohttp.ClientSession,
    *,
    timeout: int = 10,
    retry_handlers: list[AsyncRetryHandler] | None = None,
    on_call: Callable[[str, float], None] | None = None,
    deadline: float | None = None,
) -> AsyncWebClient:
    """An ``AsyncWebClient`` for ``base_url`` (``SLACK_API_URL``) on the shared ``session``.

    ``retry_handlers=None`` keeps slack_sdk's default (one retry on a dropped connection); the outbox
    passes ``[]`` because it schedules its own retries in the database instead of sleeping in a call.
    With ``on_call`` each call's method and duration go there, and ``deadline`` bounds each call
    (:class:`TimedWebClient`).
    """
    client = (
        AsyncWebClient(token=token, base_url=base_url, session=session, timeout=timeout)
        if on_call is None
        else TimedWebClient(
            on_call=on_call, deadline=deadline, token=token, base_url=base_url, session=session, timeout=timeout
        )
    )
    if retry_handlers is not None:
        client.retry_handlers = retry_handlers
    return client


@dataclass
class SlackIdentity:
    """Who the bot is in the workspace, from ``auth.test``; the URL lets us build permalinks ourselves."""

    url: str | None = None
    team_id: str | None = None
    bot_user_id: str | None = None
    bot_id: str | None = None

    @property
    def known(self) -> bool:
        return self.url is not None

    async def load(self, client: AsyncWebClient) -> bool:
        """Fill in from ``auth.test``; ``False`` (and a log line) when Slack cannot be reached now."""
        try:
            await self.check(client)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as error:
            log.warning("auth.test failed, will retry later: %s", type(error).__name__)
            return False
        return True

    async def check(self, client: AsyncWebClient) -> None:
        """``auth.test``, raising what it raises; fills in the identity when it succeeds."""
        response = await client.auth_test()
        self.url = str(response.get("url") or "") or None
        self.team_id = response.get("team_id")
        self.bot_user_id = response.get("user_id")
        self.bot_id = response.get("bot_id")
