"""Parsing ``/ticket`` text into what the person asked for. Pure: no Slack, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.tickets.routing import split_priority
from config.schema import PRIORITIES

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,9}-\d{1,9}$")
# With "Escape channels, users, and links" on, Slack sends @alice as <@U123|alice>; accept a bare id too.
_USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")
# The manifest sets should_escape, so Slack turns every @name it knows into <@U…|name>; an @name left as typed is
# someone Slack did not find in the workspace.
_UNKNOWN_MENTION = re.compile(r"^@([^\s@<>]+)$")
_DEPARTMENT = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,9}$")  # a department key as typed (SUP, eng)


class Subcommand(StrEnum):
    OPEN = "open"
    HELP = "help"
    LIST = "list"
    SHOW = "show"
    ACK = "ack"
    ASSIGN = "assign"
    ESCALATE = "escalate"
    CLOSE = "close"
    REOPEN = "reopen"
    ACCEPT = "accept"
    DECLINE = "decline"
    WAIT = "wait"
    BLOCK = "block"
    RESUME = "resume"
    AWAY = "away"
    BACK = "back"
    ASK = "ask"  # ask another department (a consult)
    ANSWER = "answer"  # answer a consult
    LINK = "link"
    DUPLICATE = "duplicate"
    CUSTOMER = "customer"  # the customer a ticket is for
    RATE = "rate"  # a resolved ticket's rating, as its buttons give it


# Words that, as the first word, are a subcommand rather than the start of a ticket's text.
SUBCOMMAND_WORDS = {s.value for s in Subcommand} - {Subcommand.OPEN.value}


@dataclass(frozen=True)
class ParsedCommand:
    subcommand: Subcommand
    text: str = ""  # the ticket's text (open) or the note (close)
    priority: str | None = None
    key: str | None = None
    user_id: str | None = None
    scope: str | None = None  # list: None when not given (the asker's default list)
    unknown_person: str | None = None  # assign: an @name Slack did not recognise, as typed
    department: str | None = None  # ask: the department asked
    consult_key: str | None = None  # block: the consult whose answer the ticket waits for
    other_key: str | None = None  # link, duplicate: the second ticket
    customer: str | None = None  # customer: the customer's name, as typed
    score: str | None = None  # rate: the score as typed (the workflow says when it is not 1 to 5)
    usage_key: str | None = None  # set when the subcommand was recognised but used wrongly


def parse_ticket_command(text: str) -> ParsedCommand:
    """``/ticket`` text → a ``ParsedCommand``; wrong usage comes back with ``usage_key`` set, never raises."""
    stripped = text.strip()
    if not stripped:
        return ParsedCommand(Subcommand.OPEN)  # no text: the new-ticket form
    head, _, rest = stripped.partition(" ")
    word = head.lower()
    rest = rest.strip()
    if word == Subcommand.CUSTOMER.value and rest and not KEY_PATTERN.match(rest.partition(" ")[0]):
        word = ""  # "/ticket customer says the app crashed" is a new ticket's text; the subcommand names a ticket
    if word not in SUBCOMMAND_WORDS and _looks_like_subcommand(word, rest):
        return ParsedCommand(Subcommand.HELP, text=head, usage_key="error.unknown_subcommand")
    if word not in SUBCOMMAND_WORDS:
        priority, body = split_priority(stripped)
        return ParsedCommand(Subcommand.OPEN, text=body, priority=priority)  # no body: the form, priority set
    subcommand = Subcommand(word)
    if subcommand in (Subcommand.HELP, Subcommand.AWAY, Subcommand.BACK):
        return ParsedCommand(subcommand)
    if subcommand == Subcommand.LIST:
        if not rest:
            return ParsedCommand(subcommand)
        scope = rest.split()[0].lower()
        if scope not in ("mine", "dept", "overdue"):
            return ParsedCommand(subcommand, usage_key="usage.list")
        return ParsedCommand(subcommand, scope=scope)
    key_text, _, after_key = rest.partition(" ")
    after_key = after_key.strip()
    usage = f"usage.{subcommand.value}"
    if not key_text:
        return ParsedCommand(subcommand, usage_key=usage)
    if not KEY_PATTERN.match(key_text):
        return ParsedCommand(subcommand, text=key_text, usage_key="error.bad_key")
    key = key_text.upper()
    if subcommand == Subcommand.ASSIGN:
        mention, _, reason = after_key.partition(" ")
        match = _USER_MENTION.match(mention) if mention else None
        unknown = _UNKNOWN_MENTION.match(mention) if mention and match is None else None
        if unknown is not None:
            return ParsedCommand(subcommand, key=key, unknown_person=unknown.group(1), text=reason.strip())
        if match is None:
            return ParsedCommand(subcommand, key=key, usage_key="usage.assign")
        return ParsedCommand(subcommand, key=key, user_id=match.group(1) or match.group(2), text=reason.strip())
    if subcommand == Subcommand.ASK:
        department, _, question = after_key.partition(" ")
        if not _DEPARTMENT.match(department):
            return ParsedCommand(subcommand, key=key, usage_key="usage.ask")
        priority, body = split_priority(question)
        return ParsedCommand(subcommand, key=key, department=department.upper(), priority=priority, text=body)
    if subcommand == Subcommand.BLOCK:
        # ``/ticket block KEY CONSULT [note]``: waiting for that consult's answer; any other note is just a note.
        first, _, note = after_key.partition(" ")
        if KEY_PATTERN.match(first):
            return ParsedCommand(subcommand, key=key, consult_key=first.upper(), text=note.strip())
        return ParsedCommand(subcommand, key=key, text=after_key)
    if subcommand == Subcommand.CUSTOMER:
        if not after_key:
            return ParsedCommand(subcommand, key=key, usage_key="usage.customer")
        return ParsedCommand(subcommand, key=key, customer=after_key)
    if subcommand in (Subcommand.LINK, Subcommand.DUPLICATE):
        other, _, extra = after_key.partition(" ")
        if not other or extra.strip():
            return ParsedCommand(subcommand, key=key, usage_key=usage)
        if not KEY_PATTERN.match(other):
            return ParsedCommand(subcommand, key=key, text=other, usage_key="error.bad_key")
        return ParsedCommand(subcommand, key=key, other_key=other.upper())
    if subcommand == Subcommand.RATE:
        score, _, comment = after_key.partition(" ")
        if not score:
            return ParsedCommand(subcommand, key=key, usage_key=usage)
        return ParsedCommand(subcommand, key=key, score=score, text=comment.strip())
    if subcommand in (
        Subcommand.CLOSE,
        Subcommand.ESCALATE,
        Subcommand.REOPEN,
        Subcommand.DECLINE,
        Subcommand.WAIT,
        Subcommand.ANSWER,
    ):
        return ParsedCommand(subcommand, key=key, text=after_key)
    return ParsedCommand(subcommand, key=key)


def _looks_like_subcommand(word: str, rest: str) -> bool:
    """A mistyped subcommand ("/ticket shwo SUP-1", "/ticket lst") rather than the text of a new ticket.

    A ticket's text is a sentence; a lone Latin word, or a word followed by a ticket key, is far more
    likely a typo, and opening a ticket called "lst" would be worse than asking.
    """
    if word in PRIORITIES or not (word.isascii() and word.isalpha() and len(word) <= 12):
        return False
    return not rest or KEY_PATTERN.match(rest.split(" ")[0]) is not None
