"""What every Slack request the sandbox builds shares: the payload samples, the signing secret and signature,
the team, and fresh timestamps, event ids and trigger ids."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"
# The signing secret the sandbox and the tests share with the bot they start; it guards nothing real.
SIGNING_SECRET = "test-signing-secret-0123456789"  # noqa: S105
TEAM_ID = "T0CROSSDESK"

_event_counter = itertools.count(1)
# Event ids must differ between runs too: the bot remembers the ids it handled (a restarted sandbox keeps its database).
_RUN = secrets.token_hex(3).upper()
_ts_counter = itertools.count(1)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return data


def next_ts() -> str:
    """A message ts that no other test message has."""
    return f"{1_790_000_000 + next(_ts_counter)}.{next(_ts_counter):06d}"


def next_event_id() -> str:
    return f"Ev0{_RUN}{next(_event_counter):06d}"


def next_trigger_id() -> str:
    """A trigger id in Slack's shape that no other request has, in this process or another: the fake Slack lets each
    be exchanged once. (The sandbox and the test harness ask the fake for one instead, which it also dates.)"""
    return f"{next(_event_counter)}.{next(_event_counter)}.{_RUN.lower()}"


def sign(body: str | bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds: ``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    raw = body if isinstance(body, bytes) else body.encode()
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
