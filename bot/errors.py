"""Domain errors. Each carries a catalogue key and parameters, so one error handler can tell the user why.

Anything that is not a ``CrossdeskError`` is a bug or an outage, and is logged with an id instead.
"""

from __future__ import annotations

from typing import Any


class CrossdeskError(Exception):
    """An expected refusal with a message for the person who asked."""

    message_key = "error.generic"

    def __init__(self, message_key: str | None = None, /, **params: Any) -> None:
        self.message_key = message_key or self.message_key
        self.params = params
        super().__init__(f"{self.message_key} {params}")


class TicketNotFound(CrossdeskError):
    message_key = "error.ticket_not_found"


class InvalidTransition(CrossdeskError):
    message_key = "error.invalid_transition"


class NotAllowed(CrossdeskError):
    message_key = "error.not_allowed"


class BadRequest(CrossdeskError):
    """The request itself is wrong (missing text, unknown user, bad usage)."""

    message_key = "error.bad_request"
