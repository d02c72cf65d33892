"""Failures injected into the fake Slack: the next calls of a method failing (rate limits, 5xx, error bodies,
half-done internal errors) and revoked tokens; and which token type may call which method."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

# Methods an app-level token (xapp-) may call; everything else needs the bot token, and vice versa.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


@dataclass(frozen=True)
class Fault:
    """One injected failure: the HTTP status and Slack error to answer with, and whether the call happens first."""

    status: int
    error: str
    retry_after: int | None
    after_doing_it: bool = False  # the call takes effect, then fails: Slack's half-succeeded internal_error

    def headers(self) -> dict[str, str]:
        """``Retry-After`` for a rate limit, as Slack sends it; nothing otherwise."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class Faults:
    """The failures a test or the sandbox asked ``SlackWorkspace`` for: per-method faults and revoked tokens."""

    # The Web API methods a fault may be injected into: the ones the fake answers. ``SlackWorkspace`` passes its
    # method table in here, so this module needs no import of the methods (which are written against the state).
    implemented_methods: ClassVar[Collection[str]] = frozenset()

    def _init_faults(self) -> None:
        self._faults: dict[str, deque[Fault]] = {}
        self._rejected_tokens: dict[str, str] = {}  # token -> the error every call with it answers

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        after_doing_it: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail, before they change anything (``after_doing_it``:
        after, as Slack's ``internal_error`` and 5xx may).

        ``status=429`` answers ``ratelimited`` with a ``Retry-After`` header (``retry_after``, default 1);
        ``status>=500`` answers that status; ``status=200`` needs ``error`` and answers ``{"ok": false, …}``.
        """
        if method not in self.implemented_methods:
            known = ", ".join(sorted(self.implemented_methods))
            raise ValueError(f"the fake does not implement {method!r}; known: {known}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 200 and not error:
            raise ValueError("a failure with status 200 needs an error name, e.g. error='channel_not_found'")
        if status == 429:
            error = error or "ratelimited"
            retry_after = 1 if retry_after is None else retry_after
        elif status >= 500:
            error = error or "internal_error"
        fault = Fault(
            status=status, error=error or "request_failed", retry_after=retry_after, after_doing_it=after_doing_it
        )
        self._faults.setdefault(method, deque()).extend([fault] * times)

    def reject_token(self, token: str, error: str = "token_revoked") -> None:
        """Answer every call made with ``token`` with ``error`` (``token_revoked``, ``account_inactive``, …), as
        Slack does once a token is revoked, until :meth:`accept_token`."""
        self._rejected_tokens[token] = error

    def accept_token(self, token: str) -> None:
        self._rejected_tokens.pop(token, None)

    def _token_refusal(self, token: str) -> str | None:
        """The error every call with ``token`` answers while it is rejected; ``None`` for a token in good standing."""
        return self._rejected_tokens.get(token)

    def _take_fault(self, method: str) -> Fault | None:
        queue = self._faults.get(method)
        return queue.popleft() if queue else None
