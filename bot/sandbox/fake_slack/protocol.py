"""How the fake Slack's Web API methods are written: the request they read, the error they raise, the registry
``@api_method`` fills, and cursor pagination."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.sandbox.fake_slack.models import JsonDict

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState

T = TypeVar("T")


class ApiError(Exception):
    """A Slack error answer: HTTP 200 with ``{"ok": false, "error": …}``."""

    def __init__(self, error: str, *, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages

    @classmethod
    def missing(cls, name: str) -> ApiError:
        return cls("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass
class ApiRequest:
    method: str
    args: JsonDict
    origin: str  # scheme://host:port the client reached us on, for URLs we hand out

    def text(self, name: str) -> str | None:
        value = self.args.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise ApiError.missing(name)
        return value

    def flag(self, name: str) -> bool:
        value = self.args.get(name)
        if isinstance(value, bool):
            return value
        return value is not None and str(value).strip().lower() in {"1", "true"}

    def integer(self, name: str, default: int) -> int:
        value = self.args.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments", messages=[f"[ERROR] {name} must be an integer"]) from None

    def decoded(self, name: str, *, error: str) -> Any:
        """A JSON-valued argument, whether it came as a string (form, query) or already decoded (JSON body)."""
        value = self.args.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(error) from None
        return value


Handler = Callable[["WorkspaceState", ApiRequest], JsonDict]
METHODS: dict[str, Handler] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of the Web API method ``name``."""

    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


def _encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def one_page(
    items: list[T], key: Callable[[T], str], request: ApiRequest, *, kind: str, default_limit: int, max_limit: int
) -> tuple[list[T], str]:
    """One page of ``items`` after ``cursor``, and the cursor of the next page ("" on the last one)."""
    limit = request.integer("limit", default_limit)
    limit = max_limit if limit <= 0 else min(limit, max_limit)
    start = 0
    cursor = request.text("cursor")
    if cursor:
        try:
            found_kind, _, value = base64.b64decode(cursor, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError("invalid_cursor") from None
        keys = [key(item) for item in items]
        if found_kind != kind or value not in keys:
            raise ApiError("invalid_cursor")
        start = keys.index(value)
    page = items[start : start + limit]
    following = items[start + limit : start + limit + 1]
    return page, _encode_cursor(kind, key(following[0])) if following else ""
