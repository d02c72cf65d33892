"""The fake Slack's record of the Web API calls it answered, the listeners told of each change, and waiting
(event-driven, not polling) until a call, a socket or an acknowledgement arrives."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from bot.sandbox.fake_slack.models import RecordedCall

T = TypeVar("T")


class CallRecord:
    """What ``SlackWorkspace`` records and how it wakes whoever waits on it."""

    record_calls: bool

    def _init_calls(self) -> None:
        self.calls: list[RecordedCall] = []
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._listeners: list[Callable[[str], None]] = []

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Every recorded call of ``method``, failed ones included, oldest first."""
        return [call for call in self.calls if call.method == method]

    def rejected_calls(self) -> list[RecordedCall]:
        """Every call the fake refused on its own judgement (bad blocks, no such channel, an expired trigger…),
        not the faults ``fail_next`` injected: what Slack would have refused too."""
        return [call for call in self.calls if not call.ok and not call.injected]

    def clear_calls(self) -> None:
        self.calls.clear()

    # -- waiting -------------------------------------------------------------------------------------------

    # A test helper whose whole job is a deadline, so it takes ``timeout`` rather than asking callers for one.
    async def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:  # noqa: ASYNC109
        """Wait until ``method`` was called at least ``count`` times (failed calls count); return all its calls."""

        def enough() -> list[RecordedCall] | None:
            calls = self.calls_to(method)
            return calls if len(calls) >= count else None

        return await self._wait_for(enough, timeout, lambda: self._describe_missing_calls(method, count, timeout))

    def _describe_missing_calls(self, method: str, count: int, timeout: float) -> str:
        got = len(self.calls_to(method))
        if self.calls:
            recorded = ", ".join(call.method if call.ok else f"{call.method} ({call.error})" for call in self.calls)
        else:
            recorded = "none"
        return f"expected {count} call(s) to {method} within {timeout}s, got {got}; calls recorded: {recorded}"

    def _record(self, call: RecordedCall) -> None:
        if self.record_calls:
            self.calls.append(call)
        self._notify_waiters()
        if call.ok:
            self.changed(call.method)

    # -- listeners (the browser sandbox redraws when the workspace changes) ---------------------------------

    def add_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(what)`` after every change: a successful Web API call (its method) or ``changed()``."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[str], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def changed(self, what: str) -> None:
        """Tell the listeners that ``what`` changed (people's messages and reactions come through here)."""
        for listener in list(self._listeners):
            listener(what)

    def _notify_waiters(self) -> None:
        """Wake every ``wait_for_*`` so it looks again (calls, sockets and acks all go through here)."""
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, event in list(self._waiters):
            if loop is current:
                event.set()
            elif not loop.is_closed():
                # The server may run in another thread (the browser sandbox); Events are not thread-safe.
                loop.call_soon_threadsafe(event.set)

    async def _wait_for(self, check: Callable[[], T | None], timeout: float, failure: Callable[[], str]) -> T:  # noqa: ASYNC109
        """Wait until ``check()`` returns something other than ``None``; raise ``AssertionError(failure())`` if not."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        waiter = (loop, event)
        self._waiters.append(waiter)
        deadline = loop.time() + timeout
        try:
            while True:
                event.clear()
                found = check()
                if found is not None:
                    return found
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise AssertionError(failure())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            self._waiters.remove(waiter)
