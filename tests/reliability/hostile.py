"""Hostile Slack requests for the fuzz suite: real payload shapes, mutated by hypothesis, signed correctly.

A :class:`Request` is one Slack payload as a dict plus how Slack encodes it (JSON for events, a form for
slash commands, ``payload=<json>`` for interactions), the fields its handler cannot do without, and the
places where a person's own words go. Strategies mutate the shape (drop a field, change its type) or put
hostile text (huge, empty, every Unicode plane, broadcast and mention markup) where the words go.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from hypothesis import strategies as st
from sqlmodel import SQLModel

from storage.database import Database

Path = tuple[str | int, ...]
Encoding = Literal["json", "form", "payload"]

# Shapes of the ids a real Slack request carries.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,}")
TS = re.compile(r"\d{9,10}\.\d{6}")
TICKET_KEY = re.compile(r"(?i)[a-z][a-z0-9]*-\d+")
ANY_TEXT = re.compile(r"(?s).+")

# Markup that notifies a whole channel, workspace or group. The bot must never send it on someone's behalf.
BROADCAST = re.compile(r"<!(?:channel|here|everyone|subteam\^)|(?<![\w@])@(?:channel|here|everyone)\b")

MENTIONS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!here|here>",
    "<!channel|@channel>",
    "<!subteam^S0123|@support>",
    "@channel",
    "@here",
    "@everyone",
    "&lt;!channel&gt;",
    "<@U0ALICE>",
    "<@U0BOB|bob>",
    "<@W0NOBODY>",
    "<#C0INTAKE|intake>",
    "<https://evil.example/login|Reset your password>",
    "<https://example.com>",
    "<mailto:a@example.com|mail>",
    "<!date^1392734382^{date}|Feb 18>",
    "*bold* _it_ ~s~ `code` ```block```",
    "SUP-1",
    "ack SUP-1",
    "urgent",
    "<",
    ">",
    "&",
    "&amp;&lt;&gt;",
    "\u202e\u200b\u2060\ufeff",
    "\x00\x01\x1f",
    "退款 投诉 refund complaint",
    "\U0001f600\U0001f9d1\u200d\U0001f4bb",
    "\U00010000\U00020000\U000e0001\U000f0000\U0010fffd",
]

# Every plane: hypothesis draws code points from all of them (no surrogates, which UTF-8 cannot carry).
_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
_HUGE = st.builds(
    lambda piece, times: piece * times, st.sampled_from(["a", "退", "\U0001f600", "<!here> "]), st.integers(3000, 60000)
)

HOSTILE_TEXT: st.SearchStrategy[str] = st.one_of(
    st.just(""),
    st.just("   \n\t "),
    _ANY_TEXT,
    st.sampled_from(MENTIONS),
    st.lists(st.one_of(st.sampled_from(MENTIONS), _ANY_TEXT), min_size=2, max_size=6).map(" ".join),
    _HUGE,
)

# What a mutated field may become: another type, nothing, or hostile text.
HOSTILE_VALUE: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just([]),
    st.just({}),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["id", "type", "value", "text"]), _ANY_TEXT, max_size=3),
    HOSTILE_TEXT,
)


@dataclass
class Request:
    """One Slack request before encoding and signing."""

    kind: str
    body: dict[str, Any]
    encoding: Encoding
    # Fields the handler cannot do without, each with the shape a real one has (a user id, a ts, a key).
    required: dict[Path, re.Pattern[str]] = field(default_factory=dict)

    def encode(self) -> tuple[str, str]:
        """(body, content type) as Slack would post it."""
        if self.encoding == "json":
            return json.dumps(self.body, ensure_ascii=False), "application/json"
        if self.encoding == "form":
            return urlencode({k: _form_value(v) for k, v in self.body.items()}), "application/x-www-form-urlencoded"
        return urlencode({"payload": json.dumps(self.body, ensure_ascii=False)}), "application/x-www-form-urlencoded"

    def copy(self) -> Request:
        return Request(self.kind, copy.deepcopy(self.body), self.encoding, dict(self.required))


def _form_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def decode_interaction(form_body: str) -> dict[str, Any]:
    """The JSON inside a ``payload=`` form body (the harness builders return those)."""
    from urllib.parse import parse_qs

    data: dict[str, Any] = json.loads(parse_qs(form_body)["payload"][0])
    return data


def paths(node: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every field of a payload, outermost first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def get(node: Any, path: Path) -> Any:
    for step in path:
        node = node[step]
    return node


def _parent(node: Any, path: Path) -> Any | None:
    try:
        return get(node, path[:-1])
    except (KeyError, IndexError, TypeError):
        return None


def set_at(body: dict[str, Any], path: Path, value: Any) -> bool:
    parent = _parent(body, path)
    if isinstance(parent, dict) and isinstance(path[-1], str):
        parent[path[-1]] = value
        return True
    if isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
        parent[path[-1]] = value
        return True
    return False


def delete_at(body: dict[str, Any], path: Path) -> bool:
    parent = _parent(body, path)
    if isinstance(parent, dict) and path[-1] in parent:
        del parent[path[-1]]
        return True
    if isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
        del parent[path[-1]]
        return True
    return False


@dataclass
class Mutation:
    """What was done to a request, and whether that certainly makes it invalid."""

    changes: list[str]
    breaks_required: bool


@st.composite
def mutated(draw: st.DrawFn, request: Request) -> tuple[Request, Mutation]:
    """``request`` with one to three fields dropped or replaced by a value of any type."""
    result = request.copy()
    changes: list[str] = []
    broken = False
    for _ in range(draw(st.integers(1, 3))):
        candidates = list(paths(result.body))
        if not candidates:
            break
        # Required fields are drawn often: they are where a careless handler would crash or write.
        pool = [p for p in result.required if p in candidates]
        target = draw(st.sampled_from(pool)) if pool and draw(st.booleans()) else draw(st.sampled_from(candidates))
        if draw(st.booleans()):
            if delete_at(result.body, target):
                changes.append(f"drop {'.'.join(map(str, target))}")
                broken |= _touches_required(result, target)
        else:
            value = draw(HOSTILE_VALUE)
            if set_at(result.body, target, value):
                changes.append(f"set {'.'.join(map(str, target))} = {_short(value)}")
                broken |= _breaks(result, target, value)
    return result, Mutation(changes, broken)


def _touches_required(request: Request, target: Path) -> bool:
    """True when ``target`` is a required field or holds one (dropping ``user`` drops ``user.id``)."""
    return any(required[: len(target)] == target for required in request.required)


def _breaks(request: Request, target: Path, value: Any) -> bool:
    """Whether putting ``value`` at ``target`` leaves a required field missing or not shaped like a real one."""
    for required, shape in request.required.items():
        if required == target:
            # A form keeps only strings, so a new type there is only a new string.
            shown = _form_value(value) if request.encoding == "form" else value
            if not (isinstance(shown, str) and shape.fullmatch(shown)):
                return True
        elif required[: len(target)] == target:
            return True  # a container of a required field was replaced wholesale
    return False


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


# -- oracles ----------------------------------------------------------------------------------------------


def broadcasts_in(value: Any) -> list[str]:
    """Every string inside ``value`` (decoded JSON arguments included) that would notify a crowd."""
    found: list[str] = []
    if isinstance(value, str):
        if BROADCAST.search(value):
            found.append(value[:200])
        if value[:1] in "[{":
            try:
                decoded = json.loads(value)
            except ValueError:
                return found
            if not isinstance(decoded, str):
                found += broadcasts_in(decoded)
    elif isinstance(value, dict):
        for item in value.values():
            found += broadcasts_in(item)
    elif isinstance(value, list):
        for item in value:
            found += broadcasts_in(item)
    return found


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused request wrote nothing."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with db.transaction() as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await session.exec(table.select())).all()  # type: ignore[call-overload]
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


class Trouble(logging.Handler):
    """Collects what a healthy bot never logs: errors, and any record carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # A message Slack refused (a made-up channel in a hostile payload) is recorded on its outbox row and is
        # the sender's ordinary business; anything else at ERROR, and every traceback, is trouble.
        refused = record.name == "bot.outbox.delivery" and "Slack refused" in record.getMessage()
        if (record.levelno >= logging.ERROR and not refused) or record.exc_info:
            self.records.append(record)

    def take(self) -> list[str]:
        lines = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in self.records]
        self.records.clear()
        return lines
