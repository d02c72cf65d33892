"""``eventually()``: poll a condition until it holds or a deadline passes — the one way tests, the sandbox's test
support and the benchmarks wait for work the bot does in the background (outbox sends, health, DMs arriving).

Where the fake Slack can say when something happened (``SlackWorkspace.wait_for_calls``) it wakes its waiters
itself; ``eventually`` is for everything it cannot see: the database, another process, an HTTP endpoint.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


class NotYet(AssertionError):
    """The condition still did not hold at the deadline. An ``AssertionError``, so a test fails with the message;
    the benchmarks catch it where running out of patience is an answer, not a failure."""


@overload
async def eventually(
    check: Callable[[], Awaitable[T]],
    *,
    timeout: float = ...,  # noqa: ASYNC109
    interval: float = ...,
    failure: str | Callable[[], str] | None = ...,
) -> T: ...


@overload
async def eventually(
    check: Callable[[], T],
    *,
    timeout: float = ...,  # noqa: ASYNC109
    interval: float = ...,
    failure: str | Callable[[], str] | None = ...,
) -> T: ...


async def eventually(
    check: Callable[[], Any],
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - a helper whose whole job is a deadline
    interval: float = 0.02,
    failure: str | Callable[[], str] | None = None,
) -> Any:
    """Call ``check`` (sync or async) every ``interval`` seconds until it returns something truthy, and return that.

    It is called at least once, and once more after the deadline, so a slow machine does not fail a condition that
    held by then. Past ``timeout`` it raises :class:`NotYet` with ``failure`` (a text, or a function making one
    from the state at that moment). Exceptions from ``check`` propagate at once: a crashed process is no reason
    to keep waiting.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        past_deadline = loop.time() >= deadline
        result = check()
        found = await result if inspect.isawaitable(result) else result
        if found:
            return found
        if past_deadline:
            message = failure() if callable(failure) else failure
            raise NotYet(message or f"the condition did not hold within {timeout}s")
        await asyncio.sleep(min(interval, max(deadline - loop.time(), 0.0)))


def eventually_blocking(
    check: Callable[[], T],
    *,
    timeout: float = 10.0,
    interval: float = 0.02,
    failure: str | Callable[[], str] | None = None,
) -> T:
    """:func:`eventually` for code with no event loop: a benchmark driving processes, a test of a thread or of a
    child process. Same rules — called at least once and once more after the deadline, :class:`NotYet` past it,
    exceptions from ``check`` at once — so the two never disagree about what waiting means."""
    deadline = time.monotonic() + timeout
    while True:
        past_deadline = time.monotonic() >= deadline
        found = check()
        if found:
            return found
        if past_deadline:
            message = failure() if callable(failure) else failure
            raise NotYet(message or f"the condition did not hold within {timeout}s")
        time.sleep(min(interval, max(deadline - time.monotonic(), 0.0)))
